package sqljson

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"

	"github.com/aidregistry/registry/graph"
	"github.com/aidregistry/registry/internal/demo"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// TestLargeStatementWaitsForItsSeatFirst: a statement whose last answer
// was large takes a seat before it runs, so that a request waiting for one
// holds no rows; a statement whose answers are small never waits. Over the
// demo data with one seat and small at 100 bytes.
func TestLargeStatementWaitsForItsSeatFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, st.Client); err != nil {
			t.Fatal(err)
		}
		schema := graph.NewSchema(st.Client, graph.WithDialect(st.Dialect)).Schema()
		conns, err := New(st.Client, st.Dialect, schema, 50, 1000, WithLargeAnswers(1, 100))
		if err != nil {
			t.Fatal(err)
		}
		answer := func(ctx context.Context, query string) (JSON, error) {
			doc := gqlparser.MustLoadQuery(schema, query)
			op := &graphql.OperationContext{RawQuery: query, Doc: doc, Operation: doc.Operations[0], Variables: map[string]any{}}
			f := graphql.CollectFields(op, op.Operation.SelectionSet, []string{"Query"})[0]
			return conns.Answer(ctx, op, f)
		}
		const large = `{ programmes(first: 10) { edges { node { code title description } } } }`
		const small = `{ programmes(first: 1, where: {code: "NO-SUCH-CODE"}) { edges { node { code } } } }`
		first, err := answer(ctx, large)
		if err != nil {
			t.Fatal(err)
		}
		// first holds the one seat until written. Its statement's next
		// request waits for it before running anything.
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		before := st.Counter.Count()
		if _, err := answer(short, large); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a large statement's second request did not wait for the seat: %v", err)
		}
		if n := st.Counter.Count() - before; n != 0 {
			t.Errorf("the waiting request ran %d statements before its seat, want 0", n)
		}
		soon, cancelSoon := context.WithTimeout(ctx, 10*time.Second)
		defer cancelSoon()
		if _, err := answer(soon, small); err != nil {
			t.Errorf("a small answer waited for a seat: %v", err)
		}
		first.WriteJSON(bufio.NewWriter(io.Discard))
		again, err := answer(ctx, large)
		if err != nil {
			t.Fatalf("the seat did not come back once the first answer was written: %v", err)
		}
		var b bytes.Buffer
		again.MarshalGQL(&b)
		if !bytes.Contains(b.Bytes(), []byte(`"edges":[{"node":{"code":`)) {
			t.Errorf("answer after waiting: %s", b.Bytes())
		}
	})
}
