package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/storetest"
)

// TestLargeValuesAreWrittenWithLZ4: on a PostgreSQL server that has lz4,
// a record's large value and its history's are compressed with it, by
// every session of the store's pool.
func TestLargeValuesAreWrittenWithLZ4(t *testing.T) {
	ctx := auth.AsSystem(context.Background())
	st := storetest.Open(t, storetest.Postgres)
	var lz4 bool
	if err := st.DB.QueryRowContext(ctx, `SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'`).Scan(&lz4); err != nil {
		t.Fatal(err)
	}
	if !lz4 {
		t.Skip("this PostgreSQL has no lz4")
	}
	long := strings.Repeat("A programme about water, sanitation and hygiene. ", 400)
	p := st.Client.Programme.Create().SetCode("LZ4").SetTitle("Compressed").SetDescription(long).SaveX(ctx)
	for _, q := range []string{
		`SELECT pg_column_compression(description) FROM programmes WHERE id = $1`,
		`SELECT pg_column_compression(after) FROM changes WHERE record_id = $1`,
	} {
		var method sql.NullString
		if err := st.DB.QueryRowContext(ctx, q, p.ID).Scan(&method); err != nil {
			t.Fatal(err)
		}
		if method.String != "lz4" {
			t.Errorf("%s: compressed with %q, want lz4", q, method.String)
		}
	}
}
