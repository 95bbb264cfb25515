package audit

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/aidregistry/registry/internal/jsonenc"
)

// An import writes the history of every record it creates: encoding each
// by reflection, then splitting and sorting the object (fieldsJSON), was
// the largest part of the Go time of its writes. A plan per record type,
// worked out once, writes the same object directly: the fields in key
// order (a map's), "edges" left out, each value as encoding/json writes it
// (jsonenc.WriterOf). A type the plan cannot be sure of (jsonenc.Fields)
// keeps the old path.

// recordPlans holds each record type's fields, nil when the type keeps
// the old path.
var recordPlans sync.Map

// planOf is the plan for records of type t, a pointer to a struct.
func planOf(t reflect.Type) []jsonenc.Field {
	if p, ok := recordPlans.Load(t); ok {
		return p.([]jsonenc.Field)
	}
	var p []jsonenc.Field
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
		if fields, ok := jsonenc.Fields(t.Elem(), true, "edges"); ok {
			p = fields
		}
	}
	recordPlans.Store(t, p)
	return p
}

// planned is a record's fields JSON written by its type's plan, appended
// to b; ok is false when the type keeps the old path.
func planned(b []byte, n any) (out []byte, ok bool, err error) {
	rv := reflect.ValueOf(n)
	plan := planOf(rv.Type())
	if plan == nil || rv.IsNil() {
		return b, false, nil
	}
	if out, err = jsonenc.AppendFields(b, rv.Elem(), plan); err != nil {
		return nil, true, fmt.Errorf("audit: encode a %s: %w", rv.Type().Elem().Name(), err)
	}
	return out, true, nil
}
