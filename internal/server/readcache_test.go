package server_test

import (
	"bytes"
	"context"
	"testing"
)

// TestAnalyticsCache: a repeated summary costs one statement (the data
// version) and gives the same answer; any commit to the store, even one that
// bypasses the registry, makes the next answer fresh; different variables
// are different answers.
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
