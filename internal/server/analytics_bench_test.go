package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
// over HTTP, end to end, on PostgreSQL with 200,000 fundings:
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
	ts := httptest.NewServer(server.New(st, server.Options{Logger: quietLogger}))
	b.Cleanup(ts.Close)
	r := &registry{URL: ts.URL, Store: st}
	queries := []struct{ name, query string }{
		{"FUNDER,YEAR", `{ fundingSummary(groupBy: [FUNDER, YEAR]) { funder { acronym } funderRule year count totals { amount currency } } }`},
		{"FUNDER,YEAR in USD", `{ fundingSummary(groupBy: [FUNDER, YEAR], in: "USD") { funder { acronym } year count totals { amount currency } rateMissing } }`},
		{"Q4 FUNDER,COUNTRY for SO", q4},
		{"programmes STATUS,START_YEAR", `{ programmeSummary(groupBy: [STATUS, START_YEAR]) { status startYear count budgets { amount currency } } }`},
		{"programmes COUNTRY", `{ programmeSummary(groupBy: [COUNTRY]) { country { iso2 } count budgets { amount currency } } }`},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			var buckets int
			before := st.Counter.Count()
			runs := 0
			for b.Loop() {
				resp := r.query(b, q.query, nil)
				if resp.Status != http.StatusOK || len(resp.Errors) > 0 {
					b.Fatalf("status %d: %+v", resp.Status, resp.Errors)
				}
				buckets = strings.Count(string(resp.Data), `"count"`)
				runs++
			}
			b.ReportMetric(float64(buckets), "buckets")
			b.ReportMetric(float64(st.Counter.Count()-before)/float64(runs), "statements/op")
		})
	}
}
