package server_test

import (
	"fmt"
	"testing"
)

// listQuery is a dashboard list two levels deep (the benchmark's Q1 shape).
const listQuery = `query($first: Int) {
  programmes(first: $first, orderBy: [{field: START_DATE, direction: DESC}]) {
    totalCount
    edges { node {
      code title status
      budget { amount currency }
      participations { role organisation { acronym } }
      countries { role country { iso2 name } }
      fundings { kind value { amount currency } funder { acronym } }
    } }
  }
}`

// TestStatementsDoNotGrowWithRows: the SQL a list query runs depends on the
// query's shape, never on how many rows it returns (no N+1).
func TestStatementsDoNotGrowWithRows(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		count := func(first int) int64 {
			before := r.Store.Counter.Count()
			var v any
			r.mustData(t, listQuery, map[string]any{"first": first}, &v)
			return r.Store.Counter.Count() - before
		}
		one, all := count(1), count(50)
		if one != all {
			t.Errorf("first: 1 ran %d statements, first: 50 ran %d", one, all)
		}
		t.Log(fmt.Sprintf("statements per list query: %d", all))
	})
}
