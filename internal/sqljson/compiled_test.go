package sqljson

import (
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"

	"github.com/aidregistry/registry/graph"
)

// TestCompiledKey: requests that may compile differently get different
// keys (what @skip and @include read), requests that differ only in the
// values of arguments share one, and an operation without its text is
// never kept.
func TestCompiledKey(t *testing.T) {
	schema := graph.NewSchema(nil).Schema()
	const q = `query($code: String, $b: Boolean = true, $n: Int) {
		programmes(first: $n, where: {code: $code}) { edges { node { code title @include(if: $b) } } } }`
	doc := gqlparser.MustLoadQuery(schema, q)
	op := func(vars map[string]any) *graphql.OperationContext {
		return &graphql.OperationContext{RawQuery: q, Doc: doc, Operation: doc.Operations[0], Variables: vars}
	}
	key := func(vars map[string]any) compiledKey {
		o := op(vars)
		f := graphql.CollectFields(o, o.Operation.SelectionSet, []string{"Query"})[0]
		return keyOf(o, f, "")
	}
	base := key(map[string]any{"code": "A", "n": 1, "b": true})
	if k := key(map[string]any{"code": "B", "n": 7, "b": true}); k != base {
		t.Errorf("arguments' values changed the key: %+v, %+v", k, base)
	}
	for _, vars := range []map[string]any{{"b": false}, {"b": nil}, {}} {
		if k := key(vars); k == base {
			t.Errorf("%v: same key as b=true: %+v", vars, k)
		}
	}

	cache := newCompiledCache()
	runs := 0
	compile := func() compiled { runs++; return compiled{node: "x"} }
	cache.get(base, compile)
	cache.get(base, compile)
	if runs != 1 {
		t.Errorf("compiled %d times for one key, want 1", runs)
	}
	anonymous := compiledKey{alias: "programmes"}
	cache.get(anonymous, compile)
	cache.get(anonymous, compile)
	if runs != 3 {
		t.Errorf("an operation without its text was kept (%d compilations, want 3)", runs)
	}
}
