package server

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/internal/apperr"
)

// Page sizes for every connection. entgql puts no LIMIT on a connection
// asked without first or last, so a careless dashboard could pull a whole
// table; the registry answers with a default page instead.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// pageLimits is a field middleware: on every field that takes first and
// last, it fills in the default page and refuses sizes out of range.
func pageLimits(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Args == nil {
		return next(ctx)
	}
	first, hasFirst := fc.Args["first"].(*int)
	last, hasLast := fc.Args["last"].(*int)
	if !hasFirst || !hasLast {
		return next(ctx)
	}
	for name, v := range map[string]*int{"first": first, "last": last} {
		if v == nil {
			continue
		}
		if *v < 0 || *v > MaxPageSize {
			return nil, &apperr.Error{
				Code:    apperr.BadUserInput,
				Message: fmt.Sprintf("`%s` must be between 0 and %d", name, MaxPageSize),
				Field:   name,
			}
		}
	}
	if first == nil && last == nil {
		n := DefaultPageSize
		fc.Args["first"] = &n
	}
	return next(ctx)
}
