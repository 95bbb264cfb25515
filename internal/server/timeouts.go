package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/store"
)

// Default operation deadlines; Options' zero values take them.
const (
	DefaultReadTimeout  = 15 * time.Second
	DefaultWriteTimeout = 30 * time.Second
)

// Timeouts bound operations by their type. Zero takes the default, a
// negative duration means no bound.
type Timeouts struct {
	Read  time.Duration // a query
	Write time.Duration // a mutation
}

func (t Timeouts) read() time.Duration  { return orDefault(t.Read, DefaultReadTimeout) }
func (t Timeouts) write() time.Duration { return orDefault(t.Write, DefaultWriteTimeout) }

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// The limits a TimeoutError names (its extensions.limit).
const (
	LimitRead      = "read"      // a query operation (--read-timeout)
	LimitWrite     = "write"     // a mutation operation (--write-timeout)
	LimitStatement = "statement" // one SQL statement (--statement-timeout)
	LimitRequest   = "request"   // a whole HTTP request (--timeout)
)

// TimeoutError says which deadline stopped an operation. It is the cause of
// the contexts the server's deadlines end.
type TimeoutError struct {
	Limit string
	After time.Duration
}

func (e *TimeoutError) Error() string {
	switch e.Limit {
	case LimitRead:
		return fmt.Sprintf("the query ran longer than the read timeout of %s and was stopped; ask for less (smaller pages, fewer nested lists) or retry later", e.After)
	case LimitWrite:
		return fmt.Sprintf("the mutation ran longer than the write timeout of %s and was stopped; nothing was written", e.After)
	case LimitStatement:
		return fmt.Sprintf("an SQL statement ran longer than the statement timeout of %s and was cancelled; ask for less (smaller pages, narrower filters) or retry later", e.After)
	}
	return fmt.Sprintf("the request ran longer than the %s timeout of %s and was stopped", e.Limit, e.After)
}

func (e *TimeoutError) gqlError() *gqlerror.Error {
	return &gqlerror.Error{Message: e.Error(), Extensions: map[string]any{
		"code":    string(apperr.Timeout),
		"limit":   e.Limit,
		"timeout": e.After.String(),
	}}
}

// operationDeadlines gives a query the read deadline and a mutation the
// write deadline, once the operation's type is known. A mutation's
// transaction opens under its deadline, so a mutation stopped by it is
// rolled back.
func operationDeadlines(st *store.Store, read, write time.Duration) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		ctx = context.WithValue(ctx, storeKey{}, st)
		oc := graphql.GetOperationContext(ctx)
		var limit *TimeoutError
		switch {
		case oc.Operation == nil:
		case oc.Operation.Operation == ast.Query && read > 0:
			limit = &TimeoutError{Limit: LimitRead, After: read}
		case oc.Operation.Operation == ast.Mutation && write > 0:
			limit = &TimeoutError{Limit: LimitWrite, After: write}
		}
		if limit == nil {
			return next(ctx)
		}
		ctx, cancel := context.WithTimeoutCause(ctx, limit.After, limit)
		responses := next(ctx)
		return func(rctx context.Context) *graphql.Response {
			// Queries and mutations answer once: the deadline ends with it.
			defer cancel()
			resp := responses(rctx)
			var te *TimeoutError
			if resp != nil && ctx.Err() != nil && errors.As(context.Cause(ctx), &te) {
				// A failed commit after the deadline is reported without a
				// cause (ensureCodes makes it internal): name the deadline.
				for i, e := range resp.Errors {
					if code, _ := e.Extensions["code"].(string); code == string(apperr.Internal) {
						resp.Errors[i] = te.gqlError()
						resp.Errors[i].Path = e.Path
					}
				}
			}
			return resp
		}
	}
}

// storeKey carries the store to the error presenter, which reads its
// statement timeout.
type storeKey struct{}

// timedOut tells which deadline, if any, stopped the work that failed with
// err in ctx.
func timedOut(ctx context.Context, err error) *TimeoutError {
	var te *TimeoutError
	if errors.As(err, &te) {
		return te
	}
	var ste *store.StatementTimeoutError
	if errors.As(err, &ste) {
		return &TimeoutError{Limit: LimitStatement, After: ste.Limit}
	}
	if !store.Canceled(err) {
		return nil
	}
	if ctx.Err() != nil {
		if errors.As(context.Cause(ctx), &te) {
			return te // the operation's or the request's deadline
		}
		return nil // the client went away
	}
	// A statement was cancelled while the operation still had time: rows
	// read after the statement began carry the driver's error, not ours.
	if st, ok := ctx.Value(storeKey{}).(*store.Store); ok && st.StatementTimeout() > 0 {
		return &TimeoutError{Limit: LimitStatement, After: st.StatementTimeout()}
	}
	return nil
}
