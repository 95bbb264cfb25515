package sqljson

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Entity reports whether a GraphQL object type is a record of one table
// (one this path maps), as opposed to a value some resolver computes.
func Entity(typ string) bool {
	_, ok := objects[typ]
	return ok
}

// Reads adds to tables the tables that answering sel on records of type
// typ reads: the records' own table, and those of every link sel follows
// (join tables included). It returns false when sel asks for a field that
// is no column or link, such as history: a resolver answers it, and may
// read any table.
func Reads(op *graphql.OperationContext, typ string, sel ast.SelectionSet, tables map[string]bool) bool {
	o, ok := objects[typ]
	if !ok {
		return false
	}
	tables[o.table] = true
	for _, cf := range graphql.CollectFields(op, sel, []string{typ}) {
		if cf.Name == "__typename" {
			continue
		}
		f, ok := o.fields[cf.Name]
		if !ok {
			return false
		}
		switch f.kind {
		case manyToMany:
			tables[f.join] = true
			fallthrough
		case toOne, toMany:
			if !Reads(op, f.target, cf.Selections, tables) {
				return false
			}
		}
	}
	return true
}
