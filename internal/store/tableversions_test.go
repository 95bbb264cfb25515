package store_test

import (
	"context"
	"testing"

	"github.com/aidregistry/registry/internal/countries"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// TestTableVersions: a committed write to a table changes its version and
// no other table's, whoever writes it; a rolled-back write changes nothing;
// opening the store again keeps the versions (the install is idempotent),
// and a second process sees the same versions.
func TestTableVersions(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			url := storetest.URL(t, kind)
			st, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := countries.Load(ctx, st.Client); err != nil {
				t.Fatal(err)
			}
			read := func(s *store.Store, tables ...string) string {
				v, err := s.TableVersions(ctx, tables...)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			steps := []struct {
				name     string
				stmts    []string
				rollback bool
				changed  string // the table whose version must change, "" none
			}{
				{"countries updated", []string{`UPDATE countries SET region = region`}, false, "countries"},
				{"countries updated, rolled back", []string{`UPDATE countries SET region = region`}, true, ""},
				{"two statements in one transaction", []string{`UPDATE countries SET region = region`, `UPDATE countries SET name = name`}, false, "countries"},
			}
			for _, step := range steps {
				before := map[string]string{"countries": read(st, "countries"), "fundings": read(st, "fundings")}
				tx, err := st.DB.BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range step.stmts {
					if _, err := tx.ExecContext(ctx, s); err != nil {
						t.Fatal(err)
					}
				}
				if step.rollback {
					err = tx.Rollback()
				} else {
					err = tx.Commit()
				}
				if err != nil {
					t.Fatal(err)
				}
				for table, v := range before {
					if changed := read(st, table) != v; changed != (table == step.changed) {
						t.Errorf("%s: version of %s changed: %v, want %v", step.name, table, changed, table == step.changed)
					}
				}
			}
			again, err := store.Open(ctx, url)
			if err != nil {
				t.Fatalf("open again: %v", err)
			}
			defer again.Close()
			if a, b := read(st), read(again); a != b {
				t.Errorf("another opening reads other versions:\n%s\n%s", a, b)
			}
			if _, err := st.TableVersions(ctx, "no_such_table"); err == nil {
				t.Errorf("versions of an unknown table were read without an error")
			}
		})
	}
}
