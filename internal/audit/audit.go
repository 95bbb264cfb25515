// Package audit records every change to the registry in the same
// transaction as the change: who (key and organisation), when, which
// record, and its fields before and after.
package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/change"
	"github.com/aidregistry/registry/internal/auth"
)

type skipKey struct{}

// Skip marks writes that are not recorded: reference data loaded from a
// standard list (ISO 3166 countries), which no one edits.
func Skip(ctx context.Context) context.Context { return context.WithValue(ctx, skipKey{}, true) }

func skipped(ctx context.Context) bool { v, _ := ctx.Value(skipKey{}).(bool); return v }

// syncLock is the PostgreSQL advisory lock every audited write transaction
// holds until it commits. A Change id is drawn from a sequence at insert,
// not at commit; without the lock, an integrator paging by id could pass an
// id whose transaction commits later and never see that change. Holding the
// lock makes ids commit in order. SQLite has one writer at a time already.
const syncLock = 0x7265676973747279 // "registry"

type lockedKey struct{}

// HoldLock takes the change-sequence lock for the transaction client
// belongs to, once, and marks ctx so that the writes made with it do not
// ask again: a batch of many writes (an import) saves a statement each.
// The lock lasts until the transaction ends; ctx must not outlive it.
func HoldLock(ctx context.Context, client *ent.Client, dialectName string) (context.Context, error) {
	if dialectName != dialect.Postgres {
		return ctx, nil
	}
	if err := lockSequence(ctx, client); err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, lockedKey{}, true), nil
}

func lockSequence(ctx context.Context, client *ent.Client) error {
	if locked, _ := ctx.Value(lockedKey{}).(bool); locked {
		return nil
	}
	if _, err := client.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(syncLock)); err != nil {
		return fmt.Errorf("audit: wait for the change sequence: %w", err)
	}
	return nil
}

// Hook records each create, update and delete as a Change.
func Hook(dialectName string) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if m.Type() == "Change" || m.Type() == "APIKey" || skipped(ctx) {
				return next.Mutate(ctx, m)
			}
			client := m.(interface{ Client() *ent.Client }).Client()
			if dialectName == dialect.Postgres {
				if err := lockSequence(ctx, client); err != nil {
					return nil, err
				}
			}
			ids, err := touched(ctx, m)
			if err != nil {
				return nil, err
			}
			before, err := snapshots(client, ids)
			if err != nil {
				return nil, err
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			if m.Op().Is(ent.OpCreate) {
				id, ok := m.(interface{ ID() (int, bool) }).ID()
				if !ok {
					return v, fmt.Errorf("audit: created %s has no id", m.Type())
				}
				ids = []int{id}
			}
			if err := record(ctx, client, dialectName, m, ids, before, v); err != nil {
				return nil, err
			}
			return v, nil
		})
	}
}

func touched(ctx context.Context, m ent.Mutation) ([]int, error) {
	if m.Op().Is(ent.OpCreate) {
		return nil, nil
	}
	ids, err := m.(interface {
		IDs(context.Context) ([]int, error)
	}).IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit: records touched by %s: %w", m.Type(), err)
	}
	return ids, nil
}

type bufferKey struct{}

// maxBuffered and maxHeld bound the Changes a Buffer holds before it
// inserts them, in number and in bytes of JSON: fewer, larger statements
// (an import batch's rows, inserted together, make hundreds of Changes),
// and a bounded memory however many records one write touches.
const (
	maxBuffered = 500
	maxHeld     = 4 << 20
)

// Buffer holds the Changes of a run of writes in one transaction (an
// imported activity's), to be inserted together by Flush: one statement
// rather than one a write. Their ids still follow the writes' order.
//
// A Buffer may be nested in another (Nest): an import's batch holds the
// Changes of the activities written so far, and each activity's own
// Buffer hands its Changes over (Commit) only once the activity stands, or
// drops them (Discard) when it is rolled back to its savepoint.
type Buffer struct {
	pending []pending
	// parent receives the Changes at Commit; nil for a Buffer that
	// inserts them itself.
	parent *Buffer
	// restore are the parent's Changes this Buffer inserted (its bound
	// was reached) under the savepoint of its run of writes: should the
	// run be rolled back, they are gone from the store and go back to the
	// parent, to be inserted again.
	restore []pending
	// bound is the number held before a flush; maxBuffered when zero.
	bound int
	// held is the bytes of JSON of pending.
	held int
	// dialect is the store's, as the hook that recorded the Changes
	// knows it: Flush writes its statement for it.
	dialect string
}

// pending is one Change to insert, as recorded at the time of its write.
// before and after are the record's fields as the JSON object the Change
// keeps (fieldsJSON), nil for none: encoded once, inserted as they are.
type pending struct {
	at            time.Time
	op            change.Operation
	recordType    string
	recordID      int
	before, after json.RawMessage
	actor         *auth.Actor
}

// Buffered returns a context whose writes' Changes wait in the returned
// Buffer until Flush, which must run in the same transaction before it
// commits; a transaction rolled back discards them with everything else.
func Buffered(ctx context.Context) (context.Context, *Buffer) {
	b := &Buffer{}
	return context.WithValue(ctx, bufferKey{}, b), b
}

// NewBatch returns a Buffer for a whole batch of writes, holding up to
// bound Changes before it inserts them; writes reach it through the
// Buffers nested in it (Nest).
func NewBatch(bound int) *Buffer { return &Buffer{bound: bound} }

// Nest returns a context whose writes' Changes wait in a new Buffer, which
// hands them to b at Commit or drops them at Discard. It inserts them (b's
// first) once it holds maxBuffered, or maxHeld bytes: a write may touch
// hundreds of records, each Change holding the record whole, before and
// after.
func (b *Buffer) Nest(ctx context.Context) (context.Context, *Buffer) {
	child := &Buffer{parent: b, dialect: b.dialect}
	return context.WithValue(ctx, bufferKey{}, child), child
}

// Len is the number of Changes held.
func (b *Buffer) Len() int { return len(b.pending) }

// Commit hands a nested Buffer's Changes to its parent, after those the
// parent holds, keeping the writes' order.
func (b *Buffer) Commit() {
	b.parent.pending = append(b.parent.pending, b.pending...)
	b.parent.held += b.held
	if b.dialect != "" {
		b.parent.dialect = b.dialect
	}
	b.pending, b.restore, b.held = nil, nil, 0
}

// Discard drops a nested Buffer's Changes, its writes having been rolled
// back, and gives its parent back the Changes that were inserted with them.
func (b *Buffer) Discard() {
	if len(b.restore) > 0 {
		b.parent.pending = append(b.restore, b.parent.pending...)
		b.parent.held += size(b.restore)
	}
	b.pending, b.restore, b.held = nil, nil, 0
}

// Full says the Buffer holds as many Changes as it should before a flush.
func (b *Buffer) Full() bool {
	bound := b.bound
	if bound == 0 {
		bound = maxBuffered
	}
	return len(b.pending) >= bound || b.held >= maxHeld
}

// size is the bytes of JSON Changes hold.
func size(ps []pending) int {
	n := 0
	for _, p := range ps {
		n += len(p.before) + len(p.after)
	}
	return n
}

// Flush inserts the Changes held so far; a nested Buffer inserts its
// parent's first, so that ids follow the writes' order.
func (b *Buffer) Flush(ctx context.Context, client *ent.Client) error {
	all := b.pending
	if b.parent != nil && len(b.parent.pending) > 0 {
		b.restore = append(b.restore, b.parent.pending...)
		all = append(slices.Clip(b.parent.pending), all...)
		b.parent.pending, b.parent.held = nil, 0
	}
	b.pending, b.held = nil, 0
	for chunk := range slices.Chunk(all, maxInsert) {
		if err := insert(ctx, client, b.dialect, chunk); err != nil {
			return err
		}
	}
	return nil
}

// maxInsert bounds the Changes inserted by one statement, under both
// stores' limits on a statement's parameters.
const maxInsert = 1000

// insert writes Changes in one statement, in their order (ids follow it),
// with their fields' JSON as it was encoded: the Change schema has no
// hooks to run (audit and auth let Changes pass), and going through ent
// would decode the JSON into maps only to encode it again.
func insert(ctx context.Context, client *ent.Client, dialectName string, ps []pending) error {
	q, args := insertValues(ps)
	if dialectName == dialect.Postgres {
		q, args = insertRecordset(ps)
	}
	if _, err := client.ExecContext(ctx, q, args...); err != nil {
		if len(ps) == 1 {
			return fmt.Errorf("audit: record %s of %s %d: %w", ps[0].op, ps[0].recordType, ps[0].recordID, err)
		}
		return fmt.Errorf("audit: record %d changes: %w", len(ps), err)
	}
	return nil
}

const insertInto = `INSERT INTO "changes" ("at", "operation", "record_type", "record_id", "before", "after", "key_id", "organisation_id") `

// insertValues is an INSERT of one VALUES row a Change, bound as ent binds
// them (a JSON field as json.RawMessage): SQLite's.
func insertValues(ps []pending) (string, []any) {
	var q strings.Builder
	q.WriteString(insertInto + "VALUES ")
	args := make([]any, 0, changeColumns*len(ps))
	for i, p := range ps {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?" + strings.Repeat(", ?", changeColumns-1) + ")")
		var key, org *int
		if p.actor != nil {
			key, org = &p.actor.KeyID, &p.actor.OrganisationID
		}
		args = append(args, p.at, string(p.op), p.recordType, p.recordID, jsonArg(p.before), jsonArg(p.after), key, org)
	}
	return q.String(), args
}

// insertRecordset is an INSERT of the Changes given as one JSON array,
// PostgreSQL's: one parameter however many there are, so nothing to plan
// per row, and the records' JSON goes in as it is, with no quoting (a
// jsonb member becomes a jsonb column as it was parsed).
func insertRecordset(ps []pending) (string, []any) {
	n := 2
	for _, p := range ps {
		n += len(p.before) + len(p.after) + 200
	}
	buf := make([]byte, 0, n)
	buf = append(buf, '[')
	for i, p := range ps {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"at":"`...)
		buf = p.at.AppendFormat(buf, time.RFC3339Nano)
		buf = append(buf, `","operation":"`...)
		buf = append(buf, p.op...)
		buf = append(buf, `","record_type":`...)
		buf = appendString(buf, p.recordType)
		buf = append(buf, `,"record_id":`...)
		buf = strconv.AppendInt(buf, int64(p.recordID), 10)
		buf = appendMember(buf, "before", p.before)
		buf = appendMember(buf, "after", p.after)
		if p.actor != nil {
			buf = append(buf, `,"key_id":`...)
			buf = strconv.AppendInt(buf, int64(p.actor.KeyID), 10)
			buf = append(buf, `,"organisation_id":`...)
			buf = strconv.AppendInt(buf, int64(p.actor.OrganisationID), 10)
		}
		buf = append(buf, '}')
	}
	buf = append(buf, ']')
	return insertInto + `SELECT x.at, x.operation, x.record_type, x.record_id, x.before, x.after, x.key_id, x.organisation_id
FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (at timestamptz, operation text, record_type text, record_id bigint, before jsonb, after jsonb, key_id bigint, organisation_id bigint))
	WITH ORDINALITY AS x(at, operation, record_type, record_id, before, after, key_id, organisation_id, n)
ORDER BY x.n`, []any{string(buf)}
}

// appendString appends s as a JSON string.
func appendString(buf []byte, s string) []byte {
	raw, _ := json.Marshal(s) // a string always encodes
	return append(buf, raw...)
}

func appendMember(buf []byte, key string, raw json.RawMessage) []byte {
	if raw == nil {
		return buf
	}
	buf = append(buf, `,"`...)
	buf = append(buf, key...)
	buf = append(buf, `":`...)
	return append(buf, raw...)
}

// changeColumns is the number of columns insert writes.
const changeColumns = 8

// jsonArg binds a field map's JSON as ent binds a JSON field, NULL for
// none.
func jsonArg(raw json.RawMessage) any {
	if raw == nil {
		return nil
	}
	return raw
}

// record writes one Change per touched record.
func record(ctx context.Context, client *ent.Client, dialectName string, m ent.Mutation, ids []int, before map[int]json.RawMessage, v ent.Value) error {
	op := change.OperationUPDATE
	switch {
	case m.Op().Is(ent.OpCreate):
		op = change.OperationCREATE
	case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
		op = change.OperationDELETE
	}
	var after map[int]json.RawMessage
	if op != change.OperationDELETE {
		var err error
		if after, err = written(v, ids); err != nil {
			return err
		}
		if after == nil {
			after = derived(m, before)
		}
		if after == nil {
			after, err = snapshots(client, ids)
		}
		if err != nil {
			return err
		}
	}
	var actor *auth.Actor
	if a, ok := auth.ActorFrom(ctx); ok {
		actor = &a
	}
	at := time.Now().UTC().Truncate(time.Microsecond)
	b, buffered := ctx.Value(bufferKey{}).(*Buffer)
	for _, id := range ids {
		p := pending{at: at, op: op, recordType: m.Type(), recordID: id, before: before[id], after: after[id], actor: actor}
		if !buffered {
			if err := insert(ctx, client, dialectName, []pending{p}); err != nil {
				return err
			}
			continue
		}
		// A bounded buffer: one write may touch many records (a parent
		// arriving after its hundreds of children).
		b.dialect = dialectName
		b.held += len(p.before) + len(p.after)
		if b.pending = append(b.pending, p); b.Full() {
			if err := b.Flush(ctx, client); err != nil {
				return err
			}
		}
	}
	return nil
}

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
	ms, err := members(fields)
	if err != nil {
		return nil, false
	}
	done := map[string]bool{}
	for i, m := range ms {
		raw, ok := set[m.key]
		if !ok {
			continue
		}
		old := m.raw[m.val:]
		if isTime(raw) && !(isTime(old) && bytes.HasSuffix(old, []byte(`Z"`))) {
			return nil, false
		}
		ms[i].raw = slices.Concat(m.raw[:m.val], raw)
		done[m.key] = true
	}
	for key, raw := range set {
		if done[key] {
			continue
		}
		if isTime(raw) {
			return nil, false
		}
		k, _ := json.Marshal(key)
		ms = append(ms, member{key: key, raw: slices.Concat(k, []byte{':'}, raw)})
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
// request's fields.
func snapshots(client *ent.Client, ids []int) (map[int]json.RawMessage, error) {
	out := make(map[int]json.RawMessage, len(ids))
	for chunk := range slices.Chunk(ids, maxInsert) {
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
func encoded(n ent.Noder) (json.RawMessage, error) {
	buf := encodeBuffers.Get().(*bytes.Buffer)
	defer encodeBuffers.Put(buf)
	buf.Reset()
	// An Encoder writes what Marshal returns, and a newline, into a
	// buffer kept for the next record: fieldsJSON copies what it keeps.
	if err := json.NewEncoder(buf).Encode(n); err != nil {
		return nil, err
	}
	return fieldsJSON(bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}))
}

// encodeBuffers are the buffers records are encoded into.
var encodeBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// fieldsJSON is a record's compact JSON object (as json.Marshal writes
// it) without its "edges" member and with its members in key order.
func fieldsJSON(obj []byte) (json.RawMessage, error) {
	ms, err := members(obj)
	if err != nil {
		return nil, err
	}
	return joined(slices.DeleteFunc(ms, func(m member) bool { return m.key == "edges" })), nil
}

// joined is the JSON object of members, in key order.
func joined(ms []member) json.RawMessage {
	slices.SortStableFunc(ms, func(a, b member) int { return strings.Compare(a.key, b.key) })
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

// member is one member of a JSON object: its key, unquoted, and its bytes
// from the key's quote to the value's end, the value from val on.
type member struct {
	key string
	raw []byte
	val int
}

// members splits a compact JSON object (no space between tokens, as
// encoding/json writes it) into its members. Keys with escapes keep them:
// the records' field names have none.
func members(obj []byte) ([]member, error) {
	if len(obj) < 2 || obj[0] != '{' || obj[len(obj)-1] != '}' {
		return nil, fmt.Errorf("audit: a record encodes as %.20q, not a JSON object", obj)
	}
	var out []member
	for i := 1; i < len(obj)-1; {
		start := i
		end, err := skipValue(obj, i)
		if err != nil || obj[i] != '"' || end >= len(obj) || obj[end] != ':' {
			return nil, fmt.Errorf("audit: no key at %d of a record's JSON", i)
		}
		key := string(obj[i+1 : end-1])
		if i, err = skipValue(obj, end+1); err != nil {
			return nil, err
		}
		out = append(out, member{key: key, raw: obj[start:i], val: end + 1 - start})
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
