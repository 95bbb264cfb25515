// Package audit records every change to the registry in the same
// transaction as the change: who (key and organisation), when, which
// record, and its fields before and after.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
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
			before, err := snapshots(client, m.Type(), ids)
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
			after, err = snapshots(client, m.Type(), ids)
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
