package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/aidregistry/registry/ent"
)

// written is the fields of the one record a create or update-one
// returned, as it was stored (ent reads an updated record back itself), so
// that its history needs no second read; nil for other mutations.
func written(v ent.Value, ids []int) (map[int]json.RawMessage, error) {
	n, ok := v.(ent.Noder)
	if !ok || len(ids) != 1 || n == nil {
		return nil, nil
	}
	fields, err := encoded(n)
	if err != nil {
		return nil, fmt.Errorf("audit: encode record %d: %w", ids[0], err)
	}
	return map[int]json.RawMessage{ids[0]: fields}, nil
}

// derived is the fields of the records an update touched, after it, made
// from their fields before it, when the update only set fields to values
// the store gives back as they were set: no second read of records a
// write may touch by the hundred (a parent adopting its children), each
// decoded and encoded again. nil when that cannot be known (a field
// cleared or added to, a value of another kind, a record not read before),
// and the records are read again.
func derived(m ent.Mutation, before map[int]json.RawMessage) map[int]json.RawMessage {
	if !m.Op().Is(ent.OpUpdate) || len(before) == 0 || len(m.ClearedFields()) > 0 ||
		len(m.AddedFields()) > 0 || len(m.ClearedEdges()) > 0 {
		return nil
	}
	// Edges added or removed change no field of the record but the one
	// that holds a unique edge, which is among its fields (Fields).
	set := map[string]json.RawMessage{}
	for _, name := range m.Fields() {
		v, _ := m.Field(name)
		raw, ok := asStored(v)
		if !ok {
			return nil
		}
		set[name] = raw
	}
	out := make(map[int]json.RawMessage, len(before))
	for id, fields := range before {
		if fields == nil {
			return nil
		}
		after, ok := withFields(fields, set)
		if !ok {
			return nil
		}
		out[id] = after
	}
	return out
}

// asStored is a field value's JSON when the store keeps it exactly and a
// record read back encodes it so (under its name: ent's JSON names are the
// field names): a whole number, a string, true (false, like zero and "",
// is left out of a record's JSON), a time in UTC to the microsecond (both
// stores keep microseconds).
func asStored(v ent.Value) (json.RawMessage, bool) {
	if t, ok := v.(time.Time); ok {
		if t.IsZero() || t.Location() != time.UTC || t.Nanosecond()%1000 != 0 {
			return nil, false
		}
		raw, err := json.Marshal(t)
		return raw, err == nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.String, reflect.Bool:
		if rv.IsZero() {
			return nil, false
		}
		raw, err := json.Marshal(v)
		return raw, err == nil
	}
	return nil, false
}

// withFields is a record's fields JSON with the members set replaced or
// added. A time is replaced only where the record read before holds one in
// UTC ("Z"): the store's session gives times back at its own offset.
func withFields(fields json.RawMessage, set map[string]json.RawMessage) (json.RawMessage, bool) {
	ms, err := members(fields, nil)
	if err != nil {
		return nil, false
	}
	done := map[string]bool{}
	for i, m := range ms {
		raw, ok := set[string(m.key())]
		if !ok {
			continue
		}
		old := m.raw[m.val:]
		if isTime(raw) && !(isTime(old) && bytes.HasSuffix(old, []byte(`Z"`))) {
			return nil, false
		}
		ms[i].raw = slices.Concat(m.raw[:m.val], raw)
		done[string(m.key())] = true
	}
	for key, raw := range set {
		if done[key] {
			continue
		}
		if isTime(raw) {
			return nil, false
		}
		ms = append(ms, jsonMember(key, raw))
	}
	return joined(ms), true
}

// isTime says a JSON value is a string as time.Time encodes it.
func isTime(raw []byte) bool {
	var t time.Time
	return len(raw) > 0 && raw[0] == '"' && t.UnmarshalJSON(raw) == nil
}

// snapshots reads records' fields: one query per table for up to
// maxInsert of them (a write may touch hundreds). It runs on a context
// free of the GraphQL request, so ent does not try to collect the
// request's fields. typ is the records' type (a mutation's): programmes
// are read by programmeSnapshots.
func snapshots(client *ent.Client, typ string, ids []int) (map[int]json.RawMessage, error) {
	out := make(map[int]json.RawMessage, len(ids))
	for chunk := range slices.Chunk(ids, maxInsert) {
		if typ == ent.TypeProgramme {
			done, err := programmeSnapshots(client, chunk, out)
			if err != nil {
				return nil, err
			}
			if done {
				continue
			}
		}
		nodes, err := noders(client, chunk)
		if err != nil {
			return nil, err
		}
		for i, n := range nodes {
			fields, err := encoded(n)
			if err != nil {
				return nil, fmt.Errorf("audit: encode record %d: %w", chunk[i], err)
			}
			out[chunk[i]] = fields
		}
	}
	return out, nil
}

// programmeSnapshots puts programmes' fields in out, their JSON fields
// (the activity each holds, its elements, most of its bytes) as stored
// rather than decoded and encoded again: what is stored is what
// encoding/json wrote of them (ent's encoding, or the importer's, which is
// the same), and so what encoding the decoded values gives again, byte for
// byte: their types are plain structs, lists and decimals, which decode to
// what they were (and their strings are valid UTF-8: only the importer
// sets them, from XML, which encoding/xml refuses otherwise). PostgreSQL
// gives its jsonb's text (keys in its order, spaces after colons and
// commas), the same JSON value: the history's json columns keep that text
// as given, and it reads back as the encoder's would. done is false when a
// record is missing, for noders to say which.
func programmeSnapshots(client *ent.Client, ids []int, out map[int]json.RawMessage) (done bool, err error) {
	nodes, raw, err := client.Programme.ReadRawJSON(context.Background(), ids)
	if err != nil {
		return false, fmt.Errorf("audit: read %d programmes: %w", len(ids), err)
	}
	if len(nodes) != len(ids) {
		return false, nil
	}
	for i, n := range nodes {
		var add []member
		for j, column := range ent.ProgrammeJSONColumns {
			if stored := bytes.TrimSpace(raw[i][j]); !emptyJSON(stored) {
				add = append(add, jsonMember(column, stored))
			}
		}
		if out[n.ID], err = encodedWith(n, add); err != nil {
			return false, fmt.Errorf("audit: encode record %d: %w", n.ID, err)
		}
	}
	return true, nil
}

// emptyJSON says a JSON field's stored value decodes to what a record's
// encoding leaves out (omitempty): none, null, or an empty list (the
// programmes' JSON fields are lists and a pointer to a struct, which
// encodes as no empty object).
func emptyJSON(raw []byte) bool {
	return len(raw) == 0 || string(raw) == "null" || string(raw) == "[]"
}

// jsonMember is the member key: raw of a JSON object.
func jsonMember(key string, raw []byte) member {
	k, _ := json.Marshal(key) // a string always encodes
	return member{raw: slices.Concat(k, []byte{':'}, raw), val: len(k) + 1}
}

// noders reads records, one query per table. ent's Noders reports a
// record not found to the GraphQL response in the context, which a
// background context lacks (it panics): so a short answer is read again
// record by record, which says which one is missing.
func noders(client *ent.Client, ids []int) (nodes []ent.Noder, err error) {
	if len(ids) > 1 {
		nodes = func() (nodes []ent.Noder) {
			defer func() {
				if recover() != nil {
					nodes = nil
				}
			}()
			nodes, err := client.Noders(context.Background(), ids)
			if err != nil || slices.Contains(nodes, nil) {
				return nil
			}
			return nodes
		}()
		if nodes != nil {
			return nodes, nil
		}
	}
	nodes = make([]ent.Noder, len(ids))
	for i, id := range ids {
		if nodes[i], err = client.Noder(context.Background(), id); err != nil {
			return nil, fmt.Errorf("audit: read record %d: %w", id, err)
		}
	}
	return nodes, nil
}

// Fields is a record's fields as the history keeps them: its JSON form,
// without its loaded edges.
func Fields(n ent.Noder) (map[string]any, error) {
	raw, err := json.Marshal(n)
	if err != nil {
		return nil, err
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	delete(fields, "edges")
	return fields, nil
}

// encoded is Fields for a Change about to be inserted, as the JSON object
// the Change keeps: the bytes encoding/json gives a map of the record's
// fields (keys in order, each value as the record encoded it), made from
// the record's own encoding by moving its members rather than by decoding
// and encoding it again, which an import pays for every record it writes.
func encoded(n ent.Noder) (json.RawMessage, error) { return encodedWith(n, nil) }

// encodedWith is encoded with members added, fields the record was read
// without (programmeSnapshots). Its type's plan writes the object; the
// members added are sorted in by fieldsJSON.
func encodedWith(n ent.Noder, add []member) (json.RawMessage, error) {
	buf := planBuffers.Get().(*[]byte)
	defer planBuffers.Put(buf)
	obj, ok, err := planned((*buf)[:0], n)
	if !ok {
		return reflected(n, add)
	}
	if err != nil {
		return nil, err
	}
	*buf = obj // kept for the next record, as large as the largest yet
	if len(add) > 0 {
		return fieldsJSON(obj, add...)
	}
	return bytes.Clone(obj), nil
}

// planBuffers are the buffers plans write records into.
var planBuffers = sync.Pool{New: func() any { return new([]byte) }}

// reflected is encodedWith by encoding/json, then fieldsJSON, for a type
// with no plan.
func reflected(n ent.Noder, add []member) (json.RawMessage, error) {
	buf := encodeBuffers.Get().(*bytes.Buffer)
	defer encodeBuffers.Put(buf)
	buf.Reset()
	// An Encoder writes what Marshal returns, and a newline, into a
	// buffer kept for the next record: fieldsJSON copies what it keeps.
	if err := json.NewEncoder(buf).Encode(n); err != nil {
		return nil, err
	}
	return fieldsJSON(bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), add...)
}

// encodeBuffers are the buffers records are encoded into.
var encodeBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// fieldsJSON is a record's compact JSON object (as json.Marshal writes
// it) without its "edges" member and with its members in key order.
func fieldsJSON(obj []byte, add ...member) (json.RawMessage, error) {
	list := memberLists.Get().(*[]member)
	defer memberLists.Put(list)
	ms, err := members(obj, (*list)[:0])
	if err != nil {
		return nil, err
	}
	ms = append(slices.DeleteFunc(ms, func(m member) bool { return string(m.key()) == "edges" }), add...)
	out := joined(ms)
	// Kept for the next record, holding none of this one's bytes.
	clear(ms)
	*list = ms[:0]
	return out, nil
}

// memberLists are the lists of members records are split into, which
// joined copies out of: an import splits every record it writes.
var memberLists = sync.Pool{New: func() any { return new([]member) }}

// joined is the JSON object of members, in key order.
func joined(ms []member) json.RawMessage {
	slices.SortStableFunc(ms, func(a, b member) int { return bytes.Compare(a.key(), b.key()) })
	n := 2
	for _, m := range ms {
		n += len(m.raw) + 1
	}
	out := make([]byte, 0, n)
	out = append(out, '{')
	for i, m := range ms {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, m.raw...)
	}
	return append(out, '}')
}

// member is one member of a JSON object: its bytes from the key's quote
// to the value's end, the value from val on.
type member struct {
	raw []byte
	val int
}

// key is the member's key, unquoted (with its escapes: the records' field
// names have none).
func (m member) key() []byte { return m.raw[1 : m.val-2] }

// members splits a compact JSON object (no space between tokens, as
// encoding/json writes it) into its members, appended to out.
func members(obj []byte, out []member) ([]member, error) {
	if len(obj) < 2 || obj[0] != '{' || obj[len(obj)-1] != '}' {
		return nil, fmt.Errorf("audit: a record encodes as %.20q, not a JSON object", obj)
	}
	if out == nil {
		// A record has a few dozen fields at most: one allocation for them.
		out = make([]member, 0, 32)
	}
	for i := 1; i < len(obj)-1; {
		start := i
		end, err := skipValue(obj, i)
		if err != nil || obj[i] != '"' || end >= len(obj) || obj[end] != ':' {
			return nil, fmt.Errorf("audit: no key at %d of a record's JSON", i)
		}
		if i, err = skipValue(obj, end+1); err != nil {
			return nil, err
		}
		out = append(out, member{raw: obj[start:i], val: end + 1 - start})
		if obj[i] == ',' {
			i++
		}
	}
	return out, nil
}

// skipValue is the index just past the compact JSON value at b[i].
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errors.New("audit: a record's JSON ends inside a value")
	}
	switch b[i] {
	case '"':
		for i++; i < len(b); i++ {
			switch b[i] {
			case '\\':
				i++
			case '"':
				return i + 1, nil
			}
		}
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				end, err := skipValue(b, i)
				if err != nil {
					return 0, err
				}
				i = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1, nil
				}
			}
		}
	default:
		for ; i < len(b); i++ {
			if c := b[i]; c == ',' || c == '}' || c == ']' {
				return i, nil
			}
		}
	}
	return 0, errors.New("audit: a record's JSON ends inside a value")
}
