package search

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/agreement"
	"github.com/aidregistry/registry/ent/event"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/programme"
)

// load reads the records of a page of hits, one query per type, eager-loading
// what the GraphQL query selects under each `... on Type` of the SearchHit
// union. When the query does not select `node` at all, nothing is read.
func load(ctx context.Context, client *ent.Client, hits []hit) (nodes map[int]ent.Noder, loaded bool, err error) {
	fields, selected := nodeFields(ctx)
	if len(hits) == 0 || !selected {
		return nil, false, nil
	}
	byType := map[string][]int{}
	for _, h := range hits {
		name, _ := ent.NodeTypeOf(h.id)
		byType[name] = append(byType[name], h.id)
	}
	out := map[int]ent.Noder{}
	for _, s := range sources {
		ids := byType[s.node]
		if len(ids) == 0 {
			continue
		}
		satisfies := []string{s.node, "Node", "SearchHit"}
		switch s.typ {
		case Organisation:
			q := client.Organisation.Query().Where(organisation.IDIn(ids...))
			for _, fctx := range fields(ctx) {
				if q, err = q.CollectFields(fctx, satisfies...); err != nil {
					return nil, false, err
				}
			}
			err = collect(ctx, q.All, func(n *ent.Organisation) int { return n.ID }, out)
		case Programme:
			q := client.Programme.Query().Where(programme.IDIn(ids...))
			for _, fctx := range fields(ctx) {
				if q, err = q.CollectFields(fctx, satisfies...); err != nil {
					return nil, false, err
				}
			}
			err = collect(ctx, q.All, func(n *ent.Programme) int { return n.ID }, out)
		case Agreement:
			q := client.Agreement.Query().Where(agreement.IDIn(ids...))
			for _, fctx := range fields(ctx) {
				if q, err = q.CollectFields(fctx, satisfies...); err != nil {
					return nil, false, err
				}
			}
			err = collect(ctx, q.All, func(n *ent.Agreement) int { return n.ID }, out)
		case Event:
			q := client.Event.Query().Where(event.IDIn(ids...))
			for _, fctx := range fields(ctx) {
				if q, err = q.CollectFields(fctx, satisfies...); err != nil {
					return nil, false, err
				}
			}
			err = collect(ctx, q.All, func(n *ent.Event) int { return n.ID }, out)
		}
		if err != nil {
			return nil, false, err
		}
	}
	return out, true, nil
}

func collect[T ent.Noder](ctx context.Context, all func(context.Context) ([]T, error), id func(T) int, out map[int]ent.Noder) error {
	nodes, err := all(ctx)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		out[id(n)] = n
	}
	return nil
}

// nodeFields finds the `edges { node }` selections of the search field being
// resolved and gives one context per selection of `node` (aliases make
// several), each carrying it as its field, so ent's CollectFields eager-loads
// what is selected below. Outside a GraphQL request there is nothing to
// collect: one plain context, and every record is loaded.
func nodeFields(ctx context.Context) (func(context.Context) []context.Context, bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return func(ctx context.Context) []context.Context { return nil }, true
	}
	opCtx := graphql.GetOperationContext(ctx)
	var nodes []graphql.CollectedField
	for _, e := range graphql.CollectFields(opCtx, fc.Field.Selections, []string{"SearchConnection"}) {
		if e.Name != "edges" {
			continue
		}
		for _, n := range graphql.CollectFields(opCtx, e.Selections, []string{"SearchEdge"}) {
			if n.Name == "node" {
				nodes = append(nodes, n)
			}
		}
	}
	if len(nodes) == 0 {
		return nil, false
	}
	return func(ctx context.Context) []context.Context {
		out := make([]context.Context, len(nodes))
		for i, n := range nodes {
			out[i] = graphql.WithFieldContext(ctx, &graphql.FieldContext{Parent: fc, Object: "SearchEdge", Field: n})
		}
		return out
	}, true
}
