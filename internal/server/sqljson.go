package server

import (
	"context"
	"errors"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/internal/sqljson"
	"github.com/aidregistry/registry/internal/store"
)

// LargeAnswers is how many root fields answered by the SQL JSON path may
// hold more than SmallAnswer bytes of rows at once; the others wait for
// one of them to be written. Sixteen requests of the benchmark's Q6 (7 MB
// each) held the process above 250 MB, while four keep the database as busy
// on two cores as sixteen do.
const (
	LargeAnswers = 4
	SmallAnswer  = 1 << 20
)

// sqlJSON answers the root connections (programmes, organisations,
// agreements, ...) with one SQL statement that builds the JSON in the
// database (internal/sqljson) when the selection allows it, and hands the
// field to gqlgen's resolvers otherwise. Depth, cost and key checks have run
// before root fields are resolved, so they hold for both.
func sqlJSON(st *store.Store, schema *ast.Schema, logger *slog.Logger) graphql.RootFieldMiddleware {
	// The organisations resolver leaves merged organisations out
	// (graph/ent.resolvers.go); the path must too.
	conns, err := sqljson.New(st.Client, st.Dialect, schema, DefaultPageSize, MaxPageSize,
		sqljson.WithScope("organisations", organisation.MergedIntoIDIsNil()),
		sqljson.WithLargeAnswers(LargeAnswers, SmallAnswer))
	if err != nil {
		logger.Warn("root connections answered by the general path only", "err", err)
		return func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler { return next(ctx) }
	}
	return func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		rc := graphql.GetRootFieldContext(ctx)
		// RootFieldContext.Object holds the field's name, not its type.
		if rc == nil || rc.Field.ObjectDefinition == nil || rc.Field.ObjectDefinition.Name != "Query" ||
			!conns.Covers(rc.Field.Name) {
			return next(ctx)
		}
		m, err := conns.Answer(ctx, graphql.GetOperationContext(ctx), rc.Field)
		if err == nil {
			return streamed(ctx, m)
		}
		// A statement stopped by a deadline is not a bug: the general path
		// meets the same deadline and reports it with its limit.
		if !errors.Is(err, sqljson.ErrUnsupported) && ctx.Err() == nil && !store.Canceled(err) {
			// A failure here is a bug in the path, not the client's doing:
			// the general path still answers, and the log says why.
			logger.Warn("SQL JSON path failed; answering through resolvers", "err", err)
		}
		return next(ctx)
	}
}
