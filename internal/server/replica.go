package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/aidregistry/registry/internal/store"
)

// readsToReplica marks a query operation's context read-only, so that with
// --read-db its statements go to the read replica. Mutations (which run in
// a transaction on the primary, their returned objects too) and everything
// outside GraphQL queries stay on the primary.
func readsToReplica(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation == ast.Query {
		ctx = store.ReadOnly(ctx)
	}
	return next(ctx)
}
