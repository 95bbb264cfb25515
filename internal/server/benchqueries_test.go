package server_test

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/bulkload"
	"github.com/aidregistry/registry/internal/countries"
	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// benchStatements is how many SQL statements each benchmark query runs.
// A change that adds one shows here; the count must not depend on rows.
var benchStatements = map[string]int64{
	// Q1-Q3 are programme lists: internal/sqljson answers each with one
	// statement (through the resolvers they took 8, 4 and 10).
	"q1-list":         1,
	"q2-cross-agency": 1,
	"q3-lookup":       1,
	// Q4: the table versions (internal/readcache), then on PostgreSQL the
	// whole answer built as JSON; on SQLite the grouped sums, then the
	// funders and the countries they name (see q4SQLite). Asked again, the
	// versions alone.
	"q4-aggregate": 2,
}

// ownBenchStatements are the counts of the registry's own benchmark
// queries (scripts/bench), PostgreSQL first, then SQLite.
var ownBenchStatements = map[string][2]int64{
	"q5-funding-list": {1, 1},
	"q6-portfolio":    {1, 1},
	// Q4 as the peer asks it: the versions, then the answer as JSON; on
	// SQLite the grouped sums, then the funders.
	"q4-by-funder": {2, 3},
}

// q4SQLite is Q4's count on SQLite, which answers summaries in Go.
const q4SQLite = 4

// TestBenchmarkQueriesStatementCounts runs the benchmark's queries over the
// generated dataset (1/50 scale) and checks their SQL statement counts,
// and that Q1 runs as many statements for 5 rows as for 50.
func TestBenchmarkQueriesStatementCounts(t *testing.T) {
	benchDir := sharedBench(t)
	data := smallBenchData(t, benchDir)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		loadBenchData(t, st, data)
		ts := httptest.NewServer(server.New(st, server.Options{Logger: quietLogger}))
		defer ts.Close()
		r := &registry{URL: ts.URL, Store: st}
		count := func(query string) int64 {
			before := st.Counter.Count()
			var v any
			r.mustData(t, query, nil, &v)
			return st.Counter.Count() - before
		}
		for name, want := range benchStatements {
			q, err := os.ReadFile(filepath.Join(benchDir, "queries", name+".graphql"))
			if err != nil {
				t.Fatal(err)
			}
			query := string(q)
			if name == "q3-lookup" { // at 1/50 scale the full-scale code is missing: ask for one that exists
				query = strings.Replace(query, "BENCH-012345", "BENCH-000345", 1)
			}
			if name == "q4-aggregate" && st.Dialect == dialect.SQLite {
				want = q4SQLite
			}
			if got := count(query); got != want {
				t.Errorf("%s ran %d statements, want %d", name, got, want)
			}
		}
		for name, want := range ownBenchStatements {
			q, err := os.ReadFile(filepath.Join("..", "..", "scripts", "bench", name+".graphql"))
			if err != nil {
				t.Fatal(err)
			}
			n := want[0]
			if st.Dialect == dialect.SQLite {
				n = want[1]
			}
			if got := count(string(q)); got != n {
				t.Errorf("scripts/bench/%s ran %d statements, want %d", name, got, n)
			}
		}
		q1, _ := os.ReadFile(filepath.Join(benchDir, "queries", "q1-list.graphql"))
		five := count(strings.Replace(string(q1), "first: 50", "first: 5", 1))
		fifty := count(string(q1))
		if five != fifty {
			t.Errorf("Q1 ran %d statements for 5 rows and %d for 50", five, fifty)
		}
	})
}

// sharedBench is ../shared/bench (the benchmark's generator and queries); a
// test without it is skipped, and fails under CI.
func sharedBench(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "bench")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("../shared/bench is missing: %v", err)
		}
		tb.Skip("../shared/bench is not beside the project")
	}
	return dir
}

// smallBenchData generates the benchmark dataset at 1/50 scale.
func smallBenchData(tb testing.TB, benchDir string) string {
	tb.Helper()
	data := tb.TempDir()
	gen := exec.Command("go", "run", ".", "-out", data, "-scale", "small")
	gen.Dir = filepath.Join(benchDir, "gen")
	if out, err := gen.CombinedOutput(); err != nil {
		tb.Fatalf("generate: %v\n%s", err, out)
	}
	return data
}

// loadBenchData loads the countries and a generated dataset into st.
func loadBenchData(tb testing.TB, st *store.Store, data string) {
	tb.Helper()
	ctx := context.Background()
	if err := countries.Load(auth.AsSystem(ctx), st.Client); err != nil {
		tb.Fatal(err)
	}
	if _, err := bulkload.New(st.DB, st.Dialect, nil).Load(ctx, data); err != nil {
		tb.Fatal(err)
	}
}
