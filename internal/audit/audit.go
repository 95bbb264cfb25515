// Package audit records every change to the registry in the same
// transaction as the change: who (key and organisation), when, which
// record, and its fields before and after.
package audit

import (
	"context"
	"encoding/json"
	"fmt"

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
type Buffer struct {
	creates []*ent.ChangeCreate
}

// Buffered returns a context whose writes' Changes wait in the returned
// Buffer until Flush, which must run in the same transaction before it
// commits; a transaction rolled back discards them with everything else.
func Buffered(ctx context.Context) (context.Context, *Buffer) {
	b := &Buffer{}
	return context.WithValue(ctx, bufferKey{}, b), b
}

// Flush inserts the Changes held so far.
func (b *Buffer) Flush(ctx context.Context, client *ent.Client) error {
	if len(b.creates) == 0 {
		return nil
	}
	creates := b.creates
	b.creates = nil
	if err := client.Change.CreateBulk(creates...).Exec(ctx); err != nil {
		return fmt.Errorf("audit: record %d changes: %w", len(creates), err)
	}
	return nil
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
	actor, hasActor := auth.ActorFrom(ctx)
	for _, id := range ids {
		c := client.Change.Create().
			SetOperation(op).
			SetRecordType(m.Type()).
			SetRecordID(id)
		if b, ok := before[id]; ok {
			c.SetBefore(b)
		}
		if a, ok := after[id]; ok {
			c.SetAfter(a)
		}
		if hasActor {
			c.SetKeyID(actor.KeyID).SetOrganisationID(actor.OrganisationID)
		}
		if b, ok := ctx.Value(bufferKey{}).(*Buffer); ok {
			// A bounded buffer: one write may touch many records (a parent
			// arriving after its hundreds of children).
			if b.creates = append(b.creates, c); len(b.creates) >= maxBuffered {
				if err := b.Flush(ctx, client); err != nil {
					return err
				}
			}
			continue
		}
		if err := c.Exec(ctx); err != nil {
			return fmt.Errorf("audit: record %s of %s %d: %w", op, m.Type(), id, err)
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
	fields, err := Fields(n)
	if err != nil {
		return nil, fmt.Errorf("audit: encode record %d: %w", ids[0], err)
	}
	return map[int]map[string]any{ids[0]: fields}, nil
}

// snapshots reads records as field maps. It runs on a context free of the
// GraphQL request, so ent does not try to collect the request's fields.
func snapshots(client *ent.Client, ids []int) (map[int]map[string]any, error) {
	out := make(map[int]map[string]any, len(ids))
	for _, id := range ids {
		n, err := client.Noder(context.Background(), id)
		if err != nil {
			return nil, fmt.Errorf("audit: read record %d: %w", id, err)
		}
		fields, err := Fields(n)
		if err != nil {
			return nil, fmt.Errorf("audit: encode record %d: %w", id, err)
		}
		out[id] = fields
	}
	return out, nil
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
