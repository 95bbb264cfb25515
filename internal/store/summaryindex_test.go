package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aidregistry/registry/internal/storetest"
)

// TestSummaryIndexCoversFundings: opening a PostgreSQL store (twice: the
// second open must keep working) leaves one index on fundings by programme
// that carries the funder, currency and amount, so a summary by funder and
// country reads the fundings from it alone.
func TestSummaryIndexCoversFundings(t *testing.T) {
	ctx := context.Background()
	st := openedAgain(t, storetest.URL(t, storetest.Postgres))
	rows, err := st.DB.QueryContext(ctx, `SELECT indexdef FROM pg_indexes
		WHERE schemaname = current_schema() AND tablename = 'fundings' AND indexdef LIKE '%INCLUDE%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var defs []string
	for rows.Next() {
		var def string
		if err := rows.Scan(&def); err != nil {
			t.Fatal(err)
		}
		defs = append(defs, def)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(defs) != 1 {
		t.Fatalf("fundings has %d covering indexes, want 1: %q", len(defs), defs)
	}
	for _, col := range []string{"(programme_id)", "funder_id", "value_currency", "value_amount"} {
		if !strings.Contains(defs[0], col) {
			t.Errorf("the covering index %q lacks %s", defs[0], col)
		}
	}
}
