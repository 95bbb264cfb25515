package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aidregistry/registry/internal/gid"
	"github.com/aidregistry/registry/internal/server"
)

// TestSQLJSONAnswersAsResolversDo asks the same programme lists of a server
// with the SQL JSON path and of one without it, over one store, and requires
// the same answer; where the path covers the selection, it must have used a
// single SQL statement, and where it does not, the general path answers.
func TestSQLJSONAnswersAsResolversDo(t *testing.T) {
	q1, err := os.ReadFile(filepath.Join(sharedBench(t), "queries", "q1-list.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		query string
		vars  map[string]any
		// statements the SQL JSON path runs; 0: it must step aside.
		statements int64
	}{
		{name: "benchmark Q1", query: string(q1), statements: 1},
		{name: "cross-agency filter with count", statements: 1, query: `{ programmes(first: 20, where: {and: [
			{hasCountriesWith: [{role: BENEFICIARY, hasCountryWith: [{iso2: "SO"}]}]},
			{hasParticipationsWith: [{role: FUNDING, hasOrganisationWith: [{acronym: "UNDP"}]}]}]}) {
			totalCount edges { node { code title status startDate countries { country { iso2 } sharePercent } } } } }`},
		{name: "two link filters beside other conditions (an INTERSECT on PostgreSQL)", statements: 1, query: `{ programmes(where: {
			hasCountriesWith: [{hasCountryWith: [{iso2In: ["SO", "CD", "ML"]}]}],
			hasAgreementsWith: [{kindNotNil: true}, {titleContainsFold: "a"}],
			titleNEQ: "nothing", and: [{hasParticipationsWith: {role: IMPLEMENTING}}, {or: [{statusIsNil: true}, {statusNEQ: CLOSED}]}]}) {
			totalCount edges { node { code } } } }`},
		{name: "empty and null link filters are no conditions", statements: 1, query: `{ programmes(where: {
			hasCountriesWith: [], hasParticipationsWith: null, hasFundingsWith: []}) {
			totalCount edges { node { code } } } }`},
		{name: "an empty filter within steps aside, and the resolvers answer as they do", query: `{ programmes(where: {and: [{}]}) { totalCount } }`},
		{name: "an empty link filter steps aside too", query: `{ programmes(where: {and: [{hasFundingsWith: {}}, {hasCountriesWith: {role: BENEFICIARY}}]}) { totalCount } }`},
		{name: "timestamps, filtered and ordered by", statements: 1, query: `{ programmes(first: 4,
			where: {updatedAtGT: "2000-01-01T00:00:00Z", createdAtLTE: "2999-12-31T23:59:59.5+02:00"},
			orderBy: [{field: UPDATED_AT, direction: DESC}, {field: CREATED_AT}]) {
			totalCount edges { cursor node { code createdAt updatedAt fundings { updatedAt } } } pageInfo { endCursor } } }`},
		{name: "agreements IOM signed with UN entities", statements: 1, query: `{ agreements(where: {and: [
			{hasPartiesWith: {hasOrganisationWith: {acronym: "IOM"}}},
			{hasPartiesWith: {hasOrganisationWith: {nameHasPrefix: "United Nations"}}}]}) {
			totalCount edges { node { title kind place parties { signatoryName signatoryTitle organisation { acronym } } } } } }`},
		{name: "one programme with everything linked", statements: 1, query: `query($code: String!) {
			programmes(where: {code: $code}) { edges { node {
				id code title description status theme startDate endDate coverage region
				budget { amount currency }
				parent { id code title } children { code title }
				participations { id role organisation { id acronym name kind iatiRef website headquarters { iso2 } parent { acronym } } }
				countries { role sharePercent country { iso2 iso3 name region } areas { id name country { iso2 } } }
				fundings { kind date note value { amount currency } funder { acronym } recipient { acronym } agreement { reference } programme { code } }
				agreements { id reference title kind status signedOn place summary
					parties { signatoryName signatoryTitle organisation { acronym } agreement { title } } } } } } }`,
			vars: map[string]any{"code": "QUESTS-MIDA"}},
		{name: "aliases, fragments, typenames and skipped fields", statements: 1, query: `
			fragment P on Programme { __typename c: code t: title @include(if: true) status @skip(if: true) }
			query { list: programmes(first: 3, orderBy: [{field: TITLE}]) {
				__typename totalCount
				edges { __typename cursor node { ...P ... on Programme { b: budget { __typename a: amount } } } }
				info: pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
				again: pageInfo { endCursor } } }`},
		{name: "edges only under another name", statements: 1, query: `{ programmes(first: 3) {
			totalCount list: edges { cursor node { code } } pageInfo { hasNextPage } } }`},
		{name: "page size and filter as variables, two orders", statements: 1,
			query: `query($n: Int, $w: ProgrammeWhereInput) { programmes(first: $n, where: $w,
				orderBy: [{field: STATUS, direction: DESC}, {field: START_DATE}]) {
				totalCount edges { cursor node { code status startDate } } pageInfo { hasNextPage endCursor } } }`,
			vars: map[string]any{"n": 4, "w": map[string]any{"titleContainsFold": "migration"}}},
		{name: "nothing matches", statements: 1, query: `{ programmes(where: {code: "NO-SUCH-CODE"}) {
			totalCount edges { node { code } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`},
		{name: "ids of links that are null", statements: 1, query: `{ programmes(first: 10, orderBy: [{field: CODE}]) {
			edges { node { code parent { id } fundings { id funder { id } recipient { id } agreement { id } } } } } }`},
		{name: "one page of nothing, with ids", statements: 1, query: `{ programmes(where: {code: "NO-SUCH-CODE"}, first: 1) {
			edges { node { id code participations { role organisation { id } } fundings { id funder { id } } } } } }`},
		{name: "the dashboard's programme page, for a code that is not there", statements: 1, query: `{ programmes(where: {code: "NO-SUCH-CODE"}, first: 1) {
			edges { node { id code title budget { amount currency } parent { code } children { code }
				participations { role organisation { id name } } countries { role sharePercent country { iso2 } areas { name } }
				fundings { id date kind transactionType value { amount currency } funder { id name } recipient { id } }
				sectors { code } results { indicator } sources { title url } qualityNotes { code } } } } }`},
		{name: "edges without a count", statements: 1, query: `{ programmes(first: 2, orderBy: [{field: CODE, direction: DESC}]) {
			edges { cursor node { code } } } }`},
		{name: "filter by an id that is no registry id steps aside", query: `query($id: ID!) { programmes(where: {hasParticipationsWith: [{hasOrganisationWith: [{idNEQ: $id}]}]}) {
			totalCount edges { node { code } } } }`, vars: map[string]any{"id": "T3JnYW5pc2F0aW9uOjA"}},
		{name: "history nested in the page", statements: 1, query: `{ programmes(first: 2) { totalCount edges { node { code history { totalCount } } } } }`},
		{name: "history nested two levels down, with aliases and a fragment", statements: 1, query: `
			fragment C on Change { op: operation recordType recordID before }
			{ programmes(first: 2) { edges { node { code participations { organisation {
				h: history(first: 1) { totalCount edges { cursor node { ...C } } pageInfo { hasNextPage endCursor } } } } } } } }`},
		{name: "an empty page (first: 0) counts, and says there is more", statements: 1, query: `{ programmes(first: 0) {
			totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { code } } } }`},
		{name: "an empty page backwards (last: 0) with pageInfo alone", statements: 1, query: `{ programmes(last: 0, where: {statusNEQ: CLOSED}) {
			pageInfo { hasNextPage hasPreviousPage } edges { node { code } } } }`},
		{name: "an empty page of nothing says there is nothing more", statements: 1, query: `{ programmes(first: 0, where: {codeHasPrefix: "no such code"}) {
			pageInfo { hasNextPage hasPreviousPage } totalCount edges { node { code } } } }`},
		{name: "an empty page without pageInfo or count", statements: 1, query: `{ organisations(first: 0) { edges { node { acronym } } } }`},
		{name: "history with no page counts", statements: 1, query: `{ programmes(first: 2) { edges { node { history(first: 0) { totalCount } } } } }`},
		{name: "history with no page, edges and pageInfo", statements: 1, query: `{ programmes(first: 3) { edges { node {
			history(first: 0) { totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } } }`},
		{name: "history with no page and pageInfo under another name", statements: 1, query: `query($n: Int) { programmes(first: 3) { edges { node {
			history(first: $n) { edges { cursor } info: pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } } }`,
			vars: map[string]any{"n": 0}},
		{name: "more fields in one object than one call builds", statements: 1, query: `{ programmes(first: 3, orderBy: [{field: CODE}]) {
			edges { node { ` + manyFields(90) + ` participations { ` + manyFields(55) + ` role } } } } }`},
		{name: "a backward page", statements: 1, query: `{ programmes(last: 2) { totalCount edges { node { code participations { role } } } } }`},
		{name: "first and last together step aside", query: `{ programmes(first: 2, last: 2) { totalCount edges { node { code } } } }`},
		{name: "page too large is refused", query: `{ programmes(first: 5000) { edges { node { code } } } }`},
		{name: "bad cursor is refused", query: `{ programmes(after: "bm90IGEgY3Vyc29y") { edges { node { code } } } }`},
	}
	eachRegistry(t, func(t *testing.T, fast *registry) {
		slow := resolversOnly(t, fast, server.Options{})
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				want := slow.query(t, tc.query, tc.vars)
				got, ran := fast.queryCounting(t, tc.query, tc.vars)
				if !bytes.Equal(canonicalResponse(t, got), canonicalResponse(t, want)) {
					t.Errorf("SQL JSON answer:\n%s\nresolvers' answer:\n%s", canonicalResponse(t, got), canonicalResponse(t, want))
				}
				if tc.statements > 0 && ran != tc.statements {
					t.Errorf("ran %d SQL statements, want %d (did the SQL JSON path step aside?)", ran, tc.statements)
				}
				if tc.statements == 0 && ran == 1 && len(want.Errors) == 0 {
					t.Errorf("ran 1 statement: the SQL JSON path answered a selection it should leave to the resolvers")
				}
			})
		}
		// A connection's fields under other names, asked several times:
		// the SQL JSON path answers in one statement what the resolvers
		// answer (TestConnectionsAnswerUnderAnyName checks that answer).
		t.Run("edges, node and totalCount under several names", func(t *testing.T) {
			q := `{ programmes(first: 3, orderBy: [{field: CODE, direction: DESC}]) { n: totalCount
				edges { cursor node { code } }
				e: edges { __typename node { title participations { role organisation { acronym } } } n: node { code } }
				pageInfo { endCursor } } }`
			got, ran := fast.queryCounting(t, q, nil)
			if ran != 1 || len(got.Errors) > 0 {
				t.Fatalf("ran %d statements, want 1; errors: %+v", ran, got.Errors)
			}
			if want := slow.query(t, q, nil); !bytes.Equal(canonicalResponse(t, got), canonicalResponse(t, want)) {
				t.Errorf("SQL JSON answer\n%s\nthe resolvers'\n%s", canonicalResponse(t, got), canonicalResponse(t, want))
			}
		})
		// The path keeps a query's compiled selection for the next request
		// with the same text: what @skip and @include read must still
		// count, and the values of arguments must not stick.
		t.Run("one query asked again with other variables", func(t *testing.T) {
			const q = `query($code: String, $full: Boolean!, $lean: Boolean = false) { programmes(where: {codeHasPrefix: $code}, first: 3) {
				edges { node { code title @include(if: $full) budget @skip(if: $lean) { amount }
					participations @include(if: $full) { role } } } } }`
			for _, vars := range []map[string]any{
				{"code": "MIDA", "full": true, "lean": true},
				{"code": "MIDA", "full": false, "lean": true},
				{"code": "QUESTS", "full": false},
				{"code": "QUESTS", "full": true, "lean": false},
				{"code": "MIDA", "full": true, "lean": true},
			} {
				want := slow.query(t, q, vars)
				before := fast.Store.Counter.Count()
				got := fast.query(t, q, vars)
				if len(got.Errors) > 0 {
					t.Fatalf("%v: %+v", vars, got.Errors)
				}
				if ran := fast.Store.Counter.Count() - before; ran != 1 {
					t.Errorf("%v: ran %d SQL statements, want 1", vars, ran)
				}
				if !bytes.Equal(canonicalResponse(t, got), canonicalResponse(t, want)) {
					t.Errorf("%v: SQL JSON answer:\n%s\nresolvers' answer:\n%s", vars, canonicalResponse(t, got), canonicalResponse(t, want))
				}
			}
		})
		t.Run("nodes asked again with ids of other types", func(t *testing.T) {
			var page struct {
				Programmes struct {
					Edges []struct{ Node struct{ ID string } }
				}
				Organisations struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
			fast.mustData(t, `{ programmes(first: 2) { edges { node { id } } } organisations(first: 2) { edges { node { id } } } }`, nil, &page)
			p, o := page.Programmes.Edges, page.Organisations.Edges
			if len(p) < 2 || len(o) < 2 {
				t.Fatalf("too few records: %d programmes, %d organisations", len(p), len(o))
			}
			const q = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Programme { code } ... on Organisation { acronym } } }`
			for _, ids := range [][]string{{p[0].Node.ID}, {o[0].Node.ID, p[1].Node.ID}, {p[1].Node.ID, o[1].Node.ID, p[0].Node.ID}} {
				vars := map[string]any{"ids": ids}
				want, got := slow.query(t, q, vars), fast.query(t, q, vars)
				if !bytes.Equal(canonicalResponse(t, got), canonicalResponse(t, want)) {
					t.Errorf("%v: SQL JSON answer:\n%s\nresolvers' answer:\n%s", ids, canonicalResponse(t, got), canonicalResponse(t, want))
				}
			}
		})
		t.Run("objects of many fields keep their order", func(t *testing.T) {
			// Through links to one record: lists of many come in the
			// store's order, which a byte-for-byte comparison cannot take.
			sameAsResolvers(t, fast, slow, []pathCase{{name: "fields in the order asked", holds: []string{`"f98":`, `"f50":`},
				query: `{ fundings(first: 2) { edges { node { ` + manyFields(60) +
					` funder { ` + manyFields(99) + ` } programme { ` + manyFields(51) + ` code } } } } }`}})
		})
		t.Run("nodes of more ids than a hundred", func(t *testing.T) { manyNodes(t, fast, slow) })
		t.Run("next page from a cursor", func(t *testing.T) {
			const page = `query($after: Cursor) { programmes(first: 2, after: $after, orderBy: [{field: START_DATE, direction: DESC}]) {
				totalCount edges { cursor node { code startDate } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`
			var first struct {
				Programmes struct {
					PageInfo struct{ EndCursor string }
				}
			}
			fast.mustData(t, page, nil, &first)
			vars := map[string]any{"after": first.Programmes.PageInfo.EndCursor}
			want, got := slow.query(t, page, vars), fast.query(t, page, vars)
			if !bytes.Equal(canonicalResponse(t, got), canonicalResponse(t, want)) {
				t.Errorf("SQL JSON answer:\n%s\nresolvers' answer:\n%s", canonicalResponse(t, got), canonicalResponse(t, want))
			}
			// The same cursor under another order is the client's mistake.
			const other = `query($after: Cursor) { programmes(first: 2, after: $after) { edges { node { code } } } }`
			want, got = slow.query(t, other, vars), fast.query(t, other, vars)
			if len(want.Errors) == 0 || !bytes.Equal(canonicalResponse(t, got), canonicalResponse(t, want)) {
				t.Errorf("cursor of another order: SQL JSON answer:\n%s\nresolvers' answer:\n%s", canonicalResponse(t, got), canonicalResponse(t, want))
			}
		})
	})
}

func canonicalResponse(t *testing.T, r response) []byte {
	t.Helper()
	raw, err := json.Marshal(map[string]any{"data": r.Data, "errors": r.Errors, "status": r.Status})
	if err != nil {
		t.Fatal(err)
	}
	return canonical(t, raw)
}

// TestSQLJSONRepeatsAnswerTheirOwnArguments: a query whose arguments are
// written in its text keeps its statement from one request to the next, and
// one that takes them from variables must not: the same text asked with
// other values answers for those values, as the resolvers do.
func TestSQLJSONRepeatsAnswerTheirOwnArguments(t *testing.T) {
	const byVariable = `query($code: String!, $n: Int) { programmes(first: $n, where: {code: $code}) {
		totalCount edges { node { code title } } } }`
	const literal = `{ programmes(first: 1, where: {titleContainsFold: "a"}, orderBy: [{field: CODE}]) {
		totalCount edges { node { code } } } }`
	eachRegistry(t, func(t *testing.T, fast *registry) {
		slow := resolversOnly(t, fast, server.Options{})
		asks := []struct {
			query string
			vars  map[string]any
		}{
			{byVariable, map[string]any{"code": "QUESTS-MIDA", "n": 1}},
			{byVariable, map[string]any{"code": "NO-SUCH-CODE", "n": 1}},
			{byVariable, map[string]any{"code": "QUESTS-MIDA"}},
			{literal, nil},
			{literal, nil},
		}
		seen := map[string]bool{}
		for i, a := range asks {
			want := canonicalResponse(t, slow.query(t, a.query, a.vars))
			got := canonicalResponse(t, fast.query(t, a.query, a.vars))
			if !bytes.Equal(got, want) {
				t.Errorf("ask %d (%v): SQL JSON answer\n%s\nresolvers' answer\n%s", i, a.vars, got, want)
			}
			seen[string(got)] = true
		}
		if len(seen) < 2 {
			t.Errorf("every ask had the same answer; the questions should differ:\n%v", seen)
		}
	})
}

// manyFields selects n fields: the code, title and id of a record under
// names of their own (f0, f1, ...), with __typename among them.
func manyFields(n int) string {
	var b strings.Builder
	names := []string{"id", "__typename", "createdAt"}
	for i := range n {
		fmt.Fprintf(&b, "f%d: %s ", i, names[i%len(names)])
	}
	return b.String()
}

// manyNodes asks nodes(ids:) for more ids than a hundred, of two types
// interleaved, some twice: the path answers in one statement, in the order
// of the ids; an id of no record goes to the resolvers, which say so.
func manyNodes(t *testing.T, fast, slow *registry) {
	var page struct {
		Programmes, Organisations struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	fast.mustData(t, `{ programmes(first: 100) { edges { node { id } } } organisations(first: 100) { edges { node { id } } } }`, nil, &page)
	var ids []string
	for i := 0; len(ids) < 150; i++ {
		p, o := page.Programmes.Edges, page.Organisations.Edges
		ids = append(ids, o[i%len(o)].Node.ID, p[(len(p)-1-i%len(p))].Node.ID)
	}
	const q = `query($ids: [ID!]!) { nodes(ids: $ids) { id __typename ... on Programme { code } ... on Organisation { acronym } } }`
	vars := map[string]any{"ids": ids}
	want := slow.query(t, q, vars)
	got, ran := fast.queryCounting(t, q, vars)
	if len(want.Errors) > 0 || !bytes.Equal(got.Data, want.Data) {
		t.Errorf("SQL JSON answer:\n%s\nresolvers' answer:\n%s %+v", got.Data, want.Data, want.Errors)
	}
	if ran != 1 {
		t.Errorf("ran %d SQL statements, want 1", ran)
	}
	first, err := gid.Decode(ids[1])
	if err != nil {
		t.Fatal(err)
	}
	vars = map[string]any{"ids": append(ids, gid.Encode(first+1<<20))} // a programme's id, of no programme
	want, got = slow.query(t, q, vars), fast.query(t, q, vars)
	if len(want.Errors) == 0 || !bytes.Equal(canonicalResponse(t, got), canonicalResponse(t, want)) {
		t.Errorf("an id of no record: SQL JSON answer:\n%s\nresolvers' answer:\n%s", canonicalResponse(t, got), canonicalResponse(t, want))
	}
}
