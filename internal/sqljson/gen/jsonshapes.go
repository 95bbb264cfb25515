package main

import (
	"bytes"
	"fmt"
	"go/types"
	"reflect"
	"sort"
	"strings"

	"entgo.io/ent/entc/gen"
	"entgo.io/ent/schema/field"
	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/tools/go/packages"
)

// A JSON column holding a Go slice of structs is mapped as a list of the
// GraphQL object gqlgen writes from each struct (internal/sqljson's
// jsonList), when every GraphQL field of that object is bound to a struct
// field the statement can read from the stored JSON: a string, a
// *money.Decimal, or a slice of such structs in turn. The struct is read
// from its Go package's types, so its JSON keys are its own (a json tag,
// else the Go name, as encoding/json stores it) and a field added to it or
// to the GraphQL type is checked here, not assumed.

type shapeSpec struct {
	Name   string
	Fields []shapeField
}

type shapeField struct {
	Name, Kind, Key, Shape string
	NonNull                bool
}

// jsonFieldNamed is the JSON ent field whose GraphQL name is name.
func jsonFieldNamed(t *gen.Type, name string) *gen.Field {
	for _, f := range t.Fields {
		if f.Type.Type == field.TypeJSON && camel(f.Name) == name {
			return f
		}
	}
	return nil
}

// jsonList maps a JSON column holding a slice of structs.
func (m *mapper) jsonList(f *gen.Field, fd *ast.FieldDefinition) (fieldSpec, string, error) {
	rt := f.Type.RType
	if rt == nil || rt.Kind != reflect.Slice || !strings.HasPrefix(rt.Ident, "[]") || strings.HasPrefix(rt.Ident, "[]*") {
		return fieldSpec{}, "a JSON column that is no slice of structs", nil
	}
	if why, err := m.structShape(f, fd); why != "" || err != nil {
		return fieldSpec{}, why, err
	}
	return fieldSpec{Kind: "jsonList", Column: f.StorageKey(), Shape: fd.Type.Name(), NonNull: fd.Type.NonNull}, "", nil
}

// jsonObject maps a JSON column holding a pointer to a struct, a
// nullable object (nil is null).
func (m *mapper) jsonObject(f *gen.Field, fd *ast.FieldDefinition) (fieldSpec, string, error) {
	rt := f.Type.RType
	// entc names a pointer's element type (Ident) and gives its Kind.
	if rt == nil || rt.Kind != reflect.Ptr || strings.ContainsAny(rt.Ident, "*[]") || fd.Type.NonNull {
		return fieldSpec{}, "a JSON column that is no pointer to a struct", nil
	}
	if why, err := m.structShape(f, fd); why != "" || err != nil {
		return fieldSpec{}, why, err
	}
	return fieldSpec{Kind: "jsonObject", Column: f.StorageKey(), Shape: fd.Type.Name()}, "", nil
}

// structShape maps the struct a JSON column's Go type names (its element
// or pointee) onto fd's GraphQL type; why says what it cannot map.
func (m *mapper) structShape(f *gen.Field, fd *ast.FieldDefinition) (why string, err error) {
	rt := f.Type.RType
	named, err := m.goType(f.Type.PkgPath, rt.Ident[strings.LastIndex(rt.Ident, ".")+1:])
	if err != nil {
		return "", err
	}
	return m.shape(fd.Type.Name(), named)
}

// goType finds a named type of a Go package.
func (m *mapper) goType(path, name string) (*types.Named, error) {
	if m.pkgs == nil {
		m.pkgs = map[string]*types.Package{}
	}
	pkg := m.pkgs[path]
	if pkg == nil {
		loaded, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes}, path)
		if err != nil {
			return nil, fmt.Errorf("loading %s: %w", path, err)
		}
		if len(loaded) != 1 || len(loaded[0].Errors) > 0 || loaded[0].Types == nil {
			return nil, fmt.Errorf("loading %s: %v", path, loaded)
		}
		pkg = loaded[0].Types
		m.pkgs[path] = pkg
	}
	obj := pkg.Scope().Lookup(name)
	if obj == nil {
		return nil, fmt.Errorf("%s has no type %s", path, name)
	}
	named, ok := obj.Type().(*types.Named)
	if !ok {
		return nil, fmt.Errorf("%s.%s is no named type", path, name)
	}
	return named, nil
}

// shape maps the GraphQL object gql onto the struct named, or says why
// not, and keeps it in m.shapes.
func (m *mapper) shape(gql string, named *types.Named) (string, error) {
	def := m.schema.Types[gql]
	st, ok := named.Underlying().(*types.Struct)
	if def == nil || def.Kind != ast.Object || !ok {
		return gql + " is no object written from a struct", nil
	}
	spec := shapeSpec{Name: gql}
	methods := types.NewMethodSet(types.NewPointer(named))
	for _, fd := range def.Fields {
		if strings.HasPrefix(fd.Name, "__") {
			continue
		}
		if len(fd.Arguments) > 0 {
			return gql + "." + fd.Name + " has arguments", nil
		}
		for i := 0; i < methods.Len(); i++ {
			if strings.EqualFold(methods.At(i).Obj().Name(), fd.Name) {
				return gql + "." + fd.Name + " is a method", nil
			}
		}
		sf, why, err := m.shapeField(st, fd)
		if why != "" || err != nil {
			return why, err
		}
		spec.Fields = append(spec.Fields, sf)
	}
	if old, ok := m.shapes[gql]; ok && !reflect.DeepEqual(old, spec) {
		return "", fmt.Errorf("%s is written from two structs that differ", gql)
	}
	if m.shapes == nil {
		m.shapes = map[string]shapeSpec{}
	}
	m.shapes[gql] = spec
	return "", nil
}

// shapeField maps one GraphQL field onto the struct field gqlgen binds it
// to (the exported field of its name, case aside).
func (m *mapper) shapeField(st *types.Struct, fd *ast.FieldDefinition) (shapeField, string, error) {
	for i := 0; i < st.NumFields(); i++ {
		v := st.Field(i)
		if !v.Exported() || v.Embedded() || !strings.EqualFold(v.Name(), fd.Name) {
			continue
		}
		key := strings.Split(reflect.StructTag(st.Tag(i)).Get("json"), ",")[0]
		switch key {
		case "-":
			return shapeField{}, fd.Name + " is not stored", nil
		case "":
			key = v.Name()
		}
		sf := shapeField{Name: fd.Name, Key: key}
		named := fd.Type.Name()
		switch typ := v.Type(); {
		case named == "String" && fd.Type.Elem == nil && types.Identical(typ, types.Typ[types.String]):
			sf.Kind = "jsonString"
		case named == "Float" && fd.Type.Elem == nil && types.Identical(typ, types.Typ[types.Float64]):
			sf.Kind = "jsonFloat"
		case named == "Decimal" && fd.Type.Elem == nil && isDecimalPointer(typ):
			sf.Kind = "jsonDecimal"
		case fd.Type.Elem != nil && isStructSlice(typ):
			elem := typ.(*types.Slice).Elem().(*types.Named)
			why, err := m.shape(named, elem)
			if why != "" || err != nil {
				return shapeField{}, why, err
			}
			sf.Kind, sf.Shape, sf.NonNull = "jsonNested", named, fd.Type.NonNull
		default:
			return shapeField{}, fmt.Sprintf("%s is a %s from a Go %s", fd.Name, fd.Type, typ), nil
		}
		return sf, "", nil
	}
	return shapeField{}, fd.Name + " is no field of the Go struct", nil
}

func isDecimalPointer(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := p.Elem().(*types.Named)
	return ok && n.Obj().Name() == "Decimal" && strings.HasSuffix(n.Obj().Pkg().Path(), "/internal/money")
}

func isStructSlice(t types.Type) bool {
	s, ok := t.(*types.Slice)
	if !ok {
		return false
	}
	n, ok := s.Elem().(*types.Named)
	if !ok {
		return false
	}
	_, ok = n.Underlying().(*types.Struct)
	return ok
}

func (m *mapper) sortedShapes() []shapeSpec {
	out := make([]shapeSpec, 0, len(m.shapes))
	for _, s := range m.shapes {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func renderShapes(b *bytes.Buffer, shapes []shapeSpec) {
	b.WriteString("// shapes are the GraphQL object types gqlgen writes from Go structs kept\n// in JSON columns, by the keys they are stored under.\nvar shapes = map[string]jsonShape{\n")
	for _, s := range shapes {
		fmt.Fprintf(b, "%q: {fields: map[string]jsonField{\n", s.Name)
		for _, f := range s.Fields {
			fmt.Fprintf(b, "%q: {kind: %s, key: %q", f.Name, f.Kind, f.Key)
			if f.Shape != "" {
				fmt.Fprintf(b, ", shape: %q, nonNull: %v", f.Shape, f.NonNull)
			}
			b.WriteString("},\n")
		}
		b.WriteString("}},\n")
	}
	b.WriteString("}\n\n")
}
