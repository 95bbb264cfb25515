package server_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// TestAnalyticsCache: a repeated summary costs one statement (the table
// versions) and gives the same answer; any commit to a table it reads, even
// one that bypasses the registry, makes the next answer fresh; different
// variables are different answers.
func TestAnalyticsCache(t *testing.T) {
	const summary = `query($g: [FundingDimension!]!) { fundingSummary(groupBy: $g) {
		funder { acronym } count totals { amount currency } } }`
	byFunder := map[string]any{"g": []string{"FUNDER"}}
	eachRegistry(t, func(t *testing.T, r *registry) {
		ask := func(vars map[string]any) ([]byte, int64) {
			before := r.Store.Counter.Count()
			resp := r.query(t, summary, vars)
			if len(resp.Errors) > 0 {
				t.Fatalf("summary failed: %+v", resp.Errors)
			}
			return resp.Data, r.Store.Counter.Count() - before
		}
		first, cold := ask(byFunder)
		again, warm := ask(byFunder)
		if !bytes.Equal(first, again) {
			t.Errorf("cached answer differs:\n%s\n%s", first, again)
		}
		if warm != 1 || cold <= 1 {
			t.Errorf("statements: %d cold, %d warm; want more than 1, then 1", cold, warm)
		}
		byKind, _ := ask(map[string]any{"g": []string{"KIND"}})
		if bytes.Equal(byKind, first) {
			t.Errorf("a different grouping got the cached answer")
		}

		// A commit outside the registry's own write path still counts.
		if _, err := r.Store.DB.ExecContext(context.Background(),
			`UPDATE fundings SET value_amount = '123456789.01', value_currency = 'USD' WHERE id = (SELECT MIN(id) FROM fundings WHERE funder_id IS NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		after, n := ask(byFunder)
		if bytes.Equal(after, first) || n <= 1 {
			t.Errorf("after an update the summary is unchanged (%d statements):\n%s", n, after)
		}
		if !bytes.Contains(after, []byte("123456789.01")) {
			t.Errorf("the updated amount is missing from the fresh answer:\n%s", after)
		}
	})
}

// TestAnalyticsCacheFollowsTablesWritten: a cached summary is recomputed
// after a write to a table it reads (through the API, in SQL past ent, or
// by an IATI import) and kept after a write to any other table; a summary
// filtered through another table follows that table too.
func TestAnalyticsCacheFollowsTablesWritten(t *testing.T) {
	const (
		funding    = `{ fundingSummary(groupBy: [FUNDER, COUNTRY], in: "USD") { funder { acronym } country { iso2 } count totals { amount currency } } }`
		programmes = `{ programmeSummary(groupBy: [STATUS, COUNTRY]) { status country { iso2 } count budgets { amount currency } } }`
		byEvent    = `{ programmeSummary(where: {hasEventsWith: [{titleContainsFold: "conference"}]}, groupBy: [STATUS]) { status count } }`
		contacts   = `fragment F on Organisation { acronym contacts { name } }
			{ fundingSummary(groupBy: [FUNDER]) { funder { ...F } count } }`
		duplicates = `{ fundingSummary(groupBy: [FUNDER]) { funder { acronym possibleDuplicates { id } } count } }`
		aliases    = `{ fundingSummary(groupBy: [FUNDER]) { funder { acronym aliases { name } } count } }`
	)
	type write struct {
		api string // a mutation, run with an admin key
		sql string // or a statement run past ent
		iat string // or an IATI file imported
	}
	cases := []struct {
		name      string
		summary   string
		write     write
		recompute bool
	}{
		{"contact created: funding kept", funding, write{api: `mutation { createContact(input: {name: "Cache test"}) { id } }`}, false},
		{"event created: funding kept", funding, write{api: `mutation { createEvent(input: {title: "Cache test"}) { id } }`}, false},
		{"event updated in SQL: funding kept", funding, write{sql: `UPDATE events SET place = 'Cache test'`}, false},
		{"agreement updated in SQL: programmes kept", programmes, write{sql: `UPDATE agreements SET place = 'Cache test'`}, false},
		{"funding written: programmes kept", programmes, write{sql: `UPDATE fundings SET note = 'Cache test'`}, false},
		{"rate written: programmes kept", programmes, write{sql: `UPDATE exchange_rates SET source = 'Cache test'`}, false},
		{"funding created: funding recomputed", funding, write{api: `mutation($p: ID!) { createFunding(input: {programmeID: $p,
			kind: COMMITMENT, valueAmount: "10.00", valueCurrency: "USD"}) { id } }`}, true},
		{"funding updated in SQL: funding recomputed", funding, write{sql: `UPDATE fundings SET note = 'Cache test 2'`}, true},
		{"programme updated in SQL: funding recomputed", funding, write{sql: `UPDATE programmes SET theme = theme`}, true},
		{"participation written: funding recomputed", funding, write{sql: `UPDATE participations SET role = role`}, true},
		{"share changed: funding recomputed", funding, write{sql: `UPDATE programme_countries SET share_percent = share_percent`}, true},
		{"rate written: funding recomputed", funding, write{sql: `UPDATE exchange_rates SET source = 'Cache test 2'`}, true},
		{"programme country written: programmes recomputed", programmes, write{sql: `DELETE FROM programme_countries
			WHERE id = (SELECT MAX(id) FROM programme_countries WHERE share_percent IS NULL)`}, true},
		{"IATI import: funding recomputed", funding, write{iat: "dportal-covid-p112-undp-unhcr-v2.03.xml"}, true},
		{"IATI import: programmes recomputed", programmes, write{iat: "dportal-covid-p099-denmark-undp-ifad-v2.03.xml"}, true},
		{"event written: a summary filtered by events recomputed", byEvent, write{sql: `UPDATE events SET place = 'Cache test 2'`}, true},
		{"contact written: funding asking for the funders' contacts (in a fragment) recomputed", contacts,
			write{sql: `UPDATE contacts SET name = name`}, true},
		{"event written: funding asking for the funders' contacts kept", contacts, write{sql: `UPDATE events SET place = 'Cache test 3'`}, false},
		{"event written: funding asking for the funders' possible duplicates (a resolver's, which may read anything) recomputed", duplicates,
			write{sql: `UPDATE events SET place = 'Cache test 4'`}, true},
		{"alias written: funding asking for the funders' aliases (a link since resolvedLinks) recomputed", aliases,
			write{sql: `UPDATE organisation_aliases SET name = name`}, true},
		{"event written: funding asking for the funders' aliases kept", aliases, write{sql: `UPDATE events SET place = 'Cache test 5'`}, false},
		{"contact written: a summary filtered by events recomputed too", byEvent, write{api: `mutation { createContact(input: {name: "Cache test 2"}) { id } }`}, true},
	}
	eachRegistry(t, func(t *testing.T, r *registry) {
		loadFixture(t, r.Store.Client)
		admin := makeKeys(t, r).Admin
		ask := func(t *testing.T, q string) int64 {
			before := r.Store.Counter.Count()
			var v any
			r.mustData(t, q, nil, &v)
			return r.Store.Counter.Count() - before
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ask(t, tc.summary)
				if n := ask(t, tc.summary); n != 1 {
					t.Fatalf("a repeat ran %d statements, want 1 (cached)", n)
				}
				apply(t, r, admin, tc.write.api, tc.write.sql, tc.write.iat)
				n := ask(t, tc.summary)
				if tc.recompute && n <= 1 {
					t.Errorf("after the write the summary came from the cache (%d statement)", n)
				}
				if !tc.recompute && n != 1 {
					t.Errorf("after the write the summary was recomputed (%d statements), want it cached", n)
				}
			})
		}
	})
}

// apply runs one write: a mutation (where $p is a fixture programme's id),
// a statement past ent or an import.
func apply(t *testing.T, r *registry, key, mutation, stmt, iatiFile string) {
	t.Helper()
	switch {
	case mutation != "":
		var some struct {
			Programmes struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		r.mustData(t, `{ programmes(first: 1, where: {codeHasPrefix: "FX-"}) { edges { node { id } } } }`, nil, &some)
		vars := map[string]any{}
		if strings.Contains(mutation, "$p") {
			vars["p"] = some.Programmes.Edges[0].Node.ID
		}
		if resp := r.queryAs(t, key, mutation, vars); len(resp.Errors) > 0 {
			t.Fatalf("write failed: %+v", resp.Errors)
		}
	case stmt != "":
		if _, err := r.Store.DB.ExecContext(context.Background(), stmt); err != nil {
			t.Fatal(err)
		}
	default:
		importShared(t, r, iatiFile)
	}
}

// TestAnalyticsCacheFollowsTheReplica: with a read replica, a summary is
// read from the replica and cached by the replica's table versions: a write
// to the primary that has not reached the replica keeps the replica's
// answer, and one that has (a write to the stand-in replica itself) makes
// the next answer fresh.
func TestAnalyticsCacheFollowsTheReplica(t *testing.T) {
	ctx := context.Background()
	sys := auth.AsSystem(ctx)
	primaryURL, replicaURL := storetest.URL(t, storetest.Postgres), storetest.URL(t, storetest.Postgres)
	rep, err := store.Open(ctx, replicaURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rep.Close() })
	st, err := store.Open(ctx, primaryURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.UseReplica(ctx, replicaURL); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.New(st, server.Options{Logger: quietLogger}))
	t.Cleanup(ts.Close)
	r := &registry{URL: ts.URL, Store: st}
	const summary = `{ programmeSummary(groupBy: [STATUS]) { status count } }`
	ask := func(want string) int64 {
		t.Helper()
		before := st.Counter.Count()
		resp := r.query(t, summary, nil)
		if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), want) {
			t.Fatalf("summary %s (errors %+v), want it to hold %s", resp.Data, resp.Errors, want)
		}
		return st.Counter.Count() - before
	}
	steps := []struct {
		name   string
		client *ent.Client
		code   string
		want   string
		cached bool
	}{
		{"first answer, from the replica", nil, "", `"programmeSummary":[]`, false},
		{"a write to the primary alone", st.Client, "PRIMARY-ONLY", `"programmeSummary":[]`, true},
		{"a write the replica holds", rep.Client, "REPLICA-ONLY", `"count":1`, false},
	}
	for _, s := range steps {
		if s.client != nil {
			if err := s.client.Programme.Create().SetCode(s.code).SetTitle(s.code).Exec(sys); err != nil {
				t.Fatal(err)
			}
		}
		if n := ask(s.want); (n == 1) != s.cached {
			t.Errorf("%s: %d statements, want cached %v", s.name, n, s.cached)
		}
	}
}
