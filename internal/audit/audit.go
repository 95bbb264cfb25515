// Package audit records every change to the registry in the same
// transaction as the change: who (key and organisation), when, which
// record, and its fields before and after.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
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
			if err := record(ctx, client, m, ids, before, v); err != nil {
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

// maxBuffered bounds the Changes a Buffer holds before it inserts them.
const maxBuffered = 64

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
}

// pending is one Change to insert, as recorded at the time of its write.
type pending struct {
	at            time.Time
	op            change.Operation
	recordType    string
	recordID      int
	before, after map[string]any
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
// first) once it holds maxBuffered: a write may touch hundreds of records,
// each Change holding the record whole, before and after.
func (b *Buffer) Nest(ctx context.Context) (context.Context, *Buffer) {
	child := &Buffer{parent: b}
	return context.WithValue(ctx, bufferKey{}, child), child
}

// Len is the number of Changes held.
func (b *Buffer) Len() int { return len(b.pending) }

// Commit hands a nested Buffer's Changes to its parent, after those the
// parent holds, keeping the writes' order.
func (b *Buffer) Commit() {
	b.parent.pending = append(b.parent.pending, b.pending...)
	b.pending, b.restore = nil, nil
}

// Discard drops a nested Buffer's Changes, its writes having been rolled
// back, and gives its parent back the Changes that were inserted with them.
func (b *Buffer) Discard() {
	if len(b.restore) > 0 {
		b.parent.pending = append(b.restore, b.parent.pending...)
	}
	b.pending, b.restore = nil, nil
}

// Full says the Buffer holds as many Changes as it should before a flush.
func (b *Buffer) Full() bool {
	bound := b.bound
	if bound == 0 {
		bound = maxBuffered
	}
	return len(b.pending) >= bound
}

// Flush inserts the Changes held so far; a nested Buffer inserts its
// parent's first, so that ids follow the writes' order.
func (b *Buffer) Flush(ctx context.Context, client *ent.Client) error {
	all := b.pending
	if b.parent != nil && len(b.parent.pending) > 0 {
		b.restore = append(b.restore, b.parent.pending...)
		all = append(slices.Clip(b.parent.pending), all...)
		b.parent.pending = nil
	}
	b.pending = nil
	for chunk := range slices.Chunk(all, maxInsert) {
		creates := make([]*ent.ChangeCreate, len(chunk))
		for i, p := range chunk {
			creates[i] = p.create(client)
		}
		if err := client.Change.CreateBulk(creates...).Exec(ctx); err != nil {
			return fmt.Errorf("audit: record %d changes: %w", len(creates), err)
		}
	}
	return nil
}

// maxInsert bounds the Changes inserted by one statement, under both
// stores' limits on a statement's parameters.
const maxInsert = 1000

func (p pending) create(client *ent.Client) *ent.ChangeCreate {
	c := client.Change.Create().
		SetAt(p.at).
		SetOperation(p.op).
		SetRecordType(p.recordType).
		SetRecordID(p.recordID)
	if p.before != nil {
		c.SetBefore(p.before)
	}
	if p.after != nil {
		c.SetAfter(p.after)
	}
	if p.actor != nil {
		c.SetKeyID(p.actor.KeyID).SetOrganisationID(p.actor.OrganisationID)
	}
	return c
}

// record writes one Change per touched record.
func record(ctx context.Context, client *ent.Client, m ent.Mutation, ids []int, before map[int]map[string]any, v ent.Value) error {
	op := change.OperationUPDATE
	switch {
	case m.Op().Is(ent.OpCreate):
		op = change.OperationCREATE
	case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
		op = change.OperationDELETE
	}
	var after map[int]map[string]any
	if op != change.OperationDELETE {
		var err error
		if after, err = written(v, ids); err != nil {
			return err
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
			if err := p.create(client).Exec(ctx); err != nil {
				return fmt.Errorf("audit: record %s of %s %d: %w", op, m.Type(), id, err)
			}
			continue
		}
		// A bounded buffer: one write may touch many records (a parent
		// arriving after its hundreds of children).
		if b.pending = append(b.pending, p); b.Full() {
			if err := b.Flush(ctx, client); err != nil {
				return err
			}
		}
	}
	return nil
}

// written is the field map of the one record a create or update-one
// returned, as it was stored (ent reads an updated record back itself), so
// that its history needs no second read; nil for other mutations.
func written(v ent.Value, ids []int) (map[int]map[string]any, error) {
	n, ok := v.(ent.Noder)
	if !ok || len(ids) != 1 || n == nil {
		return nil, nil
	}
	fields, err := encoded(n)
	if err != nil {
		return nil, fmt.Errorf("audit: encode record %d: %w", ids[0], err)
	}
	return map[int]map[string]any{ids[0]: fields}, nil
}

// snapshots reads records as field maps: one query per table for up to
// maxInsert of them (a write may touch hundreds). It runs on a context
// free of the GraphQL request, so ent does not try to collect the
// request's fields.
func snapshots(client *ent.Client, ids []int) (map[int]map[string]any, error) {
	out := make(map[int]map[string]any, len(ids))
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

// encoded is Fields for a Change about to be inserted: each field is kept
// as the JSON it was encoded to rather than decoded into Go values, to be
// written out again as is. The Change holds the same JSON (the values a
// decode and encode would give back: numbers, strings, objects), at a
// fraction of the cost, which an import pays for every record it writes.
func encoded(n ent.Noder) (map[string]any, error) {
	raw, err := json.Marshal(n)
	if err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, err
	}
	delete(top, "edges")
	fields := make(map[string]any, len(top))
	for k, v := range top {
		fields[k] = v
	}
	return fields, nil
}
