package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aidregistry/registry/internal/server"
)

// aliases is a query of n aliases of one root field selection.
func aliases(n int, selection string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: %s", i, selection)
	}
	b.WriteString(" }")
	return b.String()
}

// TestHostileQueries: queries built to make parsing, validation or
// execution cost far more than their size are refused before that work,
// coded COMPLEXITY_LIMIT with the bound they broke in extensions.limit, and
// the server answers an ordinary query right after. The time each took is
// logged, not asserted.
func TestHostileQueries(t *testing.T) {
	wide := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, " f%d: code", i)
		}
		return "{ programmes(first: 1) { edges { node {" + b.String() + " } } } }"
	}
	// Fragments that spread fragments: 50 × 99^5 fields from 14 KB.
	var nested strings.Builder
	nested.WriteString("{ ...L0 } fragment L0 on Query {" + strings.Repeat(" a: programmes(first: 1) { edges { node { ...P1 } } }", 50) + " }")
	for i := 1; i < 6; i++ {
		fmt.Fprintf(&nested, " fragment P%d on Programme {%s }", i, strings.Repeat(fmt.Sprintf(" p: parent { ...P%d }", i+1), 99))
	}
	nested.WriteString(" fragment P6 on Programme { code }")
	spread := "fragment F on Programme {" + strings.Repeat(" code", 60) + " } { programmes(first: 1) { edges { node { ...F ...F } } } }"

	eachRegistry(t, func(t *testing.T, r *registry) {
		cases := []struct {
			name   string
			opts   server.Options
			query  string
			limit  string // extensions.limit; "" for an answer with data
			says   string
			status int // when not 200
		}{
			{name: "one field 20,000 times (220 KB)", query: "{" + strings.Repeat(" __typename", 20000) + " }",
				limit: "tokens", says: "the query has 20002 tokens, 10002 more than the limit of 10000"},
			{name: "10,000 aliases of programmes { totalCount }", query: aliases(10000, "programmes { totalCount }"),
				limit: "tokens", says: "more than the limit of 10000"},
			{name: "51 root fields", query: aliases(51, "programmes(first: 1) { totalCount }"),
				limit: "rootFields", says: "the operation has 51 root fields (aliases included), 1 more than the limit of 50"},
			{name: "50 root fields run", query: aliases(50, "programmes(first: 1) { totalCount }")},
			{name: "101 fields in one selection", query: wide(101),
				limit: "fieldsPerSelection", says: "a selection set of the query has 101 fields (fragments counted where spread), 1 more than the limit of 100"},
			{name: "a fragment spread twice", query: spread,
				limit: "fieldsPerSelection", says: "has 120 fields (fragments counted where spread)"},
			{name: "fragments spreading fragments", query: nested.String(),
				limit: "fields", says: "fields once its fragments are spread"},
			{name: "aliases cost statements", opts: server.Options{Limits: server.Limits{MaxCost: 20_000}},
				query: aliases(12, "programmes { totalCount }"),
				limit: "cost", says: "run about 24 SQL statements (cost 24612 at 1000 a statement), 4612 more than the limit of 20000"},
			{name: "under application/graphql-response+json a refusal is a 400", query: wide(101),
				limit: "fieldsPerSelection", status: http.StatusBadRequest},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tc.opts.Logger = quietLogger
				ts := httptest.NewServer(server.New(r.Store, tc.opts))
				defer ts.Close()
				c := &client{t: t, url: ts.URL}
				header := map[string]string{}
				if tc.status == http.StatusBadRequest {
					header["Accept"] = "application/graphql-response+json"
				}
				body, _ := json.Marshal(map[string]any{"query": tc.query})
				start := time.Now()
				rep := c.post("application/json", body, header)
				t.Logf("%d bytes answered in %s", len(tc.query), time.Since(start))
				want := tc.status
				if want == 0 {
					want = http.StatusOK
				}
				if rep.status != want {
					t.Errorf("status %d, want %d", rep.status, want)
				}
				if tc.limit == "" {
					if len(rep.resp.Errors) > 0 {
						t.Fatalf("refused: %s", rep.body)
					}
					return
				}
				if rep.resp.code() != "COMPLEXITY_LIMIT" {
					t.Fatalf("code %q, want COMPLEXITY_LIMIT: %.300s", rep.resp.code(), rep.body)
				}
				e := rep.resp.Errors[0]
				if got, _ := e.Extensions["limit"].(string); got != tc.limit {
					t.Errorf("extensions.limit = %q, want %q", got, tc.limit)
				}
				if !strings.Contains(e.Message, tc.says) {
					t.Errorf("message %q does not say %q", e.Message, tc.says)
				}
				if bytes.Contains(rep.body, []byte(`"data"`)) {
					t.Errorf("a refusal before execution has a data entry: %.300s", rep.body)
				}
				after := c.gql("", "{ countries(first: 1) { totalCount } }", nil)
				if after.status != http.StatusOK || len(after.resp.Errors) > 0 {
					t.Errorf("an ordinary query afterwards failed (status %d): %s", after.status, after.body)
				}
			})
		}
	})
}

// TestTransport: the GraphQL-over-HTTP rules the transport follows (the
// audit in TestGraphQLOverHTTPAudit checks them from outside), and coded
// 400s for every malformed request.
func TestTransport(t *testing.T) {
	const ok = "{ countries(first: 1) { totalCount } }"
	get := func(q url.Values) func(c *client) reply {
		return func(c *client) reply { return c.get("/query?"+q.Encode(), nil) }
	}
	post := func(body string, header map[string]string) func(c *client) reply {
		return func(c *client) reply { return c.post("application/json", []byte(body), header) }
	}
	gqlReply := map[string]string{"Accept": "application/graphql-response+json"}
	jsonReply := map[string]string{"Accept": "application/json"}
	upload := func(operations, mapping string) func(c *client) reply {
		return func(c *client) reply {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			_ = mw.WriteField("operations", operations)
			if mapping != "" {
				_ = mw.WriteField("map", mapping)
			}
			mw.Close()
			return c.post(mw.FormDataContentType(), b.Bytes(), nil)
		}
	}
	eachRegistry(t, func(t *testing.T, r *registry) {
		cases := []struct {
			name   string
			send   func(c *client) reply
			status int
			code   string // "" for an answer with data
			data   bool   // whether the body has a data entry
			header map[string]string
		}{
			{name: "POST query", send: post(`{"query":"`+ok+`"}`, nil), status: 200, data: true},
			{name: "GET query", send: get(url.Values{"query": {ok}}), status: 200, data: true},
			{name: "GET variables", send: get(url.Values{"query": {"query($n: Int) { countries(first: $n) { totalCount } }"}, "variables": {`{"n": 1}`}}), status: 200, data: true},
			{name: "GET variables not JSON", send: get(url.Values{"query": {ok}, "variables": {`{"n": `}}), status: 400, code: "BAD_REQUEST"},
			{name: "GET variables not an object", send: get(url.Values{"query": {ok}, "variables": {`[1]`}}), status: 400, code: "BAD_REQUEST"},
			{name: "GET mutation", send: get(url.Values{"query": {`mutation { deleteProgramme(id: "x") }`}}), status: 405, code: "BAD_REQUEST",
				header: map[string]string{"Allow": "POST"}},
			{name: "POST without query", send: post(`{"qeury":"{ __typename }"}`, nil), status: 400, code: "BAD_REQUEST"},
			{name: "POST query not a string", send: post(`{"query":42}`, nil), status: 400, code: "BAD_REQUEST"},
			{name: "POST variables not an object", send: post(`{"query":"`+ok+`","variables":"x"}`, nil), status: 400, code: "BAD_REQUEST"},
			{name: "POST two JSON values", send: post(`{"query":"`+ok+`"} {}`, nil), status: 400, code: "BAD_REQUEST"},
			{name: "parse failure, application/json", send: post(`{"query":"{"}`, jsonReply), status: 200, code: "GRAPHQL_PARSE_FAILED"},
			{name: "parse failure, graphql-response+json", send: post(`{"query":"{"}`, gqlReply), status: 400, code: "GRAPHQL_PARSE_FAILED"},
			{name: "validation failure, application/json", send: post(`{"query":"{ colour }"}`, jsonReply), status: 200, code: "GRAPHQL_VALIDATION_FAILED"},
			{name: "validation failure, graphql-response+json", send: post(`{"query":"{ colour }"}`, gqlReply), status: 400, code: "GRAPHQL_VALIDATION_FAILED"},
			{name: "variable coercion failure", send: post(`{"query":"query($n: Int!) { countries(first: $n) { totalCount } }","variables":{"n":"x"}}`, jsonReply),
				status: 200, code: "GRAPHQL_VALIDATION_FAILED"},
			{name: "upload: operations not JSON", send: upload(`{"query":`, `{}`), status: 400, code: "BAD_REQUEST"},
			{name: "upload: no map", send: upload(`{"query":"`+ok+`"}`, ""), status: 400, code: "BAD_REQUEST"},
			{name: "upload: map not JSON", send: upload(`{"query":"`+ok+`"}`, `{"0":`), status: 400, code: "BAD_REQUEST"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := &client{t: t, url: r.URL}
				rep := tc.send(c)
				if rep.status != tc.status {
					t.Errorf("status %d, want %d: %.300s", rep.status, tc.status, rep.body)
				}
				if rep.resp.code() != tc.code {
					t.Errorf("code %q, want %q: %.300s", rep.resp.code(), tc.code, rep.body)
				}
				var raw map[string]json.RawMessage
				if err := json.Unmarshal(rep.body, &raw); err != nil {
					t.Fatalf("not JSON: %s", rep.body)
				}
				if _, has := raw["data"]; has != tc.data {
					t.Errorf("data entry present = %v, want %v: %.300s", has, tc.data, rep.body)
				}
				for k, v := range tc.header {
					if got := rep.header.Get(k); got != v {
						t.Errorf("header %s = %q, want %q", k, got, v)
					}
				}
			})
		}
	})
}

// TestExportFilters: every export checks its where filter (size, depth,
// fields, and that ent can build a predicate from it) before the response
// starts, and answers a bad one with a 400 and a coded JSON error, never a
// cut connection.
func TestExportFilters(t *testing.T) {
	deepAnd := strings.Repeat(`{"and":[`, 30) + "{}" + strings.Repeat("]}", 30)
	emptyAnd := `{"and":[{"and":[{}]}]}`
	cases := []struct {
		name, where, says string
	}{
		{"nested 30 deep", deepAnd, "where nests 31 levels deep, 21 more than the limit of 10"},
		{"an empty and inside an and", emptyAnd, "where: "},
		{"an unknown field", `{"colour":"red"}`, "colour"},
		{"not JSON", `{"and":`, "where is not JSON"},
		{"longer than 64 KiB", `{"codeHasPrefix":"` + strings.Repeat("x", 70_000) + `"}`, "more than the limit of 65536"},
	}
	eachRegistry(t, func(t *testing.T, r *registry) {
		for _, path := range []string{"/export/iati.xml", "/export/programmes.csv", "/export/programmes.ndjson",
			"/export/fundings.csv", "/export/fundings.ndjson", "/export/organisations.csv", "/export/organisations.ndjson"} {
			for _, tc := range cases {
				if tc.name == "an unknown field" && !strings.Contains(path, "programmes") && path != "/export/iati.xml" {
					continue // fundings and organisations are checked by the same code
				}
				t.Run(path+"/"+tc.name, func(t *testing.T) {
					resp, err := http.Get(r.URL + path + "?where=" + url.QueryEscape(tc.where))
					if err != nil {
						t.Fatalf("no answer: %v", err)
					}
					defer resp.Body.Close()
					body, err := io.ReadAll(resp.Body)
					if err != nil {
						t.Fatalf("the answer was cut: %v", err)
					}
					if resp.StatusCode != http.StatusBadRequest {
						t.Fatalf("status %d, want 400: %.200s", resp.StatusCode, body)
					}
					var out response
					if err := json.Unmarshal(body, &out); err != nil {
						t.Fatalf("not JSON: %.200s", body)
					}
					if out.code() != "BAD_USER_INPUT" || !strings.Contains(out.Errors[0].Message, tc.says) {
						t.Errorf("got %q %q, want BAD_USER_INPUT saying %q", out.code(), out.Errors[0].Message, tc.says)
					}
				})
			}
		}
	})
}
