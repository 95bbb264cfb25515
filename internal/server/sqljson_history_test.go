package server_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/change"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/server"
)

// changeFields is every field of a Change.
const changeFields = `id at operation recordType recordID before after keyID organisationID`

// historyConn asks everything of a history or changes connection.
const historyConn = `totalCount edges { cursor node { ` + changeFields + ` } }
	pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`

// TestSQLJSONAnswersHistoryAndChanges asks both paths, over one store, for
// records' history nested at several depths and for the changes root
// connection, and requires the same answers, from one SQL statement each
// on the SQL JSON path (the resolvers need one per history and a count
// beside each page, so one statement is the path's answer). Selections the
// path leaves to the resolvers must still be answered as they are.
func TestSQLJSONAnswersHistoryAndChanges(t *testing.T) {
	eachRegistry(t, func(t *testing.T, fast *registry) {
		updateSomeRecords(t, fast.Store.Client)
		slow := resolversOnly(t, fast, server.Options{})
		for _, c := range []struct{ what, query string }{
			{"history of each record of a page", `{ programmes(first: 4, orderBy: [{field: CODE}]) {
				edges { node { code history { ` + historyConn + ` } } } } }`},
			{"history two levels down, paged, with aliases and fragments", `
				fragment H on ChangeConnection { __typename totalCount edges { __typename c: cursor n: node { ... on Change { op: operation recordID } } } }
				{ organisations(first: 3) { edges { node { acronym
					participations { programme { code h: history(first: 1) { ...H info: pageInfo { hasNextPage endCursor } pageInfo { hasPreviousPage startCursor } } } }
					history(first: 2) { totalCount edges { node { operation after } } } } } } }`},
			{"history without edges", `{ programmes(first: 3) { edges { node {
				history { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } } }`},
			{"history of records that have none", `{ countries(first: 2) { edges { node { iso2 history { ` + historyConn + ` } } } } }`},
			{"changes, a default page", `{ changes { ` + historyConn + ` } }`},
			{"changes since a time, filtered", `{ changes(since: "2000-01-01T00:00:00Z", first: 5, where: {operation: UPDATE, recordTypeIn: ["Programme", "Organisation"]}) { ` + historyConn + ` } }`},
			{"changes since the future", `{ changes(since: "2999-01-01T00:00:00Z") { ` + historyConn + ` } }`},
			{"changes with aliases and fragments", `fragment C on Change { op: operation recordID ... on Node { id } }
				{ all: changes(first: 2, where: {recordTypeNEQ: "Test"}) { __typename edges { __typename c: cursor node { ...C } } totalCount } }`},
			{"changes, a count alone", `{ changes(first: 3) { totalCount pageInfo { hasNextPage hasPreviousPage } } }`},
			{"history with no page", `{ programmes(first: 4, orderBy: [{field: CODE}]) { edges { node { code history(first: 0) { ` + historyConn + ` } } } } }`},
			{"history with no page, a count alone", `{ programmes(first: 2) { edges { node { history(first: 0) { totalCount edges { cursor } } } } } }`},
			{"history's fields under other names", `{ programmes(first: 4, orderBy: [{field: CODE}]) { edges { node { code history(first: 2) {
				n: totalCount e: edges { c: cursor n: node { op: operation } } info: pageInfo { more: hasNextPage endCursor } } } } } }`},
			{"history's edges twice and a count under another name", `{ programmes(first: 3, orderBy: [{field: CODE}]) { edges { node {
				history { n: totalCount edges { cursor } e: edges { node { id } } } } } } }`},
			{"history's pageInfo under another name without edges", `{ programmes(first: 3, orderBy: [{field: CODE}]) { edges { node {
				history(first: 1) { info: pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } } }`},
			{"history's edges under another name with no page", `{ programmes(first: 3, orderBy: [{field: CODE}]) { edges { node {
				history(first: 0) { e: edges { cursor } pageInfo { hasNextPage startCursor } } } } } }`},
		} {
			same(t, fast, slow, c.what, c.query, nil)
		}
		t.Run("history through node and nodes", func(t *testing.T) {
			var page struct {
				Programmes struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
			fast.mustData(t, `{ programmes(first: 2, orderBy: [{field: CODE}]) { edges { node { id } } } }`, nil, &page)
			ids := []any{page.Programmes.Edges[0].Node.ID, page.Programmes.Edges[1].Node.ID}
			same(t, fast, slow, "node", `query($id: ID!) { node(id: $id) { ... on Programme { code history(first: 2) { `+historyConn+` } } } }`,
				map[string]any{"id": ids[0]})
			same(t, fast, slow, "nodes", `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Programme { history(first: 1) { `+historyConn+` } } } }`,
				map[string]any{"ids": ids})
		})
		// A connection whose own arguments are all written in the query
		// keeps its statement: the history's, from variables, must not stick.
		t.Run("history's variables under a root of written arguments", func(t *testing.T) {
			const q = `query($n: Int) { programmes(first: 3, orderBy: [{field: CODE}]) { edges { node { code
				history(first: $n) { totalCount edges { cursor } pageInfo { hasNextPage } } } } } }`
			for _, n := range []any{1, 2, nil, 1} {
				same(t, fast, slow, "history(first: $n)", q, map[string]any{"n": n})
			}
		})
		t.Run("history paged with after", func(t *testing.T) { pageHistory(t, fast, slow) })
		t.Run("changes paged with after", func(t *testing.T) { pageChanges(t, fast, slow) })
		t.Run("changes filtered by ids and times", func(t *testing.T) { filterChanges(t, fast, slow) })
		t.Run("maps written byte for byte as gqlgen writes them", func(t *testing.T) {
			const q = `{ programmes(where: {code: "MIDA"}) { edges { node { history { edges { node { recordType before after } } } } } } }`
			want, got := slow.query(t, q, nil), fast.query(t, q, nil)
			if len(want.Errors) > 0 || !bytes.Contains(want.Data, []byte(`\u003c`)) || !bytes.Contains(want.Data, []byte(`1.5e+21`)) {
				t.Fatalf("the resolvers' answer lacks the test's changes: %s %+v", want.Data, want.Errors)
			}
			if !bytes.Equal(got.Data, want.Data) {
				t.Errorf("SQL JSON answer:\n%s\nresolvers' answer:\n%s", got.Data, want.Data)
			}
		})
		t.Run("what the path leaves to the resolvers", func(t *testing.T) {
			for _, c := range []struct{ what, query string }{
				{"a page too large", `{ programmes(first: 2) { edges { node { history(first: 5000) { totalCount } } } } }`},
				{"a bad cursor", `{ programmes(first: 2) { edges { node { history(after: "bm90IGEgY3Vyc29y") { totalCount } } } } }`},
				{"a page below zero", `{ programmes(first: 2) { edges { node { history(first: -1) { totalCount } } } } }`},
				{"a time that is no time", `{ changes(since: "yesterday") { totalCount } }`},
			} {
				want := slow.query(t, c.query, nil)
				before := fast.Store.Counter.Count()
				got := fast.query(t, c.query, nil)
				if fast.Store.Counter.Count()-before == 1 && len(want.Errors) == 0 {
					t.Errorf("%s: ran 1 statement: the SQL JSON path answered what it should leave to the resolvers", c.what)
				}
				if !bytes.Equal(canonicalResponse(t, got), canonicalResponse(t, want)) {
					t.Errorf("%s: answer:\n%s\nresolvers' answer:\n%s", c.what, canonicalResponse(t, got), canonicalResponse(t, want))
				}
			}
		})
	})
}

// pageHistory walks a programme's history one change at a time with the
// cursors the resolvers give, asking both paths each page.
func pageHistory(t *testing.T, fast, slow *registry) {
	const q = `query($after: Cursor, $code: String) { programmes(where: {code: $code}) { edges { node {
		history(first: 1, after: $after) { ` + historyConn + ` } } } } }`
	// entgql counts an empty page without its cursor, and says there is
	// nothing before it.
	const empty = `query($after: Cursor, $code: String) { programmes(where: {code: $code}) { edges { node {
		history(first: 0, after: $after) { ` + historyConn + ` } } } } }`
	var after any
	for i := 0; ; i++ {
		vars := map[string]any{"after": after, "code": "MIDA"}
		same(t, fast, slow, "history page", q, vars)
		same(t, fast, slow, "no page after the cursor", empty, vars)
		var page struct {
			Programmes struct {
				Edges []struct {
					Node struct {
						History struct {
							PageInfo struct {
								HasNextPage bool
								EndCursor   *string
							}
						}
					}
				}
			}
		}
		slow.mustData(t, q, vars, &page)
		if len(page.Programmes.Edges) != 1 {
			t.Fatalf("no programme MIDA")
		}
		info := page.Programmes.Edges[0].Node.History.PageInfo
		if !info.HasNextPage {
			if i < 2 {
				t.Errorf("MIDA's history has %d changes; the test needs more", i+1)
			}
			return
		}
		after = *info.EndCursor
	}
}

// pageChanges walks the changes three at a time, from a cursor the
// resolvers give, and with one from the middle of the filtered ones.
func pageChanges(t *testing.T, fast, slow *registry) {
	const q = `query($after: Cursor, $since: Time, $w: ChangeWhereInput) { changes(first: 3, after: $after, since: $since, where: $w) { ` + historyConn + ` } }`
	var page struct {
		Changes struct {
			PageInfo struct{ EndCursor *string }
		}
	}
	slow.mustData(t, q, nil, &page)
	if page.Changes.PageInfo.EndCursor == nil {
		t.Fatal("no changes")
	}
	cursor := *page.Changes.PageInfo.EndCursor
	for _, vars := range []map[string]any{
		{"after": cursor},
		{"after": cursor, "since": "2001-02-03T04:05:06.5+01:00"},
		{"after": cursor, "w": map[string]any{"operationIn": []any{"UPDATE", "DELETE"}}},
		{"w": map[string]any{"not": map[string]any{"recordType": "Programme"}}},
	} {
		same(t, fast, slow, "changes page", q, vars)
	}
}

// filterChanges asks for the changes under conditions on their ID and Time
// fields (their own id, the record's, the organisation's, when they were
// made), written in the query and given as variables, each alone and
// together, with ids and times taken from the resolvers' answers.
func filterChanges(t *testing.T, fast, slow *registry) {
	var all struct {
		Changes struct {
			Edges []struct {
				Node struct {
					ID, At, RecordID string
					OrganisationID   *string
				}
			}
		}
	}
	slow.mustData(t, `{ changes(first: 100) { edges { node { id at recordID organisationID } } } }`, nil, &all)
	edges := all.Changes.Edges
	if len(edges) < 3 {
		t.Fatalf("%d changes; the test needs three", len(edges))
	}
	mid := edges[len(edges)/2].Node
	var org string
	for _, e := range edges {
		if e.Node.OrganisationID != nil {
			org = *e.Node.OrganisationID
		}
	}
	if org == "" {
		t.Fatal("no change names an organisation")
	}
	const byVariable = `query($w: ChangeWhereInput) { changes(first: 5, where: $w) { ` + historyConn + ` } }`
	for _, w := range []map[string]any{
		{"id": mid.ID},
		{"idGT": mid.ID},
		{"idIn": []any{edges[0].Node.ID, mid.ID}, "idNEQ": edges[0].Node.ID},
		{"recordID": mid.RecordID},
		{"recordIDIn": []any{mid.RecordID, edges[0].Node.RecordID}},
		{"organisationID": org},
		{"organisationIDNotIn": []any{org}, "organisationIDNotNil": true},
		{"at": mid.At},
		{"atGTE": mid.At},
		{"atLT": "2999-01-01T00:00:00Z", "atGT": "2000-01-01T00:00:00.5+02:00"},
		{"atIn": []any{mid.At, "2000-01-01T00:00:00Z"}},
		{"or": []any{map[string]any{"recordID": mid.RecordID}, map[string]any{"atLTE": mid.At}}},
	} {
		same(t, fast, slow, fmt.Sprintf("changes where %v", w), byVariable, map[string]any{"w": w})
	}
	written := fmt.Sprintf(`{ changes(first: 5, where: {recordID: %q, atGTE: %q, idNEQ: %q}) { %s } }`,
		mid.RecordID, "2000-01-01T00:00:00Z", edges[0].Node.ID, historyConn)
	same(t, fast, slow, "changes where written in the query", written, nil)
}

// updateSomeRecords gives a programme and an organisation updates in their
// history, deletes a record, and records a change whose maps hold what
// gqlgen's Map writes in a way of its own: keys of several lengths in and
// out of byte order, nested objects and lists, characters it escapes,
// numbers it writes with an exponent.
func updateSomeRecords(t *testing.T, c *ent.Client) {
	ctx := auth.AsSystem(t.Context())
	p := c.Programme.Query().Where(programme.Code("MIDA")).OnlyX(ctx)
	for _, title := range []string{"MIDA, renamed", "MIDA, renamed again <&>"} {
		c.Programme.UpdateOne(p).SetTitle(title).ExecX(ctx)
	}
	o := c.Organisation.Query().FirstX(ctx)
	c.Organisation.UpdateOne(o).SetWebsite("https://example.org/?a=1&b=2").ExecX(ctx)
	r := c.Result.Query().FirstX(ctx)
	c.Result.DeleteOne(r).ExecX(ctx)
	odd := map[string]any{
		"zz": 1, "a": map[string]any{"bb": []any{1, 2.5, map[string]any{"y": nil, "x": true}}, "c": "<&> \"q\" \u2028 \t"},
		"é": 1e-7, "e": 1.5e21, "f": -2.5e-8, "g": 12.5, "h": 0, "emptyObject": map[string]any{}, "emptyList": []any{},
	}
	c.Change.Create().SetOperation(change.OperationUPDATE).SetRecordType("Test").SetRecordID(p.ID).
		SetBefore(odd).SetAfter(map[string]any{}).SetKeyID(7).SetOrganisationID(o.ID).ExecX(ctx)
}
