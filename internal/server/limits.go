package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Limits bound what one query may ask for, so a single request cannot
// exhaust the server or the database.
type Limits struct {
	// MaxDepth is the deepest nesting of fields (programmes → edges → node
	// → participations → organisation → name is 6).
	MaxDepth int
	// MaxCost bounds the number of values a query may produce, estimated
	// before it runs: a connection multiplies its fields by its page size
	// (first or last, else the default page), a plain list by ListFactor.
	MaxCost int
}

// DefaultLimits fit every documented query with room to spare.
var DefaultLimits = Limits{MaxDepth: 15, MaxCost: 1_000_000}

// ListFactor is the cost multiplier assumed for a list that takes no page
// size (a programme's participations).
const ListFactor = 10

func (Limits) ExtensionName() string { return "QueryLimits" }

func (Limits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext refuses an operation over a limit before it runs,
// saying which limit and by how much.
func (l Limits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	depth, cost := measure(oc.Operation.SelectionSet, oc.Variables, map[string]bool{})
	if l.MaxDepth > 0 && depth > l.MaxDepth {
		return limitError("DEPTH_LIMIT", fmt.Sprintf("the query nests %d levels deep, %d more than the limit of %d", depth, depth-l.MaxDepth, l.MaxDepth))
	}
	if l.MaxCost > 0 && cost > l.MaxCost {
		return limitError("COMPLEXITY_LIMIT", fmt.Sprintf("the query could return about %d values, %d more than the limit of %d; ask for smaller pages (first/last) or fewer nested lists", cost, cost-l.MaxCost, l.MaxCost))
	}
	return nil
}

func limitError(code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

// measure returns the depth and the estimated cost of a selection set.
// Fragments are followed once per path (seen guards against cycles, which
// validation already forbids).
func measure(set ast.SelectionSet, vars map[string]any, seen map[string]bool) (depth, cost int) {
	for _, sel := range set {
		var d, c int
		switch s := sel.(type) {
		case *ast.Field:
			d, c = measureField(s, vars, seen)
		case *ast.InlineFragment:
			d, c = measure(s.SelectionSet, vars, seen)
		case *ast.FragmentSpread:
			if s.Definition == nil || seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			d, c = measure(s.Definition.SelectionSet, vars, seen)
			delete(seen, s.Name)
		}
		depth = max(depth, d)
		cost += c
	}
	return depth, cost
}

func measureField(f *ast.Field, vars map[string]any, seen map[string]bool) (int, int) {
	childDepth, childCost := measure(f.SelectionSet, vars, seen)
	return childDepth + 1, 1 + childCost*multiplier(f, vars)
}

// multiplier is how many times a field's children may repeat.
func multiplier(f *ast.Field, vars map[string]any) int {
	if f.Definition == nil {
		return 1
	}
	args := f.ArgumentMap(vars)
	for _, name := range []string{"first", "last"} {
		if n, ok := asInt(args[name]); ok {
			return max(n, 1)
		}
	}
	if f.Definition.Arguments.ForName("first") != nil {
		return DefaultPageSize // a connection asked without a page size
	}
	if elem := f.Definition.Type.Elem; elem != nil && f.Name == "edges" && strings.HasSuffix(elem.Name(), "Edge") {
		return 1 // a connection's edges: its page size is already counted
	}
	if f.Definition.Type.Elem != nil {
		return ListFactor
	}
	return 1
}

func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	}
	return 0, false
}
