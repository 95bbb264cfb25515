package server

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// connectionSelections is a field middleware for the fields that return a
// Relay connection. entgql reads a connection's selection by alias: it
// loads the page only when a field is aliased "edges", counts only when one
// is aliased "totalCount" or "pageInfo", and reads only the columns asked
// under "edges { node }". So `list: edges { node { title } }` got an empty
// list, `n: totalCount` the page's length, and a second edges selection
// under another name empty strings for the columns only it asked for.
//
// The resolver is given the selection with every edges, node, totalCount
// and pageInfo field under its own name, the selections of each name
// merged; gqlgen still writes the answer from the selection as asked.
func connectionSelections(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil ||
		!strings.HasSuffix(fc.Field.Definition.Type.Name(), "Connection") {
		return next(ctx)
	}
	op := graphql.GetOperationContext(ctx)
	if !renamed(op, fc.Field.Selections, "edges", "totalCount", "pageInfo") && !edgesRenameNode(op, fc.Field.Selections) {
		return next(ctx)
	}
	canonical := *fc
	field := *fc.Field.Field
	field.SelectionSet = byName(op, fc.Field.Selections, map[string]bool{"edges": true, "totalCount": true, "pageInfo": true},
		func(name string, merged ast.SelectionSet) ast.SelectionSet {
			if name != "edges" {
				return merged
			}
			return byName(op, merged, map[string]bool{"node": true}, nil)
		})
	canonical.Field.Field = &field
	canonical.Field.Selections = field.SelectionSet
	ctx = graphql.WithFieldContext(ctx, &canonical)
	canonical.Parent = fc.Parent // WithFieldContext made fc the parent: it is a copy, not a child
	return next(ctx)
}

// renamed reports whether sel asks one of the names under another alias,
// or twice.
func renamed(op *graphql.OperationContext, sel ast.SelectionSet, names ...string) bool {
	seen := map[string]bool{}
	for _, f := range graphql.CollectFields(op, sel, nil) {
		for _, n := range names {
			if f.Name == n && (f.Alias != n || seen[n]) || f.Alias == n && f.Name != n {
				return true
			}
		}
		seen[f.Name] = true
	}
	return false
}

// edgesRenameNode reports whether an edges selection asks node under
// another alias or twice.
func edgesRenameNode(op *graphql.OperationContext, sel ast.SelectionSet) bool {
	for _, f := range graphql.CollectFields(op, sel, nil) {
		if f.Name == "edges" && renamed(op, f.Selections, "node") {
			return true
		}
	}
	return false
}

// byName gives sel's fields with those named in merge replaced by one
// field each, under its own name, holding the selections of all of them
// (passed through inner, when given); other fields keep their aliases,
// unless one takes a merged name, which would hide the merged field.
func byName(op *graphql.OperationContext, sel ast.SelectionSet, merge map[string]bool,
	inner func(name string, merged ast.SelectionSet) ast.SelectionSet) ast.SelectionSet {
	var out ast.SelectionSet
	merged := map[string]*ast.Field{}
	for _, f := range graphql.CollectFields(op, sel, nil) {
		if !merge[f.Name] {
			if merge[f.Alias] {
				continue
			}
			out = append(out, f.Field)
			continue
		}
		out = mergeField(merged, out, f)
	}
	if inner != nil {
		for name, m := range merged {
			m.SelectionSet = inner(name, m.SelectionSet)
		}
	}
	return out
}

// mergeField adds f's selections to the field merged under f's name, which
// it makes (under that name, without directives) and appends to out the
// first time the name comes.
func mergeField(merged map[string]*ast.Field, out ast.SelectionSet, f graphql.CollectedField) ast.SelectionSet {
	m := merged[f.Name]
	if m == nil {
		c := *f.Field
		c.Alias, c.Directives, c.SelectionSet = f.Name, nil, nil
		m = &c
		merged[f.Name] = m
		out = append(out, m)
	}
	m.SelectionSet = append(m.SelectionSet, f.Selections...)
	return out
}
