package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"runtime"

	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/internal/apperr"
)

// DefaultInFlight is how many GraphQL requests run at once per processor
// when Options.MaxInFlight is zero.
const DefaultInFlight = 8

// limitInFlight runs at most n requests at a time; the others wait for a
// turn until their own deadline. The work is CPU and database bound, so
// running more at once does not answer sooner: it only holds more answers
// in memory together (a funding summary can be megabytes), and resident
// memory is what a replica is sized by.
func limitInFlight(n int, next http.Handler) http.Handler {
	if n <= 0 {
		n = DefaultInFlight * runtime.GOMAXPROCS(0)
	}
	slots := make(chan struct{}, n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
		case <-r.Context().Done():
			apperr.WriteHTTP(w, http.StatusServiceUnavailable, apperr.Timeout,
				"the server was busy and the request's time ran out before it could start; retry later")
			return
		}
		defer func() { <-slots }()
		next.ServeHTTP(w, r)
	})
}

// limitSummaries lets at most one analytics summary per processor be
// computed at a time. Each adds up every matching funding and holds tens of
// thousands of buckets while it is written: run side by side they only share
// the processors and multiply the memory, which the collector then spends
// its time on. Cached answers (internal/readcache, outside this) skip the
// queue.
func limitSummaries(fields ...string) graphql.RootFieldMiddleware {
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	heavy := map[string]bool{}
	for _, f := range fields {
		heavy[f] = true
	}
	return func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		rc := graphql.GetRootFieldContext(ctx)
		if rc == nil || !heavy[rc.Field.Name] {
			return next(ctx)
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return next(ctx) // the resolver meets the deadline and reports it
		}
		defer func() { <-slots }()
		// Marshal while holding the slot: the answer is built lazily.
		var buf bytes.Buffer
		m := next(ctx)
		if m == graphql.Null {
			return m
		}
		m.MarshalGQL(&buf)
		return graphql.WriterFunc(func(w io.Writer) { _, _ = w.Write(buf.Bytes()) })
	}
}
