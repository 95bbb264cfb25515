package server_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/aidregistry/registry/internal/server"
)

// TestConnectionsAnswerUnderAnyName: a connection's edges, node, totalCount
// and pageInfo asked under other names, or twice, answer what they answer
// under their own names, through the SQL JSON path and through the
// resolvers alike (entgql read them by alias: `list: edges` was empty,
// `n: totalCount` the page's length, a second edges selection empty
// strings for its own columns).
func TestConnectionsAnswerUnderAnyName(t *testing.T) {
	const page = `programmes(first: 2, orderBy: [{field: CODE}])`
	cases := []struct {
		name string
		// renamed is asked; plain is the same question under the fields'
		// own names, its answer renamed by rename (key → alias).
		renamed, plain string
		rename         map[string]string
	}{
		{name: "edges under another name",
			renamed: `{ ` + page + ` { list: edges { cursor node { code title } } } }`,
			plain:   `{ ` + page + ` { edges { cursor node { code title } } } }`,
			rename:  map[string]string{"edges": "list"}},
		{name: "totalCount under another name",
			renamed: `{ ` + page + ` { n: totalCount edges { node { code } } } }`,
			plain:   `{ ` + page + ` { totalCount edges { node { code } } } }`,
			rename:  map[string]string{"totalCount": "n"}},
		{name: "totalCount alone under another name",
			renamed: `{ ` + page + ` { n: totalCount } }`,
			plain:   `{ ` + page + ` { totalCount } }`,
			rename:  map[string]string{"totalCount": "n"}},
		{name: "node under another name, with a link",
			renamed: `{ ` + page + ` { edges { record: node { code participations { role } } } } }`,
			plain:   `{ ` + page + ` { edges { node { code participations { role } } } } }`,
			rename:  map[string]string{"node": "record"}},
		{name: "pageInfo under another name",
			renamed: `{ ` + page + ` { info: pageInfo { hasNextPage endCursor } } }`,
			plain:   `{ ` + page + ` { pageInfo { hasNextPage endCursor } } }`,
			rename:  map[string]string{"pageInfo": "info"}},
		{name: "a field the resolvers answer (qualityNotes), edges renamed",
			renamed: `{ ` + page + ` { n: totalCount list: edges { node { code title qualityNotes { code } } } } }`,
			plain:   `{ ` + page + ` { totalCount edges { node { code title qualityNotes { code } } } } }`,
			rename:  map[string]string{"edges": "list", "totalCount": "n"}},
		{name: "a nested history connection renamed",
			renamed: `{ ` + page + ` { list: edges { node { code history(first: 5) { n: totalCount list: edges { node { operation } } } } } } }`,
			plain:   `{ ` + page + ` { edges { node { code history(first: 5) { totalCount edges { node { operation } } } } } } }`,
			rename:  map[string]string{"totalCount": "n", "edges": "list"}},
	}
	eachRegistry(t, func(t *testing.T, r *registry) {
		paths := map[string]*registry{"sql json": r, "resolvers": resolversOnly(t, r, server.Options{})}
		for _, tc := range cases {
			for path, reg := range paths {
				t.Run(tc.name+" ("+path+")", func(t *testing.T) {
					var plain any
					reg.mustData(t, tc.plain, nil, &plain)
					want, err := json.Marshal(renameKeys(plain, tc.rename, true))
					if err != nil {
						t.Fatal(err)
					}
					got := reg.query(t, tc.renamed, nil)
					if len(got.Errors) > 0 {
						t.Fatalf("errors: %+v", got.Errors)
					}
					if !bytes.Equal(canonical(t, got.Data), canonical(t, want)) {
						t.Errorf("renamed fields answer\n%s\nthe same fields under their names\n%s", canonical(t, got.Data), canonical(t, want))
					}
				})
			}
		}
	})
}

// renameKeys gives v with the keys of its objects renamed, below the root
// field (whose name is the root field's, never renamed).
func renameKeys(v any, rename map[string]string, root bool) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if to, ok := rename[k]; ok && !root {
				k = to
			}
			out[k] = renameKeys(e, rename, false)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = renameKeys(e, rename, false)
		}
		return out
	}
	return v
}
