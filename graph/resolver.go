// Package graph holds the GraphQL resolvers. They stay thin: each one hands
// its arguments to ent (or an internal package) and returns the result.
package graph

import (
	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/graph/generated"
)

// Resolver is the root resolver; it holds what every resolver needs.
type Resolver struct {
	client *ent.Client
	// dialect (entgo.io/ent/dialect.SQLite or .Postgres) is for the
	// packages that write their own SQL: analytics and search.
	dialect string
}

// Option configures the schema.
type Option func(*Resolver)

// WithDialect names the store's SQL dialect, which summaries and search
// need (store.Store.Dialect).
func WithDialect(d string) Option { return func(r *Resolver) { r.dialect = d } }

// NewSchema builds the executable schema over an ent client.
func NewSchema(client *ent.Client, opts ...Option) graphql.ExecutableSchema {
	r := &Resolver{client: client}
	for _, o := range opts {
		o(r)
	}
	return generated.NewExecutableSchema(generated.Config{Resolvers: r})
}

// ptrs gives a list of values as the list of pointers gqlgen's bound
// types want.
func ptrs[T any](xs []T) []*T {
	out := make([]*T, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}
