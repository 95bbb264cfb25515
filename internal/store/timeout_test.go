package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// TestStatementTimeout: with a statement timeout set, a runaway statement is
// stopped by the database after that long, on every path SQL takes through
// the store, and says so; without one it is not bounded.
func TestStatementTimeout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		slow := storetest.SlowStatement(st.Dialect)
		st.SetStatementTimeout(100 * time.Millisecond)
		if got := st.StatementTimeout(); got != 100*time.Millisecond {
			t.Fatalf("StatementTimeout() = %s", got)
		}
		run := map[string]func() error{
			"exec": func() error {
				_, err := st.Client.ExecContext(ctx, slow)
				return err
			},
			"query": func() error {
				rows, err := st.Client.QueryContext(ctx, slow)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
				}
				return rows.Err()
			},
			"in a transaction": func() error {
				tx, err := st.Client.Tx(ctx)
				if err != nil {
					return err
				}
				defer tx.Rollback()
				_, err = tx.ExecContext(ctx, slow)
				return err
			},
		}
		for name, fn := range run {
			start := time.Now()
			err := fn()
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("%s: the statement ran %s despite a 100ms statement timeout", name, took)
			}
			var te *store.StatementTimeoutError
			switch {
			case err == nil:
				t.Errorf("%s: a runaway statement succeeded under a 100ms statement timeout", name)
			case errors.As(err, &te):
				if te.Limit != 100*time.Millisecond || te.Error() != "the SQL statement ran longer than the statement timeout of 100ms" {
					t.Errorf("%s: %v (limit %s)", name, te, te.Limit)
				}
			case !store.Canceled(err):
				// Rows read after QueryContext returned carry the driver's
				// own error, which the server classifies with Canceled.
				t.Errorf("%s: error %v is neither a StatementTimeoutError nor a cancellation", name, err)
			}
		}
		if st.Dialect == dialect.Postgres {
			// The database itself stopped the statements: none is left running.
			deadline := time.Now().Add(5 * time.Second)
			for {
				var n int
				row := st.DB.QueryRowContext(ctx, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = $1", slow)
				if err := row.Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d runaway statements still run on the server", n)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		if _, err := st.Client.Country.Query().Count(ctx); err != nil {
			t.Errorf("a quick query after the timeouts: %v", err)
		}

		st.SetStatementTimeout(0)
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		_, err := st.Client.ExecContext(short, slow)
		var te *store.StatementTimeoutError
		if errors.As(err, &te) || !store.Canceled(err) {
			t.Errorf("without a statement timeout, only the caller's deadline stops a statement: %v", err)
		}
	})
}
