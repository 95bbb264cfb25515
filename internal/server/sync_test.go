package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/change"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/gid"
	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// An integrator pages through `changes` while others write: it must see
// every change exactly once, deletions included, in sequence order, even
// when transactions that began earlier commit later.
//
// On PostgreSQL a change's id is drawn when its row is inserted, not when
// its transaction commits, so without care a reader could see change 101
// (committed) before change 100 (still open), move its cursor past 100,
// and never see it. The audit hook holds an advisory lock until commit so
// ids commit in order; SQLite has one writer at a time already.
func TestChangesPagingWhileWriting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ts := httptest.NewServer(server.New(st, server.Options{Logger: quietLogger}))
		t.Cleanup(ts.Close)
		s := &ixServer{URL: ts.URL, Store: st}
		ctx := auth.AsSystem(context.Background())

		const writers, rounds = 4, 15
		var wg sync.WaitGroup
		var done atomic.Bool
		errs := make(chan error, writers)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < rounds; i++ {
					if err := writeSome(ctx, st.Client, w, i); err != nil {
						errs <- err
						return
					}
				}
			}(w)
		}
		go func() { wg.Wait(); done.Store(true) }()

		var seen []int
		after := ""
		page := func() bool {
			vars := map[string]any{"first": 3}
			if after != "" {
				vars["after"] = after
			}
			var data struct {
				Changes struct {
					PageInfo struct{ EndCursor *string }
					Edges    []struct{ Node struct{ ID string } }
				}
			}
			s.gql(t, `query($first: Int, $after: Cursor) { changes(first: $first, after: $after) {
				pageInfo { endCursor } edges { node { id } } } }`, vars, &data)
			if data.Changes.PageInfo.EndCursor != nil {
				after = *data.Changes.PageInfo.EndCursor
			}
			for _, e := range data.Changes.Edges {
				id, err := gid.Decode(e.Node.ID)
				if err != nil {
					t.Fatal(err)
				}
				seen = append(seen, id)
			}
			return len(data.Changes.Edges) > 0
		}
		for !done.Load() {
			page()
		}
		for page() {
		}
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		all := st.Client.Change.Query().Order(change.ByID()).IDsX(context.Background())
		if len(all) != writers*rounds*4 {
			t.Fatalf("%d changes recorded, want %d", len(all), writers*rounds*4)
		}
		if !slices.IsSorted(seen) || len(slices.Compact(slices.Clone(seen))) != len(seen) {
			t.Errorf("changes came out of order or twice")
		}
		var missed []int
		for _, id := range all {
			if _, found := slices.BinarySearch(seen, id); !found {
				missed = append(missed, id)
			}
		}
		if len(missed) > 0 {
			msg := fmt.Sprintf("paging while writing skipped %d of %d changes: a transaction that numbered its change before another committed after it, and the cursor had moved past", len(missed), len(all))
			t.Error(msg)
		}
	})
}

// writeSome is one writer's transaction: a create, an update and a
// delete, with a pause, so that transactions overlap and commit out of
// the order in which their changes were numbered.
func writeSome(ctx context.Context, c *ent.Client, w, i int) error {
	tx, err := c.Tx(ctx)
	if err != nil {
		return err
	}
	o, err := tx.Organisation.Create().SetName(fmt.Sprintf("Writer %d org %d", w, i)).SetKind(organisation.KindOTHER).Save(ctx)
	if err != nil {
		return errorsJoin(err, tx.Rollback())
	}
	time.Sleep(time.Duration((w*7+i*3)%5) * time.Millisecond)
	if err := tx.Organisation.UpdateOneID(o.ID).SetAcronym(fmt.Sprintf("W%dO%d", w, i)).Exec(ctx); err != nil {
		return errorsJoin(err, tx.Rollback())
	}
	tmp, err := tx.Organisation.Create().SetName(fmt.Sprintf("Writer %d temp %d", w, i)).SetKind(organisation.KindOTHER).Save(ctx)
	if err != nil {
		return errorsJoin(err, tx.Rollback())
	}
	if err := tx.Organisation.DeleteOneID(tmp.ID).Exec(ctx); err != nil {
		return errorsJoin(err, tx.Rollback())
	}
	return tx.Commit()
}

func errorsJoin(err, rerr error) error {
	if rerr != nil {
		return fmt.Errorf("%w (rollback: %v)", err, rerr)
	}
	return err
}
