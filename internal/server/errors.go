package server

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/store"
)

// errorPresenter turns any error a resolver or the executor returns into a GraphQL
// error with an extensions.code. Errors it does not recognise are logged and
// shown as INTERNAL_SERVER_ERROR with no detail.
func errorPresenter(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if _, ok := gqlErr.Extensions["code"]; ok && gqlErr.Unwrap() == nil {
			return gqlErr // parse and validation errors arrive coded
		}
		if te := timedOut(ctx, err); te != nil {
			logger.WarnContext(ctx, "timeout", "limit", te.Limit, "after", te.After, "path", gqlErr.Path.String())
			gqlErr.Message = te.Error()
			for k, v := range te.gqlError().Extensions {
				setExt(gqlErr, k, v)
			}
			return gqlErr
		}
		code, msg, field := classify(err)
		if code == apperr.Unavailable {
			logger.WarnContext(ctx, "store unavailable", "err", err, "path", gqlErr.Path.String())
		}
		if code == apperr.Internal {
			logger.ErrorContext(ctx, "internal error", "err", err, "path", gqlErr.Path.String())
		}
		gqlErr.Message = msg
		setExt(gqlErr, "code", string(code))
		if field != "" {
			setExt(gqlErr, "field", field)
		}
		return gqlErr
	}
}

// classify maps an error to its code, its client message and its field.
func classify(err error) (apperr.Code, string, string) {
	if e, ok := apperr.As(err); ok {
		return e.Code, e.Message, e.Field
	}
	var gqlErr *gqlerror.Error
	if errors.As(err, &gqlErr) {
		if c, ok := gqlErr.Extensions["code"].(string); ok && gqlErr.Unwrap() == nil {
			return apperr.Code(c), gqlErr.Message, ""
		}
	}
	var verr *ent.ValidationError
	switch {
	case store.Unavailable(err):
		return apperr.Unavailable, unavailableMessage, ""
	case errors.As(err, &verr):
		return apperr.BadUserInput, verr.Error(), verr.Name
	case ent.IsNotFound(err):
		return apperr.NotFound, "not found", ""
	case ent.IsConstraintError(err) && isForeignKey(err):
		return apperr.BadUserInput, "a referenced record does not exist, or is of another type", ""
	case ent.IsConstraintError(err):
		return apperr.Conflict, "the change conflicts with an existing record (a duplicate)", ""
	case errors.Is(err, context.DeadlineExceeded):
		return apperr.Internal, "the request took too long", ""
	}
	if gqlErr != nil && gqlErr.Unwrap() == nil {
		// gqlgen's own input errors (a wrong scalar type, a missing
		// argument) carry no cause and no code: they are the client's.
		return apperr.BadUserInput, gqlErr.Message, ""
	}
	return apperr.Internal, "internal error", ""
}

// unavailableMessage is what a client reads when the store could not be
// reached; HTTP 503 with Retry-After says the same to balancers.
const unavailableMessage = "the database could not be reached or the connection to it broke; nothing is wrong with the request: retry later"

func setExt(e *gqlerror.Error, key string, v any) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions[key] = v
}

// recoverPanic turns a panic into an INTERNAL_SERVER_ERROR and logs it.
func recoverPanic(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "panic in resolver", "panic", p)
		return apperr.Errorf(apperr.Internal, "internal error")
	}
}

// isForeignKey tells a dangling reference from a duplicate; both stores name
// the kind of constraint in their message.
func isForeignKey(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "foreign key")
}
