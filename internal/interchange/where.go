package interchange

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/gid"
)

// ParseWhere reads a GraphQL `where` argument written as JSON (what a
// client would send as the variable) into one of ent's generated where
// inputs, such as ent.ProgrammeWhereInput, so that an export filters as
// the GraphQL connection does. As GraphQL would, it takes opaque ids where
// the input holds integer ids, and a single value where it holds a list
// (hasParticipationsWith: {...}). An empty string is no filter (nil).
// Errors are BAD_USER_INPUT. A filter longer than MaxWhereBytes or whose
// objects nest deeper than MaxWhereDepth is refused before it is decoded
// further.
func ParseWhere[T any](raw string) (*T, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	if len(raw) > MaxWhereBytes {
		return nil, apperr.Errorf(apperr.BadUserInput, "where is %d bytes long, %d more than the limit of %d", len(raw), len(raw)-MaxWhereBytes, MaxWhereBytes)
	}
	if d := jsonDepth(raw); d > MaxWhereDepth {
		return nil, apperr.Errorf(apperr.BadUserInput, "where nests %d levels deep, %d more than the limit of %d", d, d-MaxWhereDepth, MaxWhereDepth)
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, apperr.Errorf(apperr.BadUserInput, "where is not JSON: %v", err)
	}
	if dec.More() {
		return nil, apperr.Errorf(apperr.BadUserInput, "where holds more than one JSON value")
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, apperr.Errorf(apperr.BadUserInput, "where must be a JSON object, as the GraphQL where argument")
	}
	v, err := coerce(v, reflect.TypeFor[T](), "where")
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := new(T)
	strict := json.NewDecoder(bytes.NewReader(b))
	strict.DisallowUnknownFields()
	if err := strict.Decode(out); err != nil {
		return nil, apperr.Errorf(apperr.BadUserInput, "where: %v", err)
	}
	return out, nil
}

// Bounds on an export's where filter: real filters are a few hundred bytes
// and three or four objects deep.
const (
	MaxWhereBytes = 64 << 10
	MaxWhereDepth = 10
)

// jsonDepth is how deeply the objects of a JSON text nest (a flat object is
// 1; lists do not count). It reads the text once, without decoding it:
// strings are skipped, anything malformed is left to the decoder.
func jsonDepth(raw string) int {
	depth, most := 0, 0
	var stack []byte
	inString, escaped := false, false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			stack = append(stack, c)
			if c == '{' {
				depth++
				most = max(most, depth)
			}
		case '}', ']':
			if len(stack) == 0 {
				return most
			}
			if stack[len(stack)-1] == '{' {
				depth--
			}
			stack = stack[:len(stack)-1]
		}
	}
	return most
}

// coerce applies GraphQL's input coercion to v for a Go value of type t:
// a single value becomes a one-element list, and an opaque id string
// becomes the integer id. Unknown keys are left for the strict decoder to
// refuse.
func coerce(v any, t reflect.Type, path string) (any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return v, nil
		}
		fields := jsonFields(t)
		for k, e := range m {
			ft, ok := fields[k]
			if !ok {
				continue
			}
			c, err := coerce(e, ft, path+"."+k)
			if err != nil {
				return nil, err
			}
			m[k] = c
		}
		return m, nil
	case reflect.Slice:
		if v == nil {
			return v, nil
		}
		list, ok := v.([]any)
		if !ok {
			list = []any{v}
		}
		for i, e := range list {
			c, err := coerce(e, t.Elem(), path)
			if err != nil {
				return nil, err
			}
			list[i] = c
		}
		return list, nil
	case reflect.Int, reflect.Int64:
		s, ok := v.(string)
		if !ok {
			return v, nil
		}
		id, err := gid.Decode(s)
		if err != nil {
			return nil, apperr.Errorf(apperr.BadUserInput, "%s: %v", path, err)
		}
		return id, nil
	}
	return v, nil
}

// jsonFields maps a struct's JSON keys to its fields' types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}

// whereError wraps a where input that ent cannot turn into a predicate.
func whereError(err error) error {
	return apperr.Errorf(apperr.BadUserInput, "where: %v", err)
}
