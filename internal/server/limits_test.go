package server_test

import (
	"os"
	"strings"
	"testing"
)

// TestQueryLimits: a query too deep or too costly is refused before it
// runs, saying which limit and by how much; the benchmark's queries pass.
func TestQueryLimits(t *testing.T) {
	deep := "{ programmes(first: 1) { edges { node { " + strings.Repeat("parent { ", 14) + "code" + strings.Repeat(" }", 14) + " } } } }"
	costly := `{ programmes(first: 1000) { edges { node { participations { organisation {
		participations { programme { countries { country { name } } } } } } } } } }`
	eachRegistry(t, func(t *testing.T, r *registry) {
		cases := []struct {
			name, query, code, mentions string
		}{
			{"too deep", deep, "DEPTH_LIMIT", "limit of 15"},
			{"too costly", costly, "COMPLEXITY_LIMIT", "limit of 1000000"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				resp := r.query(t, c.query, nil)
				if resp.code() != c.code {
					t.Fatalf("code %q, want %q: %+v", resp.code(), c.code, resp.Errors)
				}
				if !strings.Contains(resp.Errors[0].Message, c.mentions) || !strings.Contains(resp.Errors[0].Message, "more than") {
					t.Errorf("message %q does not say the limit and by how much", resp.Errors[0].Message)
				}
			})
		}
		for _, file := range []string{"q1-list", "q2-cross-agency", "q3-lookup"} {
			t.Run("benchmark "+file+" is within limits", func(t *testing.T) {
				q, err := os.ReadFile("../../../shared/bench/queries/" + file + ".graphql")
				if err != nil {
					if os.Getenv("CI") == "true" {
						t.Fatalf("../shared/bench is missing: %v", err)
					}
					t.Skip("../shared/bench is not beside the project")
				}
				resp := r.query(t, string(q), nil)
				for _, e := range resp.Errors {
					if c := e.Extensions["code"]; c == "DEPTH_LIMIT" || c == "COMPLEXITY_LIMIT" {
						t.Errorf("refused: %s", e.Message)
					}
				}
			})
		}
	})
}
