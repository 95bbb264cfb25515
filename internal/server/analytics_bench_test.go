package server_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/countries"
	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/storetest"
)

// benchData fills a PostgreSQL store in a few set-based statements, shaped
// like shared/bench's dataset: 2,000 organisations, five of which give 70%
// of the money; 50,000 programmes, each with a FUNDING and an IMPLEMENTING
// participant and either two beneficiary countries at 50% or one without a
// share; 200,000 fundings over 25 years in three currencies.
var benchData = []string{
	`INSERT INTO organisations (created_at, updated_at, name, acronym, kind)
	 SELECT now(), now(), 'Bench organisation ' || g, 'ORG' || lpad(g::text, 4, '0'), 'MULTILATERAL'
	 FROM generate_series(1, 2000) g`,
	`INSERT INTO programmes (created_at, updated_at, code, title, status, start_date, budget_amount, budget_currency)
	 SELECT now(), now(), 'BENCH-' || lpad(g::text, 6, '0'), 'Bench programme ' || g,
	        (ARRAY['PIPELINE','IMPLEMENTATION','FINALISATION','CLOSED'])[1 + g % 4], (2000 + g % 25)::text,
	        ((g * 7919) % 10000000)::numeric / 100, 'USD'
	 FROM generate_series(1, 50000) g`,
	`WITH o AS (SELECT array_agg(id ORDER BY id) AS ids FROM organisations),
	      p AS (SELECT array_agg(id ORDER BY id) AS ids FROM programmes)
	 INSERT INTO participations (created_at, updated_at, role, programme_id, organisation_id)
	 SELECT now(), now(), r.role, p.ids[g],
	        CASE WHEN r.role = 'FUNDING' THEN o.ids[1 + g % 5] ELSE o.ids[6 + g % 1995] END
	 FROM generate_series(1, 50000) g, o, p, (VALUES ('FUNDING'), ('IMPLEMENTING')) AS r(role)`,
	// Ten countries (SO, ML, RW, CD, BI, ET, KE, SN, NG, AF) take 40% of
	// the country rows, as in shared/bench's dataset.
	`WITH c AS (SELECT array_agg(id ORDER BY iso2) AS ids, count(*) AS n FROM countries),
	      t AS (SELECT array_agg(id ORDER BY iso2) AS ids FROM countries
	            WHERE iso2 IN ('SO','ML','RW','CD','BI','ET','KE','SN','NG','AF')),
	      p AS (SELECT array_agg(id ORDER BY id) AS ids FROM programmes),
	      rows AS (SELECT g, 0 AS k FROM generate_series(1, 50000) g
	               UNION ALL SELECT g, 1 FROM generate_series(2, 50000, 2) g)
	 INSERT INTO programme_countries (created_at, updated_at, role, share_percent, programme_id, country_id)
	 SELECT now(), now(), 'BENEFICIARY', CASE WHEN g % 2 = 0 THEN 50 END, p.ids[g],
	        CASE WHEN (g + k) % 5 < 2 THEN t.ids[1 + (g + 3 * k) % 10]
	             ELSE c.ids[1 + (g * 7 + 11 * k) % c.n] END
	 FROM rows, c, t, p
	 ON CONFLICT DO NOTHING`,
	`WITH o AS (SELECT array_agg(id ORDER BY id) AS ids FROM organisations),
	      p AS (SELECT array_agg(id ORDER BY id) AS ids FROM programmes)
	 INSERT INTO fundings (created_at, updated_at, kind, date, programme_id, funder_id, recipient_id, value_amount, value_currency)
	 SELECT now(), now(), (ARRAY['COMMITMENT','DISBURSEMENT','EXPENDITURE'])[1 + g % 3],
	        (2000 + g % 25)::text || CASE WHEN g % 4 = 0 THEN '-' || lpad((1 + g % 12)::text, 2, '0') ELSE '' END,
	        p.ids[1 + g % 50000],
	        CASE WHEN g % 10 < 7 THEN o.ids[1 + g % 5] ELSE o.ids[1 + (g * 7) % 2000] END,
	        o.ids[1 + (g * 13) % 2000],
	        ((g::bigint * 104729) % 100000000)::numeric / 100,
	        (ARRAY['USD','USD','EUR','GBP'])[1 + g % 4]
	 FROM generate_series(1, 200000) g, o, p`,
	`VACUUM ANALYZE`,
}

// BenchmarkFundingSummary200k times fundingSummary (and programmeSummary)
// over HTTP, end to end, on PostgreSQL with 200,000 fundings, computed
// afresh (no answer cache) as JSON in SQL and through the Go path, then
// cached while a writer commits 4 writes a second to events (which no
// summary reads) or to fundings (each makes the next answer fresh):
//
//	go test ./internal/server -run '^$' -bench FundingSummary200k -benchtime 20x
func BenchmarkFundingSummary200k(b *testing.B) {
	st := storetest.Open(b, storetest.Postgres)
	ctx := context.Background()
	if err := countries.Load(auth.AsSystem(ctx), st.Client); err != nil {
		b.Fatal(err)
	}
	for _, stmt := range benchData {
		if _, err := st.DB.ExecContext(ctx, stmt); err != nil {
			b.Fatalf("%s: %v", strings.Fields(stmt)[0:3], err)
		}
	}
	queries := []struct{ name, query string }{
		{"FUNDER,YEAR", `{ fundingSummary(groupBy: [FUNDER, YEAR]) { funder { acronym } funderRule year count totals { amount currency } } }`},
		{"FUNDER,YEAR in USD", `{ fundingSummary(groupBy: [FUNDER, YEAR], in: "USD") { funder { acronym } year count totals { amount currency } rateMissing } }`},
		{"Q4 FUNDER,COUNTRY for SO", q4},
		{"programmes STATUS,START_YEAR", `{ programmeSummary(groupBy: [STATUS, START_YEAR]) { status startYear count budgets { amount currency } } }`},
		{"programmes COUNTRY", `{ programmeSummary(groupBy: [COUNTRY]) { country { iso2 } count budgets { amount currency } } }`},
	}
	modes := []struct {
		name   string
		opts   server.Options
		writes string // a statement committed 4 times a second meanwhile
	}{
		{"afresh SQL", server.Options{AnalyticsCacheSize: -1}, ""},
		{"afresh Go", server.Options{AnalyticsCacheSize: -1, NoSQLJSON: true}, ""},
		{"cached, writes to events", server.Options{}, `INSERT INTO events (created_at, updated_at, title) VALUES (now(), now(), 'bench')`},
		{"cached, writes to fundings", server.Options{}, `UPDATE fundings SET note = now()::text WHERE id = (SELECT MIN(id) FROM fundings)`},
	}
	for _, m := range modes {
		m.opts.Logger = quietLogger
		ts := httptest.NewServer(server.New(st, m.opts))
		r := &registry{URL: ts.URL, Store: st}
		stop := writeEvery(b, st.DB, m.writes, 250*time.Millisecond)
		for _, q := range queries {
			b.Run(m.name+"/"+q.name, func(b *testing.B) { benchSummary(b, r, q.query) })
		}
		stop()
		ts.Close()
	}
}

// benchSummary asks one summary b.N times from 4 clients at once.
func benchSummary(b *testing.B, r *registry, query string) {
	var buckets atomic.Int64
	before := r.Store.Counter.Count()
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp := r.query(b, query, nil)
			if resp.Status != http.StatusOK || len(resp.Errors) > 0 {
				b.Errorf("status %d: %+v", resp.Status, resp.Errors)
				return
			}
			buckets.Store(int64(strings.Count(string(resp.Data), `"count"`)))
		}
	})
	b.ReportMetric(float64(buckets.Load()), "buckets")
	b.ReportMetric(float64(r.Store.Counter.Count()-before)/float64(b.N), "statements/op")
}

// writeEvery commits stmt every interval until stopped ("" writes nothing).
func writeEvery(b *testing.B, db *sql.DB, stmt string, every time.Duration) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		if stmt == "" {
			return
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if _, err := db.Exec(stmt); err != nil {
					b.Errorf("write: %v", err)
					return
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}
