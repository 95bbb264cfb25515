package server_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/graph"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/gid"
	"github.com/aidregistry/registry/internal/money"
	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/sqljson"
)

// rootCase is one root connection as the equality test asks it: the
// fields of its nodes, two order fields and a filter.
type rootCase struct {
	field, node, orderBy, where string
}

// rootCases name every field of every root connection's nodes that the
// SQL JSON path reads from the tables, with links one level down.
var rootCases = []rootCase{
	{field: "organisations", orderBy: `[{field: KIND, direction: DESC}, {field: NAME}]`, where: `{nameContainsFold: "nation"}`,
		node: `id createdAt updatedAt name acronym kind iatiRef website headquarters { iso2 name } parent { acronym } children { acronym }
			presences { openedIn country { iso2 } } contacts { name email }
			participations { role programme { code } } fundingsGiven { date value { amount currency } }
			fundingsReceived { date } agreementParties { signatoryName agreement { title } }
			eventsOrganised { title } eventsAttended { title } sources { title fileName } aliases { name ref publisher source organisation { acronym } }
			history(first: 2) { totalCount edges { cursor node { operation recordID after } } pageInfo { hasNextPage endCursor } }`},
	{field: "agreements", orderBy: `[{field: STATUS}, {field: TITLE, direction: DESC}]`, where: `{hasPartiesWith: [{hasOrganisationWith: [{acronym: "IOM"}]}]}`,
		node: `id reference title kind status signedOn place summary
			parties { id signatoryName signatoryTitle organisation { acronym } }
			programmes { code } fundings { date funder { acronym } } sources { title }`},
	{field: "programmes", orderBy: `[{field: STATUS, direction: DESC}, {field: START_DATE}]`, where: `{or: [{statusIsNil: true}, {codeHasPrefix: "MIDA"}]}`,
		node: `id language code title description status theme startDate endDate coverage region budget { amount currency }
			parent { code } children { code } participations { role organisation { acronym } }
			countries { role sharePercent country { iso2 } areas { name } } fundings { kind value { amount currency } }
			results { indicator unit target achieved } contacts { name } agreements { title } events { title }
			sectors { vocabulary code name percentage } locations { ref name reach exactness locationClass featureDesignation }
			policyMarkers { code significance } humanitarianScopes { type code } sources { title url publisher publishedOn }
			history { totalCount edges { node { id at operation before } } }
			participations { organisation { history(first: 1) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`},
	{field: "fundings", orderBy: `[{field: KIND}, {field: DATE, direction: DESC}]`, where: `{hasFunderWith: [{acronymNotNil: true}]}`,
		node: `id kind transactionType date note value { amount currency } programme { code } funder { acronym }
			recipient { acronym } agreement { reference } sectors { code percentage } sources { title }`},
	{field: "countries", orderBy: `[{field: CREATED_AT}, {field: NAME, direction: DESC}]`, where: `{regionIn: ["Africa", "Europe"]}`,
		node: `id iso2 iso3 name region areas { name country { iso2 } } headquartered { acronym }
			programmeCountries { role programme { code } } presences { openedIn } sources { title }`},
	{field: "events", orderBy: `[{field: UPDATED_AT, direction: DESC}, {field: STARTS_ON}]`, where: `{titleContainsFold: "diaspora"}`,
		node: `id createdAt updatedAt title startsOn endsOn place summary organisers { acronym } participants { acronym }
			programme { code } sources { title }`},
	{field: "exchangeRates", orderBy: `[{field: CURRENCY}, {field: DATE, direction: DESC}]`, where: `{currency: "EUR"}`,
		node: `id currency toCurrency rate date source`},
}

// TestSQLJSONAnswersEveryRootConnection asks every root connection of both
// paths, over one store, the same questions, and requires the same answers
// in one SQL statement each: a default page, a filtered one, pages forwards
// and backwards under two orders with cursors taken from the resolvers, and
// a count alone. A root connection added to the schema fails here until it
// has a case.
func TestSQLJSONAnswersEveryRootConnection(t *testing.T) {
	requireEveryRoot(t)
	eachRegistry(t, func(t *testing.T, fast *registry) {
		// One merged organisation, which organisations must leave out.
		if _, err := fast.Store.Client.ExecContext(t.Context(), `UPDATE organisations SET merged_into_id =
			(SELECT min(id) FROM organisations) WHERE id = (SELECT max(id) FROM organisations)`); err != nil {
			t.Fatal(err)
		}
		// Names of their own for two organisations, in an order other than
		// their ids'.
		ctx := auth.AsSystem(t.Context())
		orgs := fast.Store.Client.Organisation.Query().Order(ent.Asc("id")).Limit(2).AllX(ctx)
		for _, name := range []string{"Zeta", "Alpha"} {
			for _, o := range orgs {
				fast.Store.Client.OrganisationAlias.Create().SetOrganisationID(o.ID).SetName(name + " " + o.Name).SetSource("test").ExecX(ctx)
			}
		}
		slow := resolversOnly(t, fast, server.Options{})
		for _, rc := range rootCases {
			t.Run(rc.field, func(t *testing.T) { askRoot(t, fast, slow, rc) })
		}
		t.Run("node and nodes", func(t *testing.T) { askNodes(t, fast, slow) })
		t.Run("search", func(t *testing.T) { askSearch(t, fast, slow) })
	})
}

// nodeFields asks for records of several types through the Node interface,
// with fragments on the interface and on each type.
const nodeFields = `__typename ... on Node { id }
	... on Programme { code budget { amount currency } countries { country { iso2 } } }
	... on Organisation { acronym headquarters { iso2 } history(first: 1) { totalCount edges { cursor node { recordType } } } }
	...C`

const countryFragment = `fragment C on Country { iso2 areas { name } }`

func askNodes(t *testing.T, fast, slow *registry) {
	var ids struct {
		Programmes, Organisations, Countries struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	slow.mustData(t, `{ programmes(first: 2) { edges { node { id } } } organisations(last: 2) { edges { node { id } } }
		countries(first: 1, orderBy: [{field: ISO2}]) { edges { node { id } } } }`, nil, &ids)
	var all []any
	for _, c := range []struct {
		Edges []struct{ Node struct{ ID string } }
	}{ids.Programmes, ids.Organisations, ids.Countries} {
		for _, e := range c.Edges {
			all = append(all, e.Node.ID)
		}
	}
	one := `query($id: ID!) { node(id: $id) { ` + nodeFields + ` } } ` + countryFragment
	for _, id := range all {
		same(t, fast, slow, fmt.Sprintf("node(%v)", id), one, map[string]any{"id": id})
	}
	same(t, fast, slow, "nodes of three types", `query($ids: [ID!]!) { nodes(ids: $ids) { `+nodeFields+` } } `+countryFragment,
		map[string]any{"ids": all})
	same(t, fast, slow, "programmes filtered by ids", `query($ids: [ID!], $org: ID) {
		programmes(where: {idIn: $ids, hasParticipationsWith: {hasOrganisationWith: {idNEQ: $org}}}) {
		totalCount edges { node { id code } } } }`, map[string]any{"ids": all, "org": all[2]})
	// The merged organisation answers with the one it went into, and a
	// missing id with NOT_FOUND: the resolvers do both.
	merged := mergedOrganisation(t, fast)
	programme, err := gid.Decode(all[0].(string))
	if err != nil {
		t.Fatal(err)
	}
	nobody := gid.Encode(programme + 1_000_000)
	many := `query($id: ID!) { nodes(ids: [$id]) { ` + nodeFields + ` } } ` + countryFragment
	for _, c := range []struct{ what, query, id string }{
		{"node of a merged organisation", one, gid.Encode(merged)},
		{"node of no record", one, nobody},
		{"nodes with one missing", many, nobody},
	} {
		what, vars := c.what, map[string]any{"id": c.id}
		want, got := slow.query(t, c.query, vars), fast.query(t, c.query, vars)
		if !bytes.Equal(canonicalResponse(t, got), canonicalResponse(t, want)) {
			t.Errorf("%s: SQL JSON answer:\n%s\nresolvers' answer:\n%s", what, canonicalResponse(t, got), canonicalResponse(t, want))
		}
	}
}

func askRoot(t *testing.T, fast, slow *registry, rc rootCase) {
	conn := `totalCount edges { cursor node { ` + rc.node + ` } }
		pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`
	same(t, fast, slow, "a default page", `{ `+rc.field+` { `+conn+` } }`, nil)
	same(t, fast, slow, "a filtered page", `{ `+rc.field+`(where: `+rc.where+`) { `+conn+` } }`, nil)
	same(t, fast, slow, "a count alone", `{ `+rc.field+`(first: 3) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } } }`, nil)
	same(t, fast, slow, "the last page", `{ `+rc.field+`(last: 3, orderBy: `+rc.orderBy+`) { `+conn+` } }`, nil)
	page := fmt.Sprintf(`query($first: Int, $after: Cursor, $last: Int, $before: Cursor) {
		%s(first: $first, after: $after, last: $last, before: $before, orderBy: %s) { %s } }`, rc.field, rc.orderBy, conn)
	var first map[string]struct {
		PageInfo struct{ EndCursor *string }
	}
	slow.mustData(t, page, map[string]any{"first": 2}, &first)
	end := first[rc.field].PageInfo.EndCursor
	if end == nil {
		return // nothing to page through
	}
	same(t, fast, slow, "the next page", page, map[string]any{"first": 2, "after": *end})
	var second map[string]struct {
		PageInfo struct{ StartCursor *string }
	}
	slow.mustData(t, page, map[string]any{"first": 2, "after": *end}, &second)
	if start := second[rc.field].PageInfo.StartCursor; start != nil {
		same(t, fast, slow, "back a page", page, map[string]any{"last": 2, "before": *start})
	}
}

// same asks both paths and compares; the SQL JSON path must have answered
// in one statement.
func same(t *testing.T, fast, slow *registry, what, query string, vars map[string]any) {
	t.Helper()
	want := slow.query(t, query, vars)
	got, ran := fast.queryCounting(t, query, vars)
	if len(want.Errors) > 0 {
		t.Errorf("%s: the resolvers refused it: %+v", what, want.Errors)
	}
	if !bytes.Equal(canonicalResponse(t, got), canonicalResponse(t, want)) {
		t.Errorf("%s: SQL JSON answer:\n%s\nresolvers' answer:\n%s", what, canonicalResponse(t, got), canonicalResponse(t, want))
	}
	if ran != 1 {
		t.Errorf("%s: ran %d SQL statements, want 1 (did the SQL JSON path step aside?)", what, ran)
	}
}

// mergedOrganisation is the id of the organisation merged at the start.
func mergedOrganisation(t *testing.T, r *registry) int {
	rows, err := r.Store.Client.QueryContext(t.Context(), `SELECT max(id) FROM organisations`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var id int
	if !rows.Next() || rows.Scan(&id) != nil {
		t.Fatalf("no organisation: %v", rows.Err())
	}
	return id
}

// requireEveryRoot fails for a root connection of the schema without a case.
func requireEveryRoot(t *testing.T) {
	have := map[string]bool{}
	for _, rc := range rootCases {
		have[rc.field] = true
	}
	for _, f := range graph.NewSchema(nil).Schema().Query.Fields {
		if strings.HasSuffix(f.Type.Name(), "Connection") && f.Arguments.ForName("orderBy") != nil && !have[f.Name] {
			t.Errorf("root connection %s has no case in rootCases", f.Name)
		}
	}
}

// TestSQLJSONAnswersEveryMappedField asks, for every object type of the
// generated map, every field the map reads (links by id) of up to three
// records through nodes(ids:), of both paths, on both stores: a wrong
// column, link or type in the map fails here.
func TestSQLJSONAnswersEveryMappedField(t *testing.T) {
	eachRegistry(t, func(t *testing.T, fast *registry) {
		addRecordsTheDemoLacks(t, fast.Store.Client)
		slow := resolversOnly(t, fast, server.Options{})
		for typ, table := range sqljson.Tables() {
			ids := someIDs(t, fast, table)
			if len(ids) == 0 {
				continue // no record of this type in the demo data
			}
			t.Run(typ, func(t *testing.T) {
				same(t, fast, slow, typ, `query($ids: [ID!]!) { nodes(ids: $ids) { ... on `+typ+` { `+
					sqljson.Selection(typ)+` } } }`, map[string]any{"ids": ids})
			})
		}
	})
}

// someIDs are the opaque ids of up to three records of a table.
func someIDs(t *testing.T, r *registry, table string) []any {
	rows, err := r.Store.Client.QueryContext(t.Context(), `SELECT id FROM `+table+` ORDER BY id LIMIT 3`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []any
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, gid.Encode(id))
	}
	return ids
}

// addRecordsTheDemoLacks writes one record of each type only IATI imports,
// rate tables and merges write, beside the demo's.
func addRecordsTheDemoLacks(t *testing.T, c *ent.Client) {
	ctx := auth.AsSystem(t.Context())
	p := c.Programme.Query().FirstX(ctx)
	f := c.Funding.Query().FirstX(ctx)
	o := c.Organisation.Query().FirstX(ctx)
	c.Sector.Create().SetVocabulary("1").SetCode("12110").SetName("Health policy").
		SetPercentage(money.MustParse("50.5")).SetProgrammeID(p.ID).ExecX(ctx)
	c.Sector.Create().SetVocabulary("2").SetCode("121").SetFundingID(f.ID).ExecX(ctx)
	c.Location.Create().SetProgrammeID(p.ID).SetRef("L-1").SetName("Hargeisa").ExecX(ctx)
	c.PolicyMarker.Create().SetProgrammeID(p.ID).SetVocabulary("1").SetCode("1").ExecX(ctx)
	c.HumanitarianScope.Create().SetProgrammeID(p.ID).SetType("1").SetVocabulary("1-2").SetCode("EQ-2015").ExecX(ctx)
	c.ExchangeRate.Create().SetCurrency("EUR").SetToCurrency("USD").SetRate(money.MustParse("1.0850")).
		SetDate("2024").SetSource("test table").ExecX(ctx)
	c.OrganisationAlias.Create().SetOrganisationID(o.ID).SetName("Another name").SetSource("test file").ExecX(ctx)
}

// hitFields asks for every type of search hit, with fragments on the
// union's members and on the Node interface, and links below them.
const hitFields = `__typename ... on Node { id }
	... on Organisation { name acronym headquarters { iso2 } participations { role programme { code } } }
	... on Programme { code title budget { amount currency } countries { country { iso2 } } }
	... on Agreement { title parties { organisation { acronym } } }
	... on Event { title startsOn organisers { acronym } }`

// askSearch asks search of both paths, each answer in one statement on the
// SQL JSON path: ranks, scores, snippets, pages and counts as the resolvers
// give them, for queries over every type and some, pages after a cursor,
// odd selections and history under hits; and what the path leaves to the
// resolvers (a client's mistake) answered as they answer it.
func askSearch(t *testing.T, fast, slow *registry) {
	const q = `query($q: String!, $types: [SearchType!], $first: Int, $after: Cursor) {
		search(query: $q, types: $types, first: $first, after: $after) {
			totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
			edges { cursor score snippet node { ` + hitFields + ` } } } }`
	for _, vars := range []map[string]any{
		{"q": "diaspora"},
		{"q": "QUESTS"},
		{"q": "Universite Libre", "first": 1},
		{"q": "diaspora IT Rwanda", "types": []any{"EVENT", "PROGRAMME"}, "first": 3},
		{"q": "migration", "types": "ORGANISATION"},
		{"q": "xylophone"},
		{"q": "diaspora", "first": 0},
		{"q": "a e i o u development migration", "first": 100},
	} {
		same(t, fast, slow, fmt.Sprintf("search %v", vars), q, vars)
	}
	// Page through a search with the resolvers' cursors.
	var after any
	for range 4 {
		vars := map[string]any{"q": "diaspora migration", "first": 2, "after": after}
		same(t, fast, slow, fmt.Sprintf("search page after %v", after), q, vars)
		var page struct {
			Search struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				}
			}
		}
		slow.mustData(t, q, vars, &page)
		if !page.Search.PageInfo.HasNextPage {
			break
		}
		after = *page.Search.PageInfo.EndCursor
	}
	if after == nil {
		t.Error("the search the test pages through has one page only")
	}
	same(t, fast, slow, "aliases, fragments, typenames, edges and node twice", `
		fragment E on SearchEdge { __typename c: cursor s: score }
		{ found: search(query: "diaspora peacebuilding", first: 4) { __typename n: totalCount
			edges { ...E snippet node { ... on SearchHit { __typename } ... on Programme { id } } }
			again: edges { cursor n: node { ... on Event { t: title place } ... on Agreement { kind } } }
			info: pageInfo { __typename endCursor } pageInfo { hasNextPage } } }`, nil)
	same(t, fast, slow, "arguments written in the query, one type for a list", `{ search(query: "migration diaspora", types: ORGANISATION, first: 3) {
		totalCount edges { cursor score snippet node { `+hitFields+` } } pageInfo { hasNextPage endCursor } } }`, nil)
	const hitHistory = `query($n: Int) { search(query: "diaspora migration", first: 6) { totalCount edges { cursor node {
		... on Programme { code history(first: $n) { totalCount edges { cursor node { operation recordID } } pageInfo { hasNextPage endCursor } } }
		... on Organisation { acronym h: history { n: totalCount e: edges { node { id } } } participations { programme { history(first: 1) { totalCount } } } } } } } }`
	same(t, fast, slow, "history under hits", hitHistory, map[string]any{"n": 1})
	if ans := slow.query(t, hitHistory, map[string]any{"n": 1}); !strings.Contains(string(ans.Data), `"operation"`) {
		t.Errorf("no hit has any history: the case compares nothing there: %s", ans.Data)
	}
	same(t, fast, slow, "history under hits, no page", `{ search(query: "diaspora migration", first: 6) { edges { node {
		... on Programme { history(first: 0) { totalCount pageInfo { hasNextPage } } } } } } }`, nil)
	same(t, fast, slow, "no node", `{ search(query: "diaspora") { totalCount edges { cursor score snippet } } }`, nil)
	for _, c := range []struct{ what, query string }{
		{"an empty query", `{ search(query: "  ") { totalCount } }`},
		{"a page too large", `{ search(query: "diaspora", first: 500) { totalCount } }`},
		{"a cursor of another connection", `{ search(query: "diaspora", after: "gaFpAA") { totalCount } }`},
		{"a page below zero under a hit", `{ search(query: "diaspora", first: 2) { edges { node { ... on Programme { history(first: -1) { totalCount } } } } } }`},
	} {
		want := slow.query(t, c.query, nil)
		got, ran := fast.queryCounting(t, c.query, nil)
		if ran == 1 && len(want.Errors) == 0 {
			t.Errorf("%s: ran 1 statement: the SQL JSON path answered what it should leave to the resolvers", c.what)
		}
		if !bytes.Equal(canonicalResponse(t, got), canonicalResponse(t, want)) {
			t.Errorf("%s: answer:\n%s\nresolvers' answer:\n%s", c.what, canonicalResponse(t, got), canonicalResponse(t, want))
		}
	}
}
