package audit

import (
	"bytes"
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
	"github.com/aidregistry/registry/internal/iati"
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
		before, after, err := p.jsonbEquivalent()
		if err != nil {
			return err
		}
		if err := send(p.at, string(p.op), p.recordType, int64(p.recordID), copyJSON(before), copyJSON(after), key, org); err != nil {
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

// jsonbEquivalent is the Change's before and after as PostgreSQL's json
// columns keep them: text that decodes, in Go, to what the same text
// stored as jsonb gave back, so that the history answers as it did when
// its columns were jsonb. Two things of what the audit writes differ:
// jsonb refused a NUL escape (\u0000; the write failed), and numeric, which
// jsonb keeps numbers in, has no negative zero (-0 came back 0; a
// location's latitude parsed from "-0.0" is one). Anything else jsonb
// changed (key order, the last of a key twice kept, spacing, escapes, a
// number's spelling) decodes to the same value either way; and the rest
// of what jsonb refused (a lone surrogate escaped) is never written:
// encoding/json writes no such escape, nor does jsonb of the records'
// own JSON columns, whose text a programme's history holds.
func (p pending) jsonbEquivalent() (before, after json.RawMessage, err error) {
	if before, err = asJSONB(p.before); err == nil {
		after, err = asJSONB(p.after)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("audit: record %s of %s %d: %w", p.op, p.recordType, p.recordID, err)
	}
	return before, after, nil
}

// asJSONB refuses raw holding a NUL escape, as jsonb does, and drops the
// sign of its negative zeros, as jsonb does; raw itself when it has
// neither, as nearly all has (a scan for two short strings).
func asJSONB(raw json.RawMessage) (json.RawMessage, error) {
	if nulEscape(raw) {
		return nil, fmt.Errorf("a NUL character (\\u0000), which PostgreSQL's history does not keep")
	}
	if !mayHoldNegativeZero(raw) {
		return raw, nil
	}
	return dropNegativeZeros(raw), nil
}

// nulEscape says raw holds \u0000 as an escape: its backslash not itself
// escaped, i.e. preceded by an even number of backslashes.
func nulEscape(raw []byte) bool {
	const nul = `\u0000`
	for from := 0; ; {
		i := bytes.Index(raw[from:], []byte(nul))
		if i < 0 {
			return false
		}
		i += from
		n := 0
		for j := i - 1; j >= 0 && raw[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			return true
		}
		from = i + len(nul)
	}
}

// mayHoldNegativeZero says raw holds text that, outside a string, would
// be a negative number of value zero (-0, -0.0, -0e5): a minus sign after
// what may precede a value, then only zeros up to the number's end. Dates
// and identifiers ("2024-01-05", "XM-0123") are not: a digit other than 0
// follows, or what precedes is no separator.
func mayHoldNegativeZero(raw []byte) bool {
	for from := 0; ; {
		i := bytes.Index(raw[from:], []byte("-0"))
		if i < 0 {
			return false
		}
		i += from
		if i > 0 && valueMayStart(raw[i-1]) && zeroNumber(raw[i+1:]) > 0 {
			return true
		}
		from = i + 2
	}
}

// valueMayStart says a JSON value may follow c.
func valueMayStart(c byte) bool {
	switch c {
	case ':', ',', '[', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// zeroNumber is the length of the unsigned number of value zero that b
// opens, up to a byte that may end a number; 0 when b opens none.
func zeroNumber(b []byte) int {
	i := 0
	for i < len(b) && b[i] == '0' {
		i++
	}
	if i == 0 {
		return 0
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && b[i] == '0' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		digits := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == digits {
			return 0
		}
	}
	if i < len(b) && !valueEnds(b[i]) {
		return 0
	}
	return i
}

// valueEnds says c may follow a JSON number.
func valueEnds(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// dropNegativeZeros copies raw without the minus sign of each negative
// number of value zero outside its strings.
func dropNegativeZeros(raw []byte) json.RawMessage {
	out := make([]byte, 0, len(raw))
	inString := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inString && c == '\\':
			out = append(out, c)
			if i+1 < len(raw) {
				i++
				out = append(out, raw[i])
			}
			continue
		case c == '"':
			inString = !inString
		case !inString && c == '-' && zeroNumber(raw[i+1:]) > 0:
			continue
		}
		out = append(out, c)
	}
	return out
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
		var err error
		if q, args, err = insertRecordset(ps); err != nil {
			return err
		}
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
// json member becomes a json column as it is written). The array is
// written into a strings.Builder, whose string is not copied again: a
// batch's array runs to megabytes.
func insertRecordset(ps []pending) (string, []any, error) {
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
		b.Write(iati.AppendJSONString(tmp[:0], p.recordType))
		b.WriteString(`,"record_id":`)
		b.Write(strconv.AppendInt(tmp[:0], int64(p.recordID), 10))
		before, after, err := p.jsonbEquivalent()
		if err != nil {
			return "", nil, err
		}
		writeMember(&b, "before", before)
		writeMember(&b, "after", after)
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
FROM ROWS FROM (json_to_recordset($1::json) AS (at timestamptz, operation text, record_type text, record_id bigint, before json, after json, key_id bigint, organisation_id bigint))
	WITH ORDINALITY AS x(at, operation, record_type, record_id, before, after, key_id, organisation_id, n)
ORDER BY x.n`, []any{b.String()}, nil
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
