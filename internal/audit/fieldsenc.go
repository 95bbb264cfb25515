package audit

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aidregistry/registry/internal/iati"
)

// An import writes the history of every record it creates: encoding each
// by reflection, then splitting and sorting the object (fieldsJSON), was
// the largest part of the Go time of its writes. A fieldPlan per record
// type, worked out once, writes the same object directly: the fields in
// key order, "edges" left out, each value as encoding/json writes it (the
// kinds ent records hold most by hand, the rest by encoding/json itself).
// A type the plan cannot be sure of (a field tag option other than
// omitempty, an embedded struct, a repeated key) keeps the old path.

// fieldPlan is how one field of a record type is written.
type fieldPlan struct {
	index     int
	key       string // the member's key, quoted, and the colon
	omitEmpty bool
	write     writeFunc
}

// writeFunc appends the JSON of an addressable field value.
type writeFunc func(b []byte, v reflect.Value) ([]byte, error)

// recordPlans holds each record type's plan: a []fieldPlan, nil when the
// type keeps the old path.
var recordPlans sync.Map

// planOf is the plan for records of type t, a pointer to a struct.
func planOf(t reflect.Type) []fieldPlan {
	if p, ok := recordPlans.Load(t); ok {
		return p.([]fieldPlan)
	}
	var p []fieldPlan
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
		p = structPlan(t.Elem())
	}
	recordPlans.Store(t, p)
	return p
}

// structPlan is the plan of a struct's fields, in key order, or nil.
func structPlan(t reflect.Type) []fieldPlan {
	var plan []fieldPlan
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		if sf.Anonymous || !sf.IsExported() {
			if sf.Anonymous {
				return nil // encoding/json would look inside it
			}
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if opts != "" && opts != "omitempty" || !plainKey(name) {
			return nil
		}
		if name == "" {
			name = sf.Name
		}
		if name == "edges" {
			continue
		}
		plan = append(plan, fieldPlan{
			index: i, key: `"` + name + `":`, omitEmpty: opts == "omitempty", write: writerOf(sf.Type),
		})
	}
	slices.SortFunc(plan, func(a, b fieldPlan) int { return strings.Compare(a.key, b.key) })
	for i := 1; i < len(plan); i++ {
		if plan[i].key == plan[i-1].key {
			return nil
		}
	}
	if plan == nil {
		plan = []fieldPlan{} // a record of no fields: "{}", not the old path
	}
	return plan
}

// plainKey says a tag's name is one encoding/json takes as it is and
// writes with no escape: ent's names are lower case words and digits
// joined by underscores.
func plainKey(name string) bool {
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	elementsType    = reflect.TypeFor[[]*iati.Element]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	textMarshalType = reflect.TypeFor[encoding.TextMarshaler]()
)

// writerOf is how a field of type t is written: by hand for times,
// elements and plain strings, numbers and booleans, or pointers to them;
// else by encoding/json.
func writerOf(t reflect.Type) writeFunc {
	switch {
	case t == timeType:
		return writeTime
	case t == elementsType:
		return writeElements
	case t.Kind() == reflect.Pointer:
		// Whether encoding/json calls a method of the pointer or looks
		// through it, a nil one is null and another is what it points to
		// (addressable, as a field is).
		write := writerOf(t.Elem())
		return func(b []byte, v reflect.Value) ([]byte, error) {
			if v.IsNil() {
				return append(b, "null"...), nil
			}
			return write(b, v.Elem())
		}
	}
	if w := plainWriter(t); w != nil {
		return w
	}
	return writeEncoded
}

// plainWriter writes a string, integer or boolean kind with no methods
// of its own that encoding/json would call; nil for other types.
func plainWriter(t reflect.Type) writeFunc {
	if marshals(t) {
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		return func(b []byte, v reflect.Value) ([]byte, error) { return iati.AppendJSONString(b, v.String()), nil }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(b []byte, v reflect.Value) ([]byte, error) { return strconv.AppendInt(b, v.Int(), 10), nil }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return func(b []byte, v reflect.Value) ([]byte, error) { return strconv.AppendUint(b, v.Uint(), 10), nil }
	case reflect.Bool:
		return func(b []byte, v reflect.Value) ([]byte, error) { return strconv.AppendBool(b, v.Bool()), nil }
	}
	return nil
}

// marshals says encoding/json would call a method of a value of type t
// (addressable, as a record's fields are) rather than look at its kind.
func marshals(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(marshalerType) || p.Implements(marshalerType) ||
		t.Implements(textMarshalType) || p.Implements(textMarshalType)
}

// writeTime writes a time as its MarshalJSON does (and encoding/json
// keeps: it has nothing to escape or compact).
func writeTime(b []byte, v reflect.Value) ([]byte, error) {
	t, _ := reflect.TypeAssert[time.Time](v)
	b = append(b, '"')
	b, err := t.AppendText(b)
	if err != nil {
		return nil, err
	}
	return append(b, '"'), nil
}

func writeElements(b []byte, v reflect.Value) ([]byte, error) {
	es, _ := reflect.TypeAssert[[]*iati.Element](v)
	return iati.AppendElementsJSON(b, es), nil
}

// writeEncoded writes a value by encoding/json, through its address so
// that methods on the pointer are called as they are for a field.
func writeEncoded(b []byte, v reflect.Value) ([]byte, error) {
	w := bytes.NewBuffer(b)
	if err := json.NewEncoder(w).Encode(v.Addr().Interface()); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(w.Bytes(), []byte{'\n'}), nil
}

// emptyField says omitempty leaves a value out, as encoding/json decides.
func emptyField(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// planned is a record's fields JSON written by its type's plan, appended
// to b; ok is false when the type keeps the old path.
func planned(b []byte, n any) (out []byte, ok bool, err error) {
	rv := reflect.ValueOf(n)
	plan := planOf(rv.Type())
	if plan == nil || rv.IsNil() {
		return b, false, nil
	}
	rv = rv.Elem()
	b = append(b, '{')
	first := true
	for _, f := range plan {
		v := rv.Field(f.index)
		if f.omitEmpty && emptyField(v) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, f.key...)
		if b, err = f.write(b, v); err != nil {
			return nil, true, fmt.Errorf("field %s: %w", strings.Trim(f.key, `":`), err)
		}
	}
	return append(b, '}'), true, nil
}
