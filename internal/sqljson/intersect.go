package sqljson

import (
	"maps"
	"slices"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// PostgreSQL runs ent's edge filters (hasXWith) as one EXISTS subquery per
// condition, probed row by row; with two or more of them on one record, as
// dashboards ask (programmes in Somalia that UNDP funds), finding each
// condition's record ids once and intersecting the sets is about four times
// faster (../shared/bench/peer/floor/q2.sql). intersected rewrites a where
// argument of that form: its has*With conjuncts on links to many records
// become one INTERSECT of id sets; the rest stays with ent's predicates.
// It answers nil when the filter has fewer than two such conjuncts or on
// other stores, where the EXISTS form is as fast.
func (c *Connections) intersected(r *rootField, v any) (func(*entsql.Selector), error) {
	top, ok := v.(map[string]any)
	if c.dialect != dialect.Postgres || !ok {
		return nil, nil
	}
	sets, rest, err := c.split(objects[r.object], top)
	if err != nil || len(sets) < 2 {
		return nil, err
	}
	residual, err := r.root.where(rest)
	if err != nil {
		return nil, err
	}
	ids := sets[0]
	for _, s := range sets[1:] {
		ids = ids.Intersect(s)
	}
	return func(s *entsql.Selector) {
		s.Where(entsql.In(s.C("id"), ids))
		if residual != nil {
			residual(s)
		}
	}, nil
}

// split takes from a filter the has*With conditions that stand alone, at
// its top or as one item of its and list, as id sets, in the order of their
// keys (so the statement's text does not vary), and gives the rest back as
// a filter.
func (c *Connections) split(obj object, top map[string]any) ([]*entsql.Selector, map[string]any, error) {
	var sets []*entsql.Selector
	rest := map[string]any{}
	for _, key := range slices.Sorted(maps.Keys(top)) {
		if key == "and" {
			continue
		}
		set, err := c.idSet(obj, key, top[key])
		switch {
		case err != nil:
			return nil, nil, err
		case set != nil:
			sets = append(sets, set)
		default:
			rest[key] = top[key]
		}
	}
	list, ok := top["and"].([]any)
	if !ok {
		if top["and"] != nil {
			rest["and"] = top["and"]
		}
		return sets, rest, nil
	}
	var others []any
	for _, item := range list {
		set, err := c.alone(obj, item)
		switch {
		case err != nil:
			return nil, nil, err
		case set != nil:
			sets = append(sets, set)
		default:
			others = append(others, item)
		}
	}
	if len(others) > 0 {
		rest["and"] = others
	}
	return sets, rest, nil
}

// alone is the id set of an and item that is a single has*With condition.
func (c *Connections) alone(obj object, item any) (*entsql.Selector, error) {
	m, ok := item.(map[string]any)
	if !ok || len(m) != 1 {
		return nil, nil
	}
	for key, val := range m {
		return c.idSet(obj, key, val)
	}
	return nil, nil
}

// idSet is the ids of the records a has*With condition on a link to many
// records holds for, read from the linked table (or the join table), or nil
// when key is no such condition.
func (c *Connections) idSet(obj object, key string, val any) (*entsql.Selector, error) {
	name, ok := strings.CutPrefix(key, "has")
	if name, ok = strings.CutSuffix(name, "With"); !ok || name == "" {
		return nil, nil
	}
	f, ok := obj.fields[strings.ToLower(name[:1])+name[1:]]
	if !ok || (f.kind != toMany && f.kind != manyToMany) || wheres[f.target] == nil {
		return nil, nil
	}
	list, ok := val.([]any)
	if !ok {
		list = []any{val} // a single value stands for a list of one
	}
	if val == nil || len(list) == 0 {
		return nil, nil // ent leaves an empty condition out
	}
	d := entsql.Dialect(c.dialect)
	target := d.Select("id").From(entsql.Table(objects[f.target].table))
	if f.kind == toMany {
		target = d.Select(f.column).From(entsql.Table(objects[f.target].table))
		target.Where(entsql.NotNull(target.C(f.column)))
	}
	for _, item := range list {
		pred, err := wheres[f.target](item)
		if err != nil {
			return nil, err
		}
		if pred == nil { // ent refuses an empty condition on a link
			return nil, unsupported("%s: an empty condition", key)
		}
		pred(target)
	}
	if f.kind == toMany {
		return target, nil
	}
	join := d.Select(f.own).From(entsql.Table(f.join))
	join.Where(entsql.In(join.C(f.other), target))
	return join, nil
}
