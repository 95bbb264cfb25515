package server_test

import (
	"slices"
	"testing"

	"github.com/aidregistry/registry/internal/countries"
	"github.com/aidregistry/registry/internal/server"
)

type countryPage struct {
	Countries struct {
		TotalCount int `json:"totalCount"`
		PageInfo   struct {
			HasNextPage     bool    `json:"hasNextPage"`
			HasPreviousPage bool    `json:"hasPreviousPage"`
			StartCursor     *string `json:"startCursor"`
			EndCursor       *string `json:"endCursor"`
		} `json:"pageInfo"`
		Edges []struct {
			Cursor string `json:"cursor"`
			Node   struct {
				ISO2 string `json:"iso2"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"countries"`
}

const countriesPageQuery = `query($first: Int, $after: Cursor, $last: Int, $before: Cursor) {
  countries(first: $first, after: $after, last: $last, before: $before, orderBy: [{field: NAME}]) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { iso2 } }
  }
}`

// TestPagination walks every country forwards and backwards in pages and
// checks both walks see each country once, in the same order, with the
// same cursor for the same country.
func TestPagination(t *testing.T) {
	var names []string // ISO 3166 list order by name, computed independently
	for _, c := range countries.List() {
		names = append(names, c.Name+"\x00"+c.ISO2)
	}
	slices.Sort(names)
	want := make([]string, len(names))
	for i, n := range names {
		want[i] = n[len(n)-2:]
	}

	eachRegistry(t, func(t *testing.T, r *registry) {
		const size = 37
		var forward []string
		cursors := map[string]string{}
		vars := map[string]any{"first": size}
		for {
			var p countryPage
			r.mustData(t, countriesPageQuery, vars, &p)
			if p.Countries.TotalCount != len(want) {
				t.Fatalf("totalCount = %d, want %d", p.Countries.TotalCount, len(want))
			}
			for _, e := range p.Countries.Edges {
				forward = append(forward, e.Node.ISO2)
				cursors[e.Node.ISO2] = e.Cursor
			}
			if !p.Countries.PageInfo.HasNextPage {
				break
			}
			vars = map[string]any{"first": size, "after": *p.Countries.PageInfo.EndCursor}
		}
		if !slices.Equal(forward, want) {
			t.Fatalf("forward walk:\n got %v\nwant %v", forward, want)
		}

		var backward []string
		vars = map[string]any{"last": size}
		for {
			var p countryPage
			r.mustData(t, countriesPageQuery, vars, &p)
			var page []string
			for _, e := range p.Countries.Edges {
				page = append(page, e.Node.ISO2)
				if cursors[e.Node.ISO2] != e.Cursor {
					t.Fatalf("cursor of %s differs between walks", e.Node.ISO2)
				}
			}
			backward = append(page, backward...)
			if !p.Countries.PageInfo.HasPreviousPage {
				break
			}
			vars = map[string]any{"last": size, "before": *p.Countries.PageInfo.StartCursor}
		}
		if !slices.Equal(backward, want) {
			t.Fatalf("backward walk:\n got %v\nwant %v", backward, want)
		}
	})
}

// TestDefaultPage: a connection asked without first or last returns a
// default page, not the whole table.
func TestDefaultPage(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		var p countryPage
		r.mustData(t, countriesPageQuery, nil, &p)
		if len(p.Countries.Edges) != server.DefaultPageSize {
			t.Errorf("got %d edges, want the default page of %d", len(p.Countries.Edges), server.DefaultPageSize)
		}
		if !p.Countries.PageInfo.HasNextPage {
			t.Error("hasNextPage is false on a partial default page")
		}
		if p.Countries.TotalCount <= server.DefaultPageSize {
			t.Errorf("totalCount %d should count every country", p.Countries.TotalCount)
		}
	})
}
