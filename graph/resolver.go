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
}

// NewSchema builds the executable schema over an ent client.
func NewSchema(client *ent.Client) graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{client: client},
	})
}
