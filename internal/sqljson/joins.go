package sqljson

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// A list's elements read their to-one links through LEFT JOINs in the
// list's own FROM rather than a subquery each: PostgreSQL runs a correlated
// subquery once per element, a join once per list (Q6, every participation
// of 20 organisations with its programme, ran some percent faster so; see
// joinedOne). The join is on the target's primary key, so it never adds a
// row; a LEFT JOIN keeps the elements whose link is NULL (or, where no
// foreign key holds it, dangling), which the subquery gave as null.

// listElement is the JSON of the record of type typ in the row aliased row,
// an element of a list, and the joins its to-one links read through, to
// follow the list's table in its FROM.
func (c *compiler) listElement(typ, row string, sel ast.SelectionSet) (string, string, error) {
	var joins strings.Builder
	outer := c.joins
	c.joins = &joins
	defer func() { c.joins = outer }()
	obj, err := c.object(typ, row, sel)
	return obj, joins.String(), err
}

// apart compiles a part of the statement that has a FROM of its own (a
// nested connection): its to-one links are no business of the list the
// part may sit in, which cannot join on the part's rows.
func (c *compiler) apart(compile func() (string, error)) (string, error) {
	outer := c.joins
	c.joins = nil
	defer func() { c.joins = outer }()
	return compile()
}

// toOne is the JSON of the record a to-one link of the row aliased row
// points to, null where it points to none: joined where a list is being
// compiled, else a subquery.
func (c *compiler) toOne(def field, row string, sel ast.SelectionSet) (string, error) {
	t := c.alias()
	target := objects[def.target]
	on := ident(t, "id") + " = " + ident(row, def.column)
	if c.joins == nil {
		inner, err := c.object(def.target, t, sel)
		return "(SELECT " + inner + " FROM " + target.table + " " + t + " WHERE " + on + ")", err
	}
	// Written before the target's own links, which join on t.
	c.joins.WriteString(" LEFT JOIN " + target.table + " " + t + " ON " + on)
	inner, err := c.object(def.target, t, sel)
	return "CASE WHEN " + ident(t, "id") + " IS NULL THEN NULL ELSE " + inner + " END", err
}
