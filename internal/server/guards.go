package server

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/store"
)

// requireKeyForMutations refuses a mutation sent without a key before any
// of its input is looked at: reading needs no key, writing always does.
func requireKeyForMutations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return next(ctx)
	}
	if _, ok := auth.ActorFrom(ctx); ok {
		return next(ctx)
	}
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{coded(
		"writing needs an API key (Authorization: Bearer KEY)", apperr.Unauthenticated)}})
}

// ensureCodes gives a code to errors made outside the error presenter (a
// transaction that cannot commit), and hides their text.
func ensureCodes(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	rsp := next(ctx)
	if rsp == nil {
		return rsp
	}
	for i, e := range rsp.Errors {
		if _, ok := e.Extensions["code"]; !ok {
			graphql.AddError(ctx, e) // keeps it in the server's log path
			switch {
			case strings.HasPrefix(e.Message, "cannot create transaction") && store.UnavailableText(e.Message):
				rsp.Errors[i] = coded("the database could not be reached; nothing was written: retry later", apperr.Unavailable)
			case store.Unavailable(e) || store.UnavailableText(e.Message):
				// The connection broke around the commit: whether it
				// was saved cannot be known from here.
				rsp.Errors[i] = coded("the connection to the database broke while the change was being saved; read it back before retrying", apperr.Unavailable)
			default:
				rsp.Errors[i] = coded("the change could not be saved; nothing was written", apperr.Internal)
			}
			rsp.Errors[i].Path = e.Path
		}
	}
	return rsp
}

func coded(msg string, code apperr.Code) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": string(code)}}
}
