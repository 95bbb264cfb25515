package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/internal/auth"
)

// TestStreamedAnswersAreTheBytesEncodingJSONWrites asks the same queries
// over the JSON transport, which writes the SQL JSON path's root fields
// straight into the response, and over the multipart transport, which
// leaves the whole response to gqlgen and json.Marshal as the JSON
// transport did before, and requires the same bytes: text that
// encoding/json escapes (<, >, &, U+2028), PostgreSQL's spaces, errors
// beside data, fields the path leaves to the resolvers.
func TestStreamedAnswersAreTheBytesEncodingJSONWrites(t *testing.T) {
	const escaped = "Water <b>&</b> sanitation\u2028 \"quoted\"\u2029 > all"
	eachRegistry(t, func(t *testing.T, r *registry) {
		ctx := auth.AsSystem(context.Background())
		c := r.Store.Client
		if err := c.Programme.Create().SetCode("ESC-1").SetTitle(escaped).SetStatus(programme.StatusIMPLEMENTATION).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := c.Organisation.Create().SetName("AAA R&D <" + escaped + ">").SetAcronym("AAA&").
			SetKind(organisation.KindFOUNDATION).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name, query string
			vars        map[string]any
			// statements the SQL JSON path runs, one per root field it
			// answers; 0 where it answers none (and nothing is streamed).
			statements int64
		}{
			{name: "a programme list with text to escape", statements: 1, query: `{ programmes(first: 5, orderBy: [{field: CODE}]) {
				totalCount edges { cursor node { id code title budget { amount currency }
					participations { role organisation { acronym name } } } } pageInfo { hasNextPage endCursor } } }`},
			{name: "organisations with every programme each takes part in", statements: 1, query: `{ organisations(first: 10, orderBy: [{field: NAME}]) {
				edges { node { acronym name participations { role programme { code title status } } } } } }`},
			{name: "two roots, a typename and a field the resolvers answer", statements: 3, query: `query($code: String!) {
				__typename
				one: programmes(where: {code: $code}) { edges { node { code title } } }
				countries(first: 2) { totalCount }
				all: organisations(first: 2) { totalCount edges { node { name } } } }`, vars: map[string]any{"code": "ESC-1"}},
			{name: "an error beside data", statements: 1, query: `{ ok: programmes(first: 1) { edges { node { title } } }
				bad: programmes(after: "bm90IGEgY3Vyc29y") { edges { node { code } } } }`},
			{name: "node and nodes", statements: 2, query: `query($id: ID!, $ids: [ID!]!) { node(id: $id) { id ... on Programme { title } }
				nodes(ids: $ids) { ... on Programme { code title } ... on Organisation { name } } }`, vars: nodeVars(t, r)},
			// A summary's answer is kept (internal/readcache) and, repeated,
			// written from the cache into the response as it is.
			{name: "a summary, computed", query: summaryQuery},
			{name: "a summary, cached", query: summaryQuery},
			{name: "a selection the path leaves to the resolvers", query: `{ programmes(first: 2) { edges { node { title history { totalCount } } } } }`},
			{name: "nothing but an error", query: `{ programmes(first: 5000) { edges { node { code } } } }`},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				vars := tc.vars
				before := r.Store.Counter.Count()
				status, streamed := r.raw(t, "application/json", jsonBody(t, tc.query, vars))
				ran := r.Store.Counter.Count() - before
				mtype, mbody := multipartBody(t, tc.query, vars)
				mstatus, marshalled := r.raw(t, mtype, mbody)
				if status != mstatus || !bytes.Equal(streamed, marshalled) {
					t.Errorf("JSON transport (status %d):\n%s\nmultipart transport (status %d):\n%s", status, streamed, mstatus, marshalled)
				}
				if tc.statements > 0 && ran != tc.statements {
					t.Errorf("ran %d SQL statements, want %d: did the SQL JSON path step aside?", ran, tc.statements)
				}
				if tc.statements > 0 && !bytes.Contains(streamed, []byte(`\u003c`)) && tc.name != "an error beside data" {
					t.Errorf("no escaped text in the answer: the case tests less than it says:\n%s", streamed)
				}
			})
		}
	})
}

// summaryQuery is a funding summary with its buckets' records and money.
const summaryQuery = `{ fundingSummary(groupBy: [FUNDER, COUNTRY]) {
	funder { acronym name } country { iso2 name } count totals { amount currency } } }`

// nodeVars are the ids of the escaped programme and organisation.
func nodeVars(t *testing.T, r *registry) map[string]any {
	t.Helper()
	var ids struct {
		Programmes, Organisations struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	r.mustData(t, `{ programmes(where: {code: "ESC-1"}) { edges { node { id } } }
		organisations(where: {acronym: "AAA&"}) { edges { node { id } } } }`, nil, &ids)
	if len(ids.Programmes.Edges) != 1 || len(ids.Organisations.Edges) != 1 {
		t.Fatalf("the escaped records are not there: %+v", ids)
	}
	p, o := ids.Programmes.Edges[0].Node.ID, ids.Organisations.Edges[0].Node.ID
	return map[string]any{"id": p, "ids": []string{o, p}}
}

func jsonBody(t *testing.T, query string, vars map[string]any) []byte {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// multipartBody is a GraphQL multipart request without files, with its
// content type.
func multipartBody(t *testing.T, query string, vars map[string]any) (string, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField("operations", string(jsonBody(t, query, vars))); err != nil {
		t.Fatal(err)
	}
	if err := mw.WriteField("map", `{}`); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), body.Bytes()
}

// raw posts a body to /query and gives the answer's status and bytes.
func (r *registry) raw(t *testing.T, contentType string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := http.Post(r.URL+"/query", contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}
