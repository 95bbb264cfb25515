package server_test

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestBadInput: every kind of bad request gets a clear, coded GraphQL error,
// never a panic or a 500, and the server goes on serving.
func TestBadInput(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		progID := sampleIDs(t, r)["Programme"]
		raw, _ := base64.RawURLEncoding.DecodeString(progID)
		num := strings.TrimPrefix(string(raw), "Programme:")
		forged := base64.RawURLEncoding.EncodeToString([]byte("Organisation:" + num))
		n, err := strconv.Atoi(num)
		if err != nil {
			t.Fatalf("programme id %q does not hold a number", raw)
		}
		absent := base64.RawURLEncoding.EncodeToString([]byte("Programme:" + strconv.Itoa(n+100000)))

		cases := []struct {
			name     string
			query    string
			vars     map[string]any
			wantCode string
			wantMsg  string
		}{
			{"a malformed query", `{ programmes { edges `, nil, "GRAPHQL_PARSE_FAILED", "Expected"},
			{"an unknown field", `{ programmes { edges { node { colour } } } }`, nil, "GRAPHQL_VALIDATION_FAILED", "colour"},
			{"an unknown enum literal", `{ programmes(where: {status: FINISHED}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", "FINISHED"},
			{"an unknown enum in variables", `query($s: ProgrammeStatus) { programmes(where: {status: $s}) { totalCount } }`,
				map[string]any{"s": "FINISHED"}, "GRAPHQL_VALIDATION_FAILED", "FINISHED"},
			{"a where naming a missing type", `{ programmes(where: {hasDonorsWith: {name: "x"}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", "hasDonorsWith"},
			{"a bad cursor", `{ programmes(after: "bm90IGEgY3Vyc29y") { totalCount } }`, nil, "BAD_USER_INPUT", "cursor"},
			{"an id that is not an id", `{ node(id: "42") { id } }`, nil, "BAD_USER_INPUT", "not a registry id"},
			{"an id of the wrong type", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": forged}, "BAD_USER_INPUT", "not a registry id"},
			{"an id of no record", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": absent}, "NOT_FOUND", absent},
			{"an exponent as a Decimal", `{ programmes(where: {budgetAmountGT: "1e9"}) { totalCount } }`, nil, "BAD_USER_INPUT", "1e9"},
			{"a float as a Decimal variable", `query($d: Decimal) { programmes(where: {budgetAmountGT: $d}) { totalCount } }`,
				map[string]any{"d": 12.5}, "BAD_USER_INPUT", "string"},
			{"a month 13 as a PartialDate", `{ programmes(where: {startDate: "2007-13"}) { totalCount } }`, nil, "BAD_USER_INPUT", "2007-13"},
			{"a negative page", `{ programmes(first: -1) { totalCount } }`, nil, "BAD_USER_INPUT", "first"},
			{"an oversized page", `{ programmes(first: 100000) { totalCount } }`, nil, "BAD_USER_INPUT", "first"},
			{"a missing required argument", `{ node { id } }`, nil, "GRAPHQL_VALIDATION_FAILED", "id"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				resp := r.query(t, c.query, c.vars)
				if resp.Status >= 500 {
					t.Fatalf("status %d", resp.Status)
				}
				if len(resp.Errors) == 0 {
					t.Fatalf("no error; data %s", resp.Data)
				}
				if resp.code() != c.wantCode {
					t.Errorf("code = %q, want %q (errors %+v)", resp.code(), c.wantCode, resp.Errors)
				}
				if !strings.Contains(resp.Errors[0].Message, c.wantMsg) {
					t.Errorf("message %q does not mention %q", resp.Errors[0].Message, c.wantMsg)
				}
				for _, e := range resp.Errors {
					if strings.Contains(e.Message, "goroutine") || strings.Contains(e.Message, ".go:") {
						t.Errorf("error leaks internals: %q", e.Message)
					}
				}
			})
		}

		// The JSON transport's own decoding checks the body that
		// requireJSON leaves to it: either way a body that is not JSON
		// is said to be so.
		bodies := []struct {
			name        string
			contentType string
			body        string
			wantStatus  int
			wantMsg     string
		}{
			{"a body that is not JSON", "application/json", `{"query": `, http.StatusBadRequest, "not valid JSON"},
			{"a body with more after its JSON", "application/json", `{"query": "{ a }"} x`, http.StatusBadRequest, "not valid JSON"},
			{"two JSON values", "application/json", `{"query": "{ a }"} {}`, http.StatusBadRequest, "not valid JSON"},
			{"JSON that is no object", "application/json", `["{ programmes { totalCount } }"]`, http.StatusBadRequest, "not a GraphQL request"},
			{"a query that is no string", "application/json", `{"query": 1}`, http.StatusBadRequest, "not a GraphQL request"},
			{"not JSON, with parameters", "application/json; charset=utf-8", `{"query": `, http.StatusBadRequest, "not valid JSON"},
			{"a body that is plain text", "text/plain", `{ programmes { totalCount } }`, http.StatusUnsupportedMediaType, "as JSON"},
			{"an oversized body", "application/json", `{"query": "` + strings.Repeat("x", 2<<20) + `"}`, http.StatusRequestEntityTooLarge, "larger than"},
		}
		for _, b := range bodies {
			t.Run(b.name, func(t *testing.T) {
				resp := r.post(t, b.contentType, []byte(b.body))
				if resp.Status != b.wantStatus {
					t.Errorf("status %d, want %d", resp.Status, b.wantStatus)
				}
				if resp.code() != "BAD_REQUEST" {
					t.Errorf("code = %q, want BAD_REQUEST", resp.code())
				}
				if len(resp.Errors) == 0 || !strings.Contains(resp.Errors[0].Message, b.wantMsg) {
					t.Errorf("errors %+v do not say %q", resp.Errors, b.wantMsg)
				}
			})
		}

		// Content types the quick reading takes as they are, and forms it
		// leaves to mime.ParseMediaType, are read alike.
		for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON", " application/json"} {
			t.Run("a query sent as "+ct, func(t *testing.T) {
				resp := r.post(t, ct, []byte(`{"query": "{ programmes(first: 1) { totalCount } }"}`))
				if resp.Status != http.StatusOK || len(resp.Errors) > 0 || len(resp.Data) == 0 {
					t.Errorf("status %d, errors %+v", resp.Status, resp.Errors)
				}
			})
		}

		var ok struct {
			Programmes struct {
				TotalCount int `json:"totalCount"`
			} `json:"programmes"`
		}
		r.mustData(t, `{ programmes { totalCount } }`, nil, &ok)
		if ok.Programmes.TotalCount == 0 {
			t.Error("server answers no programmes after the bad requests")
		}
	})
}
