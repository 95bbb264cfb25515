// Package jsonenc writes values as JSON, byte for byte as encoding/json
// writes them, without its reflection on every call.
package jsonenc

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aidregistry/registry/internal/iati"
)

// The registry stores the typed values of an activity (narratives, dates,
// budgets, elements) as JSON columns and in every record's history. The
// writers here give the bytes encoding/json gives those values, without
// its reflection on every call: each type's writer is worked out once,
// by hand for the kinds the values are made of (structs of strings,
// decimals, lists and pointers), by encoding/json itself for anything
// else (maps, floats, byte slices, embedded structs, tag options other
// than omitempty), so that the result is the same whatever the type.

// ValueWriter appends the JSON of an addressable value (a field of a
// record reached through its pointer, as encoding/json reaches it).
type ValueWriter func(b []byte, v reflect.Value) ([]byte, error)

// writers holds each type's ValueWriter.
var writers sync.Map

// WriterOf is the ValueWriter for values of type t.
func WriterOf(t reflect.Type) ValueWriter {
	if w, ok := writers.Load(t); ok {
		return w.(ValueWriter)
	}
	w := (&compiler{busy: map[reflect.Type]bool{}}).writer(t)
	writers.Store(t, w)
	return w
}

// Append appends what json.Marshal(v) gives, for v a pointer or
// a list (a JSON column's value); other values go to json.Marshal.
func Append(b []byte, v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if (rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Slice) && !marshals(rv.Type()) {
		// What a pointer or a list holds is addressable, as in a field.
		return WriterOf(rv.Type())(b, rv)
	}
	out, err := json.Marshal(v)
	return append(b, out...), err
}

// compiler works out a type's writer; busy are the types it is inside,
// a type that holds itself being left to encoding/json.
type compiler struct {
	busy map[reflect.Type]bool
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	elementsType    = reflect.TypeFor[[]*iati.Element]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	textMarshalType = reflect.TypeFor[encoding.TextMarshaler]()
)

func (c *compiler) writer(t reflect.Type) ValueWriter {
	if c.busy[t] {
		return writeEncoded
	}
	c.busy[t] = true
	defer delete(c.busy, t)
	switch {
	case t == timeType:
		return writeTime
	case t == elementsType:
		return writeElements
	case t.Kind() == reflect.Pointer:
		// Whether encoding/json calls a method of the pointer or looks
		// through it, a nil one is null and another is what it points to
		// (addressable).
		elem := c.writer(t.Elem())
		return func(b []byte, v reflect.Value) ([]byte, error) {
			if v.IsNil() {
				return append(b, "null"...), nil
			}
			return elem(b, v.Elem())
		}
	case t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType):
		return writeMarshaler
	case marshals(t):
		return writeEncoded
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
	case reflect.Slice:
		if t.Elem().Kind() != reflect.Uint8 { // bytes are base64
			return c.sliceWriter(t)
		}
	case reflect.Struct:
		if w := c.structWriter(t); w != nil {
			return w
		}
	}
	return writeEncoded
}

func (c *compiler) sliceWriter(t reflect.Type) ValueWriter {
	elem := c.writer(t.Elem())
	return func(b []byte, v reflect.Value) (_ []byte, err error) {
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i := range v.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = elem(b, v.Index(i)); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
}

// Field is how one field of a struct is written.
type Field struct {
	index     int
	key       string // the member's key, quoted, and the colon
	omitEmpty bool
	write     ValueWriter
}

// structWriter writes a struct's fields in their order; nil for a struct
// whose fields encoding/json finds by rules not followed here.
func (c *compiler) structWriter(t reflect.Type) ValueWriter {
	fields, ok := c.structFields(t, false)
	if !ok {
		return nil
	}
	return func(b []byte, v reflect.Value) ([]byte, error) { return AppendFields(b, v, fields) }
}

// Fields are the fields of a struct type as encoding/json writes
// them: in their order, or by key when sorted (a map's order), those
// named skip left out. ok is false when the struct holds an embedded
// field not tagged "-", a tag option other than omitempty, a key with a
// character other than a letter, digit or underscore, or a key twice:
// those follow rules not kept here.
func Fields(t reflect.Type, sorted bool, skip ...string) (fields []Field, ok bool) {
	return (&compiler{busy: map[reflect.Type]bool{t: true}}).structFields(t, sorted, skip...)
}

func (c *compiler) structFields(t reflect.Type, sorted bool, skip ...string) ([]Field, bool) {
	fields := []Field{}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		switch {
		case tag == "-":
			continue
		case sf.Anonymous:
			return nil, false // encoding/json would look inside it
		case !sf.IsExported():
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if opts != "" && opts != "omitempty" || !plainKey(name) {
			return nil, false
		}
		if name == "" {
			name = sf.Name
		}
		if slices.Contains(skip, name) {
			continue
		}
		fields = append(fields, Field{
			index: i, key: `"` + name + `":`, omitEmpty: opts == "omitempty", write: c.writer(sf.Type),
		})
	}
	if sorted {
		slices.SortFunc(fields, func(a, b Field) int { return strings.Compare(a.key, b.key) })
	}
	for i := range fields {
		for j := range i {
			if fields[i].key == fields[j].key {
				return nil, false
			}
		}
	}
	return fields, true
}

// AppendFields appends the JSON object of fields of v, an
// addressable struct whose type gave them.
func AppendFields(b []byte, v reflect.Value, fields []Field) (_ []byte, err error) {
	b = append(b, '{')
	first := true
	for _, f := range fields {
		fv := v.Field(f.index)
		if f.omitEmpty && emptyValue(fv) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, f.key...)
		if b, err = f.write(b, fv); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// plainKey says a tag's name is one encoding/json takes as it is and
// writes with no escape.
func plainKey(name string) bool {
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// marshals says encoding/json would call a method of an addressable
// value of type t rather than look at its kind.
func marshals(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(marshalerType) || p.Implements(marshalerType) ||
		t.Implements(textMarshalType) || p.Implements(textMarshalType)
}

// emptyValue says omitempty leaves a value out, as encoding/json decides.
func emptyValue(v reflect.Value) bool {
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

// writeMarshaler writes what a value's MarshalJSON gives when that is a
// string encoding/json keeps as it is (a decimal's); anything else is
// left to encoding/json, which checks and compacts it.
func writeMarshaler(b []byte, v reflect.Value) ([]byte, error) {
	m, _ := v.Addr().Interface().(json.Marshaler)
	out, err := m.MarshalJSON()
	if err != nil || !keptString(out) {
		return writeEncoded(b, v)
	}
	return append(b, out...), nil
}

// keptString says raw is a JSON string of printable ASCII that needs no
// escape, encoding/json's own HTML escapes included.
func keptString(raw []byte) bool {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return false
	}
	for _, c := range raw[1 : len(raw)-1] {
		if c < ' ' || c > '~' || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
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
