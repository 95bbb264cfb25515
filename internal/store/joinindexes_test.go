package store_test

import (
	"context"
	"testing"

	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// TestJoinTablesIndexedBothWays: a programme's agreements (and a source's
// records) are read through one index, led by the programme (the source)
// and then ordered by the other side, on both stores; opening the store
// again keeps working and leaves no index on the second column alone.
func TestJoinTablesIndexedBothWays(t *testing.T) {
	queries := map[storetest.Kind]string{
		storetest.SQLite: `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql LIKE '%("' || $2 || '"%'`,
		storetest.Postgres: `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1
			AND indexdef LIKE '%(' || $2 || '%'`,
	}
	orders := map[storetest.Kind]string{
		storetest.SQLite: `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = $1
			AND sql LIKE '%("' || $2 || '", "' || $3 || '")%'`,
		storetest.Postgres: `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1
			AND indexdef LIKE '%(' || $2 || ', ' || $3 || ')'`,
	}
	for _, kind := range storetest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			st := openedAgain(t, storetest.URL(t, kind))
			for _, c := range []struct{ table, column, then string }{
				{"agreement_programmes", "programme_id", "agreement_id"},
				{"programme_sources", "source_id", "programme_id"},
			} {
				var led, ordered int
				if err := st.DB.QueryRowContext(ctx, queries[kind], c.table, c.column).Scan(&led); err != nil {
					t.Fatal(err)
				}
				if err := st.DB.QueryRowContext(ctx, orders[kind], c.table, c.column, c.then).Scan(&ordered); err != nil {
					t.Fatal(err)
				}
				if led != 1 || ordered != 1 {
					t.Errorf("%s has %d indexes led by %s, %d of them on (%s, %s), want 1 and 1",
						c.table, led, c.column, ordered, c.column, c.then)
				}
			}
		})
	}
}

// openedAgain opens the store at url twice, closing it each time, then once
// more for the test (closed when the test ends): what an Open installs
// must let the next ones open, and leave one of each thing it adds.
func openedAgain(t *testing.T, url string) *store.Store {
	t.Helper()
	ctx := context.Background()
	for range 2 {
		st, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
