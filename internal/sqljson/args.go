package sqljson

import (
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/aidregistry/registry/internal/gid"

	"github.com/aidregistry/registry/internal/partialdate"
)

// checkInput walks an argument's value against its GraphQL type and lets
// through only what gqlparser has fully validated already (built-in scalars
// and enums) or what it checks here as gqlgen would (PartialDate). Every
// other custom scalar (ID, Decimal, Time, ...) sends the request down the
// general path, whose scalar decoders give the client their usual errors.
func checkInput(schema *ast.Schema, typ *ast.Type, v any) error {
	if v == nil {
		return nil
	}
	if typ.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			return checkInput(schema, typ.Elem, v) // a single value stands for a list of one
		}
		for _, item := range list {
			if err := checkInput(schema, typ.Elem, item); err != nil {
				return err
			}
		}
		return nil
	}
	def := schema.Types[typ.Name()]
	if def == nil {
		return unsupported("type %s", typ.Name())
	}
	switch def.Kind {
	case ast.Enum:
		return nil
	case ast.Scalar:
		switch def.Name {
		case "String", "Int", "Boolean", "Float":
			return nil
		case "ID":
			if s, ok := v.(string); !ok || !validID(s) {
				return unsupported("ID %v", v)
			}
			return nil
		case "Time":
			// gqlgen reads RFC3339Nano, ent's input structs RFC 3339 as
			// encoding/json does: only a text both read alike goes on.
			s, ok := v.(string)
			a, errA := graphql.UnmarshalTime(v)
			var b time.Time
			errB := b.UnmarshalText([]byte(s))
			if !ok || errA != nil || errB != nil || !a.Equal(b) {
				return unsupported("Time %v", v)
			}
			return nil
		case "PartialDate":
			s, ok := v.(string)
			if !ok || partialdate.Validate(s) != nil {
				return unsupported("PartialDate %v", v)
			}
			return nil
		}
		return unsupported("%s value", def.Name)
	case ast.InputObject:
		fields, ok := v.(map[string]any)
		if !ok {
			return unsupported("%s value %T", def.Name, v)
		}
		for name, fv := range fields {
			fd := def.Fields.ForName(name)
			if fd == nil {
				return unsupported("%s.%s", def.Name, name)
			}
			if err := checkInput(schema, fd.Type, fv); err != nil {
				return err
			}
		}
		return nil
	}
	return unsupported("%s kind %s", def.Name, def.Kind)
}

func validID(s string) bool {
	_, err := gid.Decode(s)
	return err == nil
}

// coerce gives an argument's value as GraphQL's input coercion reads it: a
// single value where the type is a list stands for a list of one, at any
// depth, and an opaque ID is the integer ent keeps, so that the JSON form
// decodes into ent's input structs. checkInput has accepted v.
func coerce(schema *ast.Schema, typ *ast.Type, v any) any {
	if v == nil {
		return nil
	}
	if typ.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			return []any{coerce(schema, typ.Elem, v)}
		}
		out := make([]any, len(list))
		for i, item := range list {
			out[i] = coerce(schema, typ.Elem, item)
		}
		return out
	}
	if s, ok := v.(string); ok && typ.Name() == "ID" {
		if id, err := gid.Decode(s); err == nil {
			return id
		}
		return v
	}
	def := schema.Types[typ.Name()]
	fields, ok := v.(map[string]any)
	if def == nil || def.Kind != ast.InputObject || !ok {
		return v
	}
	out := make(map[string]any, len(fields))
	for name, fv := range fields {
		if fd := def.Fields.ForName(name); fd != nil {
			fv = coerce(schema, fd.Type, fv)
		}
		out[name] = fv
	}
	return out
}
