package server

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// linkSelections is a field middleware for the resolvers that load
// records. entgql eager-loads a link to one record (Funding.programme)
// once per field name, with the selection of the last alias that asks for
// it: `a: programme { code } b: programme { title }` gave a the record with
// its title alone, and an empty code. The resolver is given the selection
// with every link asked more than once merged into one field under its own
// name, holding the selections of all of them, at every depth; gqlgen
// still writes the answer from the selection as asked. A selection that
// asks each link once is passed on as it is.
func linkSelections(schema *ast.Schema) graphql.FieldMiddleware {
	return func(ctx context.Context, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || !fc.IsResolver || fc.Field.Field == nil || len(fc.Field.Selections) == 0 {
			return next(ctx)
		}
		op := graphql.GetOperationContext(ctx)
		if !linkTwice(schema, op, fc.Field.Selections) {
			return next(ctx)
		}
		canonical := *fc
		field := *fc.Field.Field
		field.SelectionSet = mergeLinks(schema, op, fc.Field.Selections)
		canonical.Field.Field = &field
		canonical.Field.Selections = field.SelectionSet
		ctx = graphql.WithFieldContext(ctx, &canonical)
		canonical.Parent = fc.Parent // WithFieldContext made fc the parent: it is a copy, not a child
		return next(ctx)
	}
}

// isLink reports whether f asks for one record by a link: an object, not a
// list nor a connection, with no arguments to tell two askings apart.
func isLink(schema *ast.Schema, f graphql.CollectedField) bool {
	def := f.Definition
	if def == nil || def.Type.Elem != nil || len(f.Arguments) > 0 {
		return false
	}
	t := schema.Types[def.Type.Name()]
	return t != nil && t.Kind == ast.Object && !strings.HasSuffix(t.Name, "Connection")
}

// linkTwice reports whether sel, at any depth, asks a link more than once.
func linkTwice(schema *ast.Schema, op *graphql.OperationContext, sel ast.SelectionSet) bool {
	seen := map[string]bool{}
	for _, f := range graphql.CollectFields(op, sel, nil) {
		if isLink(schema, f) {
			if seen[f.Name] {
				return true
			}
			seen[f.Name] = true
		}
		if len(f.Selections) > 0 && linkTwice(schema, op, f.Selections) {
			return true
		}
	}
	return false
}

// mergeLinks gives sel with each link asked more than once replaced by one
// field under its own name holding all their selections, at every depth.
// Other fields keep their aliases, unless one takes a merged link's name,
// which would hide the merged field (that field is then loaded by its own
// resolver).
func mergeLinks(schema *ast.Schema, op *graphql.OperationContext, sel ast.SelectionSet) ast.SelectionSet {
	fields := graphql.CollectFields(op, sel, nil)
	count := map[string]int{}
	for _, f := range fields {
		if isLink(schema, f) {
			count[f.Name]++
		}
	}
	var out ast.SelectionSet
	merged := map[string]*ast.Field{}
	for _, f := range fields {
		if count[f.Name] < 2 || !isLink(schema, f) {
			if count[f.Alias] > 1 && f.Alias != f.Name {
				continue
			}
			c := *f.Field
			c.SelectionSet = mergeLinks(schema, op, f.Selections)
			out = append(out, &c)
			continue
		}
		out = mergeField(merged, out, f)
	}
	for _, m := range merged {
		m.SelectionSet = mergeLinks(schema, op, m.SelectionSet)
	}
	return out
}
