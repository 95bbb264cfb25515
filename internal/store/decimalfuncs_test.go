package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	_ "github.com/aidregistry/registry/internal/store" // registers the functions
)

// TestSQLiteDecimalArithmetic: decimal_sum and decimal_mul are exact where
// SQLite's SUM and * would go through floats.
func TestSQLiteDecimalArithmetic(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (g INTEGER, a TEXT)`); err != nil {
		t.Fatal(err)
	}
	rows := []struct {
		g int
		a any
	}{
		{1, "0.1"}, {1, "0.2"}, {1, nil},
		{2, "99999999999999999.99"}, {2, "0.01"}, {2, "-5"},
		{3, nil},
		{4, "10.500"}, {4, "2"},
	}
	for _, r := range rows {
		if _, err := db.ExecContext(ctx, `INSERT INTO t VALUES (?, ?)`, r.g, r.a); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name, query string
		want        any
	}{
		{"0.1 + 0.2 is 0.3", `SELECT decimal_sum(a) FROM t WHERE g = 1`, "0.3"},
		{"beyond float precision", `SELECT decimal_sum(a) FROM t WHERE g = 2`, "99999999999999995.00"},
		{"only NULLs give NULL", `SELECT decimal_sum(a) FROM t WHERE g = 3`, nil},
		{"no rows give NULL", `SELECT decimal_sum(a) FROM t WHERE g = 9`, nil},
		{"scale of the widest term", `SELECT decimal_sum(a) FROM t WHERE g = 4`, "12.500"},
		{"a share of an amount", `SELECT decimal_mul('79929.00', '33.33', '0.01')`, "26640.335700"},
		{"a NULL factor", `SELECT decimal_mul('1', NULL)`, nil},
		{"integers", `SELECT decimal_mul(3, '2.5')`, "7.5"},
		{"as a window", `SELECT group_concat(s, '|') FROM (SELECT decimal_sum(a) OVER (ORDER BY rowid ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM t WHERE g = 1)`, "0.1|0.3|0.2"},
	}
	for _, c := range cases {
		var got any
		if err := db.QueryRowContext(ctx, c.query).Scan(&got); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if b, ok := got.([]byte); ok {
			got = string(b)
		}
		if got != c.want {
			t.Errorf("%s: got %#v, want %#v", c.name, got, c.want)
		}
	}
	var s any
	err = db.QueryRowContext(ctx, `SELECT decimal_sum(0.1)`).Scan(&s)
	if err == nil || !strings.Contains(err.Error(), "refuses") {
		t.Errorf("a float argument: err = %v, want a refusal", err)
	}
}
