package server_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/aidregistry/registry/internal/server"
)

// TestSummariesInSQLAnswerAsGoDoes asks the same summaries of a server that
// builds them as JSON in SQL (PostgreSQL) and of one that answers through
// the Go path (--no-sql-json), over the analytics fixtures, and requires
// byte for byte the same data (buckets in the same order, keys in selection
// order, every digit of every total) and the statements each path runs:
// on PostgreSQL the table versions and one statement; on SQLite, and for a
// selection the SQL does not cover, the Go path's own.
func TestSummariesInSQLAnswerAsGoDoes(t *testing.T) {
	cases := []struct {
		name, query string
		vars        map[string]any
		covered     bool // answered in one statement on PostgreSQL
	}{
		{"benchmark Q4 shape", q4, nil, true},
		{"funding, every documented field", fundingSummaryQuery,
			map[string]any{"groupBy": []string{"FUNDER", "RECIPIENT", "PROGRAMME", "COUNTRY", "YEAR", "KIND", "CURRENCY"}}, true},
		{"funding by funder and country in USD", fundingSummaryQuery,
			map[string]any{"where": fixtureOnly, "groupBy": []string{"FUNDER", "COUNTRY"}, "in": "USD"}, true},
		{"funding by currency in EUR, rates missing", fundingSummaryQuery,
			map[string]any{"groupBy": []string{"CURRENCY"}, "in": "EUR"}, true},
		{"funding by programme in JPY, no rate", fundingSummaryQuery,
			map[string]any{"groupBy": []string{"PROGRAMME", "YEAR"}, "in": "JPY"}, true},
		{"funding by sector and transaction type", `{ fundingSummary(groupBy: [SECTOR, TRANSACTION_TYPE]) {
			sector { vocabulary code name } sectorSplit transactionType count totals { amount currency } } }`, nil, true},
		{"funding by country and sector", `{ fundingSummary(groupBy: [COUNTRY, SECTOR]) {
			country { iso2 name } split sector { code } sectorSplit count totals { currency amount } } }`, nil, true},
		{"aliases, typenames, ids, fragments and skipped fields", `
			fragment B on FundingBucket { __typename n: count t: totals { __typename a: amount c: currency } }
			{ s: fundingSummary(groupBy: [FUNDER, PROGRAMME]) { ...B f: funder { id __typename acronym name kind iatiRef }
				programme { id code title status startDate } year @skip(if: true) again: totals { amount } }
			  k: fundingSummary(groupBy: [KIND]) { kind funder { acronym } count } }`, nil, true},
		{"filtered by where", fundingSummaryQuery, map[string]any{"groupBy": []string{"FUNDER"},
			"where": map[string]any{"hasProgrammeWith": []any{map[string]any{"hasCountriesWith": []any{
				map[string]any{"hasCountryWith": []any{map[string]any{"iso2": "SO"}}}}}}}}, true},
		{"nothing matches", fundingSummaryQuery, map[string]any{"groupBy": []string{"FUNDER"},
			"where": map[string]any{"hasProgrammeWith": []any{map[string]any{"code": "NO-SUCH-CODE"}}}}, true},
		{"programmes by status and start year", `{ programmeSummary(groupBy: [STATUS, START_YEAR]) {
			status startYear count budgets { amount currency } } }`, nil, true},
		{"programmes by country, organisation and role", `{ programmeSummary(groupBy: [COUNTRY, ORGANISATION, ROLE]) {
			country { iso2 } organisation { acronym name } role count budgets { amount currency } } }`, nil, true},
		{"programmes by sector, region and theme", `{ programmeSummary(groupBy: [SECTOR, REGION, THEME]) {
			sector { vocabulary code name } sectorSplit region theme count budgets { amount currency } } }`, nil, true},
		{"a linked record's list steps aside", `{ fundingSummary(groupBy: [FUNDER]) { funder { acronym sources { title } } count } }`, nil, false},
		{"a linked record's link steps aside", `{ programmeSummary(groupBy: [COUNTRY]) { country { iso2 areas { name } } count } }`, nil, false},
		{"bad input is refused alike", `{ fundingSummary(groupBy: [FUNDER], in: "usd") { count } }`, nil, false},
	}
	eachRegistry(t, func(t *testing.T, fast *registry) {
		loadFixture(t, fast.Store.Client)
		loadSectorFixture(t, fast.Store.Client)
		slow := resolversOnly(t, fast, server.Options{AnalyticsCacheSize: -1})
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				want := slow.query(t, tc.query, tc.vars)
				got, ran := fast.queryCounting(t, tc.query, tc.vars)
				if !bytes.Equal(compact(t, got.Data), compact(t, want.Data)) || !bytes.Equal(canonicalResponse(t, got), canonicalResponse(t, want)) {
					t.Errorf("SQL answer:\n%s\nGo path's answer:\n%s\nerrors %+v / %+v", got.Data, want.Data, got.Errors, want.Errors)
				}
				roots := int64(bytes.Count([]byte(tc.query), []byte("Summary(")))
				pg := fast.Store.Dialect == dialect.Postgres
				switch {
				case pg && tc.covered && ran != 2*roots:
					t.Errorf("ran %d statements, want %d: the table versions and one statement per summary", ran, 2*roots)
				case pg && !tc.covered && len(want.Errors) == 0 && ran <= 2*roots:
					t.Errorf("ran %d statements: the SQL answered a selection it does not cover", ran)
				}
			})
		}
	})
}

// compact is a response's data as gqlgen writes it, for byte comparison.
func compact(t *testing.T, raw json.RawMessage) []byte {
	t.Helper()
	var b bytes.Buffer
	if len(raw) == 0 {
		return nil
	}
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
