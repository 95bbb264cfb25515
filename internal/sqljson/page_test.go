package sqljson

import (
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"
)

// TestPageReadsPastItsLimitOnlyForPageInfo: the row past a page's limit
// only tells pageInfo that there is more, so a page that does not ask for
// pageInfo reads exactly its rows, and one that does reads one more.
func TestPageReadsPastItsLimitOnlyForPageInfo(t *testing.T) {
	c := &Connections{dialect: dialect.Postgres}
	r := &rootField{root: root{object: "Programme"}}
	for _, tc := range []struct {
		name     string
		pageInfo map[string][]graphql.CollectedField
		forward  bool
		want     string
	}{
		{"first, no pageInfo", nil, true, "LIMIT 20"},
		{"first, pageInfo", map[string][]graphql.CollectedField{"pageInfo": nil}, true, "LIMIT 21"},
		{"last, no pageInfo", nil, false, "LIMIT 20"},
		{"last, pageInfo", map[string][]graphql.CollectedField{"pageInfo": nil}, false, "LIMIT 21"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := shape{edges: true, pageInfo: tc.pageInfo}
			query, _ := c.statement(r, page{limit: 20, forward: tc.forward}, s, nil)
			if !strings.Contains(query, tc.want) {
				t.Errorf("want %s in\n%s", tc.want, query)
			}
		})
	}
}
