package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/aidregistry/registry/internal/apperr"
)

// refuseIntrospection refuses, before it runs, an operation that asks for
// __schema or __type when introspection is off; __typename stays allowed.
// Without it the executor answers such a field with an uncoded error that
// reads as a server failure.
type refuseIntrospection struct{}

func (refuseIntrospection) ExtensionName() string { return "RefuseIntrospection" }

func (refuseIntrospection) Validate(graphql.ExecutableSchema) error { return nil }

func (refuseIntrospection) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || !introspects(oc.Operation.SelectionSet, map[string]bool{}) {
		return nil
	}
	return refusal(apperr.ValidationFailed, "introspection is turned off on this server: __schema and __type are refused")
}

// introspects tells whether a root selection set selects __schema or
// __type, directly or through fragments.
func introspects(set ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if introspects(s.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Name] {
				seen[s.Name] = true
				if introspects(s.Definition.SelectionSet, seen) {
					return true
				}
			}
		}
	}
	return false
}
