package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/internal/gid"
	"github.com/aidregistry/registry/internal/search"
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
		sqljson.WithLargeAnswers(LargeAnswers, SmallAnswer),
		sqljson.WithSearch(searchOnPath(st.Dialect)))
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

// searchOnPath lets the SQL JSON path answer Query.search with
// internal/search's ranking nested in its statement.
func searchOnPath(dialect string) sqljson.Search {
	kinds := map[string]string{}
	for t, typ := range search.Kinds() {
		kinds[string(t)] = typ
	}
	return sqljson.Search{
		Field: "search",
		Kinds: kinds,
		Rank: func(args map[string]any) (sqljson.Ranking, error) {
			req, err := searchRequest(args)
			if err != nil {
				return sqljson.Ranking{}, err
			}
			rk, err := search.Rank(dialect, req)
			return sqljson.Ranking{Query: rk.Query, Args: rk.Args, Offset: rk.Offset}, err
		},
		Snippet: search.Highlight,
	}
}

// searchRequest reads search's arguments as gqlgen's scalars read them.
func searchRequest(args map[string]any) (search.Request, error) {
	var req search.Request
	q, ok := args["query"].(string)
	if !ok {
		return req, fmt.Errorf("search query %v is no string", args["query"])
	}
	req.Query = q
	var types []any
	switch v := args["types"].(type) {
	case nil:
	case []any:
		types = v
	case []string: // a single value given as a variable, which gqlgen's validation makes a list of one
		for _, s := range v {
			types = append(types, s)
		}
	default:
		types = []any{v} // a single value written in the query stands for a list of one
	}
	for _, item := range types {
		var t search.Type
		if err := t.UnmarshalGQL(item); err != nil {
			return req, err
		}
		req.Types = append(req.Types, t)
	}
	if v := args["first"]; v != nil {
		n, err := graphql.UnmarshalInt(v)
		if err != nil {
			return req, err
		}
		req.First = &n
	}
	if v := args["after"]; v != nil {
		c, err := gid.UnmarshalCursor(v)
		if err != nil {
			return req, err
		}
		req.After = &c
	}
	return req, nil
}
