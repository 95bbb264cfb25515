package sqljson

import (
	"maps"
	"slices"
	"strings"
)

// Tables names the table of every object type the path builds, by GraphQL
// type: what tests need to find records of each.
func Tables() map[string]string {
	out := make(map[string]string, len(objects))
	for name, o := range objects {
		out[name] = o.table
	}
	return out
}

// Selection is a GraphQL selection of every field of typ the path reads,
// with the ids of the records it links: a test's question for every
// column and link the generated map holds.
func Selection(typ string) string {
	obj := objects[typ]
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(obj.fields)) {
		b.WriteString(name)
		switch obj.fields[name].kind {
		case money:
			b.WriteString(" { amount currency }")
		case toOne, toMany, manyToMany:
			b.WriteString(" { id }")
		case jsonList, jsonObject:
			b.WriteString(" " + shapeSelection(obj.fields[name].shape))
		case elements:
			b.WriteString(" " + ViewSelection(obj.fields[name].shape))
		case connection:
			b.WriteString(" { totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }")
		}
		b.WriteByte(' ')
	}
	return strings.TrimSpace(b.String())
}

// shapeSelection selects every field of a jsonShape, nested lists included.
func shapeSelection(shape string) string {
	s := shapes[shape]
	var b strings.Builder
	b.WriteString("{")
	for _, name := range slices.Sorted(maps.Keys(s.fields)) {
		b.WriteString(" " + name)
		if f := s.fields[name]; f.kind == jsonNested {
			b.WriteString(" " + shapeSelection(f.shape))
		}
	}
	b.WriteString(" }")
	return b.String()
}

// ViewSelection selects every field of an element view (elements.go),
// its nested views and money included.
func ViewSelection(view string) string {
	rules := views[view]
	var b strings.Builder
	b.WriteString("{")
	for _, name := range slices.Sorted(maps.Keys(rules)) {
		b.WriteString(" " + name)
		switch r := rules[name]; r.kind {
		case elemObject, elemChildren:
			b.WriteString(" " + ViewSelection(r.view))
		case elemMoney:
			b.WriteString(" { amount currency }")
		}
	}
	b.WriteString(" }")
	return b.String()
}
