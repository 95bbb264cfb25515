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
	// (first or last, else the default page), a plain list by ListFactor;
	// each SQL statement the query is estimated to run adds StatementCost.
	MaxCost int

	// measured keeps what operations without variables measured (see
	// measuredOps); nil keeps nothing.
	measured *measuredOps
}

// StatementCost is what one estimated SQL statement adds to a query's cost:
// a root field is at least one statement, a totalCount another, and each
// list of records below it one more (loaded for the whole page at once).
// Aliases of a cheap field are many statements, not many cheap values.
const StatementCost = 1000

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
	depth, values, statements := l.measured.of(oc.Operation, oc.Variables)
	if l.MaxDepth > 0 && depth > l.MaxDepth {
		return limitError("DEPTH_LIMIT", fmt.Sprintf("the query nests %d levels deep, %d more than the limit of %d", depth, depth-l.MaxDepth, l.MaxDepth))
	}
	cost := values + statements*StatementCost
	if l.MaxCost > 0 && cost > l.MaxCost {
		err := limitError("COMPLEXITY_LIMIT", fmt.Sprintf("the query could return about %d values and run about %d SQL statements (cost %d at %d a statement), %d more than the limit of %d; ask for smaller pages (first/last), fewer nested lists or fewer root fields", values, statements, cost, StatementCost, cost-l.MaxCost, l.MaxCost))
		err.Extensions["limit"] = LimitCost
		return err
	}
	return nil
}

// measuredOps keeps the measures of operations that declare no variables,
// by the parsed operation: gqlgen's query cache hands a repeated query text
// the same document, and without variables its measures cannot change, so a
// repeat skips walking every field (a few per cent of a small query's
// time). Keeping an operation keeps its document alive: the set is bounded
// like the query cache and emptied when full.
type measuredOps struct {
	ops *kept[*ast.OperationDefinition, measures]
}

type measures struct{ depth, values, statements int }

// measuredOpsCount bounds measuredOps, as the parsed-query cache is bounded.
const measuredOpsCount = 1000

func newMeasuredOps() *measuredOps {
	return &measuredOps{ops: newKept[*ast.OperationDefinition, measures](measuredOpsCount)}
}

// of gives an operation's depth, estimated values and statements.
func (m *measuredOps) of(op *ast.OperationDefinition, vars map[string]any) (depth, values, statements int) {
	keep := m != nil && len(op.VariableDefinitions) == 0
	if keep {
		if got, ok := m.ops.get(op); ok {
			return got.depth, got.values, got.statements
		}
	}
	depth, values = measure(op.SelectionSet, vars, map[string]bool{})
	statements = rootStatements(op.SelectionSet, map[string]bool{})
	if keep {
		m.ops.put(op, measures{depth, values, statements})
	}
	return depth, values, statements
}

func limitError(code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

// rootStatements estimates the SQL statements an operation runs: each root
// field that reads the store is one, plus what statements estimates below
// it. Introspection and __typename run none.
func rootStatements(set ast.SelectionSet, seen map[string]bool) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			n += 1 + statements(s.SelectionSet, seen)
		case *ast.InlineFragment:
			n += rootStatements(s.SelectionSet, seen)
		case *ast.FragmentSpread:
			if s.Definition == nil || seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			n += rootStatements(s.Definition.SelectionSet, seen)
			delete(seen, s.Name)
		}
	}
	return n
}

// statements estimates the statements below a field: a totalCount is a
// COUNT of its own, and a list or connection of records is loaded by one
// more statement for the whole level.
func statements(set ast.SelectionSet, seen map[string]bool) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "totalCount" {
				n++
			}
			if s.Definition != nil && s.Definition.Type.Elem != nil && len(s.SelectionSet) > 0 && s.Name != "edges" {
				n++
			} else if s.Definition != nil && s.Definition.Arguments.ForName("first") != nil && s.Name != "edges" {
				n++
			}
			n += statements(s.SelectionSet, seen)
		case *ast.InlineFragment:
			n += statements(s.SelectionSet, seen)
		case *ast.FragmentSpread:
			if s.Definition == nil || seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			n += statements(s.Definition.SelectionSet, seen)
			delete(seen, s.Name)
		}
	}
	return n
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
	for _, name := range []string{"first", "last"} {
		if n, ok := asInt(argument(f, name, vars)); ok {
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

// argument is the value of one of a field's arguments, as f.ArgumentMap(vars)
// would hold it under name (nil when it would hold none), without building
// the map: the cost is measured over every field of every request, and the
// maps were a fifth of a small query's allocations.
func argument(f *ast.Field, name string, vars map[string]any) any {
	def := f.Definition.Arguments.ForName(name)
	if def == nil {
		return nil
	}
	if arg := f.Arguments.ForName(name); arg != nil {
		if arg.Value.Kind == ast.Variable {
			if v, ok := vars[arg.Value.Raw]; ok {
				return v
			}
		} else if v, err := arg.Value.Value(vars); err == nil {
			return v
		}
	}
	if def.DefaultValue != nil {
		if v, err := def.DefaultValue.Value(vars); err == nil {
			return v
		}
	}
	return nil
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
