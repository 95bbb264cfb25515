package server_test

import (
	"os"
	"testing"

	"github.com/aidregistry/registry/internal/server"
)

// TestQueryLimits: the benchmark's queries pass the depth and cost limits
// (TestHardening shows the refusals of queries over them).
func TestQueryLimits(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
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

// TestCostReadsPageSizes: the cost limit multiplies a connection's fields by
// its page size wherever the size is written: in the query, in a variable,
// in a variable's default, for first or last. Under a cost limit of 1,200,
// countries(first: n) { edges { node { iso2 } } } costs 1,000 (its
// statement) + 1 + 3n: 1,031 for 10 passes, 1,301 for 100 is refused.
// Each is asked twice, and the texts with variables with a small page
// first: the measures of an operation without variables are kept, those of
// one with variables never.
func TestCostReadsPageSizes(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		limited := resolversOnly(t, r, server.Options{Limits: server.Limits{MaxCost: 1200}})
		for _, c := range []struct {
			name    string
			query   string
			vars    map[string]any
			refused bool
		}{
			{name: "first written, small", query: `{ countries(first: 10) { edges { node { iso2 } } } }`},
			{name: "first written, large", query: `{ countries(first: 100) { edges { node { iso2 } } } }`, refused: true},
			{name: "last written, large", query: `{ countries(last: 100) { edges { node { iso2 } } } }`, refused: true},
			{name: "first from a variable, small", query: `query($n: Int) { countries(first: $n) { edges { node { iso2 } } } }`, vars: map[string]any{"n": 10}},
			{name: "first from a variable, large", query: `query($n: Int) { countries(first: $n) { edges { node { iso2 } } } }`, vars: map[string]any{"n": 100}, refused: true},
			{name: "last from a variable, large", query: `query($n: Int) { countries(last: $n) { edges { node { iso2 } } } }`, vars: map[string]any{"n": 100}, refused: true},
			{name: "first from a variable's default, large", query: `query($n: Int = 100) { countries(first: $n) { edges { node { iso2 } } } }`, refused: true},
			{name: "no page size: the default page", query: `{ countries { edges { node { iso2 } } } }`, refused: 1000+1+3*server.DefaultPageSize > 1200},
		} {
			t.Run(c.name, func(t *testing.T) {
				for round := range 2 {
					resp := limited.query(t, c.query, c.vars)
					if got := resp.code() == "COMPLEXITY_LIMIT"; got != c.refused {
						t.Errorf("round %d: refused = %v, want %v (errors %v)", round, got, c.refused, resp.Errors)
					}
					if !c.refused && len(resp.Errors) > 0 {
						t.Errorf("round %d: errors: %v", round, resp.Errors)
					}
				}
			})
		}
	})
}
