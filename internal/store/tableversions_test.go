package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

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
				{"a write under a savepoint rolled back", []string{`SAVEPOINT s`, `UPDATE countries SET region = region`, `ROLLBACK TO SAVEPOINT s`}, false, ""},
				{"a write kept beside a savepoint rolled back", []string{`UPDATE countries SET region = region`, `SAVEPOINT s`,
					`UPDATE countries SET name = name`, `ROLLBACK TO SAVEPOINT s`}, false, "countries"},
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

// TestTableVersionsLetWritersRunTogether: on PostgreSQL (SQLite has one
// writer at a time anyway) transactions writing the same tables do not wait
// for each other's commit on a version row, and two writing the same two
// tables in opposite orders both commit rather than deadlock; the versions
// change with the commits.
func TestTableVersionsLetWritersRunTogether(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		ctx := context.Background()
		st, err := store.Open(ctx, storetest.URL(t, storetest.Postgres))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := countries.Load(ctx, st.Client); err != nil {
			t.Fatal(err)
		}
		begin := func() *sql.Tx {
			tx, err := st.DB.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			return tx
		}
		// exec fails the test, rather than hanging it, when a statement waits.
		exec := func(tx *sql.Tx, stmt string) {
			c, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if _, err := tx.ExecContext(c, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		before, err := st.TableVersions(ctx, "countries", "areas")
		if err != nil {
			t.Fatal(err)
		}
		one, two := begin(), begin()
		exec(one, `UPDATE countries SET region = region WHERE iso2 = 'SO'`)
		exec(two, `UPDATE areas SET name = name`)
		exec(two, `UPDATE countries SET region = region WHERE iso2 = 'ML'`)
		exec(one, `UPDATE areas SET name = name`)
		for _, tx := range []*sql.Tx{two, one} {
			if err := tx.Commit(); err != nil {
				t.Fatalf("commit: %v", err)
			}
		}
		after, err := st.TableVersions(ctx, "countries", "areas")
		if err != nil {
			t.Fatal(err)
		}
		if after == before {
			t.Errorf("versions unchanged after two commits: %s", after)
		}
	})
}
