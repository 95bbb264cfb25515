package search_test

import (
	"context"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/demo"
	"github.com/aidregistry/registry/internal/search"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// first is the snippet of a search's first hit, "" when nothing matches.
func first(t *testing.T, st *store.Store, q string) string {
	t.Helper()
	c, err := search.Search(context.Background(), st.Client, st.Dialect, search.Request{Query: q})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Edges) == 0 {
		return ""
	}
	return c.Edges[0].Snippet
}

// TestInstallRebuildsAnOldIndex: a store whose index was laid out by
// another version (or lost its documents) is indexed again when opened.
func TestInstallRebuildsAnOldIndex(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			url := storetest.URL(t, kind)
			ctx := context.Background()
			st, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := demo.Seed(ctx, st.Client); err != nil {
				t.Fatal(err)
			}
			table := "search_index"
			if st.Dialect == dialect.Postgres {
				table = "search_documents"
			}
			for _, stmt := range []string{"DELETE FROM " + table, "UPDATE search_meta SET version = 0"} {
				if _, err := st.DB.ExecContext(ctx, stmt); err != nil {
					t.Fatal(err)
				}
			}
			if got := first(t, st, "Universite Libre"); got != "" {
				t.Fatalf("the emptied index still finds %q", got)
			}
			st.Close()
			st, err = store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if got := first(t, st, "Universite Libre"); got != "<mark>Université</mark> <mark>Libre</mark> de Bruxelles" {
				t.Errorf("after reopening, the first hit is %q", got)
			}
		})
	}
}

// TestReindex: a write that bypasses ent (bulk SQL) is indexed when its
// writer calls Reindex with the ids it touched.
func TestReindex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := auth.AsSystem(context.Background())
		if _, err := demo.Seed(ctx, st.Client); err != nil {
			t.Fatal(err)
		}
		id := st.Client.Programme.Query().Where(programme.Code("MIDA")).OnlyIDX(ctx)
		if _, err := st.DB.ExecContext(ctx, "UPDATE programmes SET title = 'Theremin concerts' WHERE code = 'MIDA'"); err != nil {
			t.Fatal(err)
		}
		if got := first(t, st, "theremin"); got != "" {
			t.Fatalf("found %q before Reindex", got)
		}
		if err := search.Reindex(ctx, st.Client, st.Dialect, id); err != nil {
			t.Fatal(err)
		}
		if got := first(t, st, "theremin"); got == "" {
			t.Error("not found after Reindex")
		}
		if err := search.Rebuild(ctx, st.Client, st.Dialect); err != nil {
			t.Fatal(err)
		}
		if got := first(t, st, "theremin"); got == "" {
			t.Error("not found after Rebuild")
		}
	})
}
