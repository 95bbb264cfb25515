package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/change"
	"github.com/aidregistry/registry/internal/auth"
)

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
	if b.dialect == dialect.Postgres && len(all) > 1 {
		return copyInto(ctx, client, all)
	}
	for chunk := range slices.Chunk(all, maxInsert) {
		if err := insert(ctx, client, b.dialect, chunk); err != nil {
			return err
		}
	}
	return nil
}

// copyInto writes Changes with COPY, PostgreSQL's, which the store's
// transactions run when given a copier (internal/store): a batch's
// hundreds of Changes in a few times less of PostgreSQL's time than the
// one INSERT of insertRecordset, which had to unpack a JSON array of
// megabytes and insert row by row. A Buffer flushes inside a transaction
// (an import's batch, or the mutation's that runs the import).
func copyInto(ctx context.Context, client *ent.Client, ps []pending) error {
	if _, err := client.ExecContext(ctx, "COPY changes", copyChanges(ps)); err != nil {
		return fmt.Errorf("audit: record %d changes: %w", len(ps), err)
	}
	return nil
}

// copyChanges are Changes as rows of COPY, in changeColumns.
type copyChanges []pending

func (copyChanges) CopyInto() (string, []string) { return "changes", changeColumns }

func (ps copyChanges) CopyRows(send func(values ...any) error) error {
	for _, p := range ps {
		var key, org any
		if p.actor != nil {
			key, org = int64(p.actor.KeyID), int64(p.actor.OrganisationID)
		}
		if err := send(p.at, string(p.op), p.recordType, int64(p.recordID), copyJSON(p.before), copyJSON(p.after), key, org); err != nil {
			return err
		}
	}
	return nil
}

// copyJSON is a field map's JSON as COPY text (a []byte would be sent as
// bytea), nil for none.
func copyJSON(raw json.RawMessage) any {
	if raw == nil {
		return nil
	}
	return string(raw)
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

// changeColumns are the columns a Change is written in, by every way of
// writing it (COPY, and the INSERTs below).
var changeColumns = []string{"at", "operation", "record_type", "record_id", "before", "after", "key_id", "organisation_id"}

var insertInto = `INSERT INTO "changes" ("` + strings.Join(changeColumns, `", "`) + `") `

// insertValues is an INSERT of one VALUES row a Change, bound as ent binds
// them (a JSON field as json.RawMessage): SQLite's.
func insertValues(ps []pending) (string, []any) {
	var q strings.Builder
	q.WriteString(insertInto + "VALUES ")
	args := make([]any, 0, len(changeColumns)*len(ps))
	for i, p := range ps {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?" + strings.Repeat(", ?", len(changeColumns)-1) + ")")
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
// jsonb member becomes a jsonb column as it was parsed). The array is
// written into a strings.Builder, whose string is not copied again: a
// batch's array runs to megabytes.
func insertRecordset(ps []pending) (string, []any) {
	n := 2
	for _, p := range ps {
		n += len(p.before) + len(p.after) + 200
	}
	var b strings.Builder
	b.Grow(n)
	var tmp [64]byte
	b.WriteByte('[')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"at":"`)
		b.Write(p.at.AppendFormat(tmp[:0], time.RFC3339Nano))
		b.WriteString(`","operation":"`)
		b.WriteString(string(p.op))
		b.WriteString(`","record_type":`)
		b.Write(appendString(tmp[:0], p.recordType))
		b.WriteString(`,"record_id":`)
		b.Write(strconv.AppendInt(tmp[:0], int64(p.recordID), 10))
		writeMember(&b, "before", p.before)
		writeMember(&b, "after", p.after)
		if p.actor != nil {
			b.WriteString(`,"key_id":`)
			b.Write(strconv.AppendInt(tmp[:0], int64(p.actor.KeyID), 10))
			b.WriteString(`,"organisation_id":`)
			b.Write(strconv.AppendInt(tmp[:0], int64(p.actor.OrganisationID), 10))
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return insertInto + `SELECT x.at, x.operation, x.record_type, x.record_id, x.before, x.after, x.key_id, x.organisation_id
FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (at timestamptz, operation text, record_type text, record_id bigint, before jsonb, after jsonb, key_id bigint, organisation_id bigint))
	WITH ORDINALITY AS x(at, operation, record_type, record_id, before, after, key_id, organisation_id, n)
ORDER BY x.n`, []any{b.String()}
}

// appendString appends s as a JSON string.
func appendString(buf []byte, s string) []byte {
	raw, _ := json.Marshal(s) // a string always encodes
	return append(buf, raw...)
}

func writeMember(b *strings.Builder, key string, raw json.RawMessage) {
	if raw == nil {
		return
	}
	b.WriteString(`,"`)
	b.WriteString(key)
	b.WriteString(`":`)
	b.Write(raw)
}

// jsonArg binds a field map's JSON as ent binds a JSON field, NULL for
// none.
func jsonArg(raw json.RawMessage) any {
	if raw == nil {
		return nil
	}
	return raw
}
