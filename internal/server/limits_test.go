package server_test

import (
	"os"
	"testing"
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
