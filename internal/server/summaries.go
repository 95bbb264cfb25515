package server

import (
	"context"
	"io"

	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/internal/analytics"
)

// summariesJSON lets the summary resolvers build their whole answer as JSON
// in one SQL statement (internal/analytics, PostgreSQL) and writes that
// JSON as the field's value. The resolvers still parse and check the
// arguments, so a bad request is refused as before, and they answer
// through the Go path whatever the SQL does not cover. It runs inside the
// answer cache and the summary queue (limitSummaries), so both see it.
func summariesJSON(fields ...string) graphql.RootFieldMiddleware {
	summary := map[string]bool{}
	for _, f := range fields {
		summary[f] = true
	}
	return func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		rc := graphql.GetRootFieldContext(ctx)
		if rc == nil || !summary[rc.Field.Name] {
			return next(ctx)
		}
		ctx = analytics.WithSQLJSON(ctx)
		m := next(ctx)
		if b, ok := analytics.Answered(ctx); ok {
			return graphql.WriterFunc(func(w io.Writer) { _, _ = w.Write(b) })
		}
		return m
	}
}
