package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// scratchRows are rows for COPY into copy_behind (n bigint, note text);
// a value that is no number makes PostgreSQL refuse the COPY.
type scratchRows [][]any

func (scratchRows) CopyInto() (string, []string) { return "copy_behind", []string{"n", "note"} }

func (r scratchRows) CopyRows(send func(values ...any) error) error {
	for _, row := range r {
		if err := send(row...); err != nil {
			return err
		}
	}
	return nil
}

func goodRows(n int) scratchRows {
	rows := make(scratchRows, n)
	for i := range rows {
		rows[i] = []any{int64(i), fmt.Sprintf("row %d", i)}
	}
	return rows
}

var badRows = scratchRows{{int64(1), "fine"}, {"not a number", "refused"}}

// A COPY run behind its caller (an import's rows and history) is part of
// the transaction as if it had run in place: the next statement sees its
// rows, the commit keeps them; when PostgreSQL refuses it, the next
// statement says why (once: a savepoint still undoes it and the
// transaction goes on), or the commit does, and nothing of it is kept.
func TestCopiesBehindActAsInPlace(t *testing.T) {
	cases := []struct {
		name string
		// run works in the transaction; its error is the want'th.
		run func(ctx context.Context, c *ent.Client) error
		// commitFails, and the rows kept after.
		commitFails bool
		kept        int
	}{
		{"rows behind are seen next and committed", func(ctx context.Context, c *ent.Client) error {
			if _, err := c.ExecContext(ctx, "COPY copy_behind", goodRows(1000)); err != nil {
				return err
			}
			return wantCount(ctx, c, 1000)
		}, false, 1000},
		{"two in a row are both kept", func(ctx context.Context, c *ent.Client) error {
			for range 2 {
				if _, err := c.ExecContext(ctx, "COPY copy_behind", goodRows(300)); err != nil {
					return err
				}
			}
			return store.WaitBehind(ctx, c)
		}, false, 600},
		{"a refused copy fails the next statement once; a savepoint undoes it", func(ctx context.Context, c *ent.Client) error {
			if _, err := c.ExecContext(ctx, "SAVEPOINT before_copy"); err != nil {
				return err
			}
			if _, err := c.ExecContext(ctx, "COPY copy_behind", badRows); err != nil {
				return fmt.Errorf("the copy itself failed in place: %w", err)
			}
			_, err := c.ExecContext(ctx, "INSERT INTO copy_behind (n, note) VALUES (7, 'next')")
			if err == nil || !strings.Contains(err.Error(), "copy into copy_behind") {
				return fmt.Errorf("the statement after a refused copy: %v", err)
			}
			if _, err := c.ExecContext(ctx, "ROLLBACK TO SAVEPOINT before_copy"); err != nil {
				return fmt.Errorf("rollback to the savepoint: %w", err)
			}
			if _, err := c.ExecContext(ctx, "INSERT INTO copy_behind (n, note) VALUES (8, 'after')"); err != nil {
				return err
			}
			return nil
		}, false, 1},
		{"a refused copy with nothing after fails the commit", func(ctx context.Context, c *ent.Client) error {
			_, err := c.ExecContext(ctx, "COPY copy_behind", badRows)
			return err
		}, true, 0},
		{"WaitBehind says a copy was refused", func(ctx context.Context, c *ent.Client) error {
			if _, err := c.ExecContext(ctx, "COPY copy_behind", badRows); err != nil {
				return err
			}
			if err := store.WaitBehind(ctx, c); err == nil || !strings.Contains(err.Error(), "invalid input syntax") {
				return fmt.Errorf("WaitBehind after a refused copy: %v", err)
			}
			return nil
		}, true, 0},
	}
	ctx := auth.AsSystem(context.Background())
	st := storetest.Open(t, storetest.Postgres)
	if _, err := st.DB.ExecContext(ctx, "CREATE TABLE copy_behind (n bigint NOT NULL, note text NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := st.DB.ExecContext(ctx, "TRUNCATE copy_behind"); err != nil {
				t.Fatal(err)
			}
			tx, err := st.Client.Tx(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.run(store.CopiesBehind(ctx), tx.Client()); err != nil {
				tx.Rollback()
				t.Fatal(err)
			}
			if err := tx.Commit(); (err != nil) != tc.commitFails {
				t.Errorf("commit: %v, want failing %v", err, tc.commitFails)
			}
			var kept int
			if err := st.DB.QueryRowContext(ctx, "SELECT count(*) FROM copy_behind").Scan(&kept); err != nil {
				t.Fatal(err)
			}
			if kept != tc.kept {
				t.Errorf("%d rows kept, want %d", kept, tc.kept)
			}
		})
	}
}

// On a store with no COPY (SQLite) and outside transactions, asking for
// copies behind changes nothing: statements run in place, and there is
// nothing to wait for.
func TestCopiesBehindElsewhereRunInPlace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := store.CopiesBehind(auth.AsSystem(context.Background()))
		if err := store.WaitBehind(ctx, st.Client); err != nil {
			t.Errorf("WaitBehind outside a transaction: %v", err)
		}
		tx, err := st.Client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p, err := tx.Programme.Create().SetCode("BEHIND-1").SetTitle("Written in place").Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.WaitBehind(ctx, tx.Client()); err != nil {
			t.Errorf("WaitBehind with nothing behind: %v", err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if got := st.Client.Programme.GetX(ctx, p.ID); got.Code != "BEHIND-1" {
			t.Errorf("programme %q after commit", got.Code)
		}
	})
}

func wantCount(ctx context.Context, c *ent.Client, want int) error {
	rows, err := c.QueryContext(ctx, "SELECT count(*) FROM copy_behind")
	if err != nil {
		return err
	}
	defer rows.Close()
	var n int
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return err
		}
	}
	if n != want {
		return fmt.Errorf("the next statement sees %d rows, want %d", n, want)
	}
	return rows.Err()
}
