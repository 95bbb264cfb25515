package sqljson

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// ErrUnsupported says the selection needs gqlgen's general path.
var ErrUnsupported = errors.New("selection not covered by the SQL JSON path")

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrUnsupported}, args...)...)
}

// compiler turns GraphQL selection sets into SQL expressions that build
// their JSON. Each table it reads gets an alias of its own (t1, t2, ...), so
// a subquery can always name the row it is nested in.
type compiler struct {
	sql     jsonSQL
	schema  *ast.Schema
	op      *graphql.OperationContext
	aliases int
	sat     map[string][]string // satisfies, by type, for this request
	// params are the nested connections, whose arguments the statement
	// reads from paramsAlias (paged.go), in the order of its columns.
	params []graphql.CollectedField
}

func (c *compiler) alias() string {
	c.aliases++
	return "t" + strconv.Itoa(c.aliases)
}

func ident(table, column string) string { return table + `."` + column + `"` }

// members are an object's keys and its values as the dialect writes them,
// with which of the values are JSON already.
type members struct {
	keys, values []string
	nested       []bool
}

func newMembers(n int) *members {
	return &members{keys: make([]string, 0, n), values: make([]string, 0, n), nested: make([]bool, 0, n)}
}

func (m *members) add(key, value string, isJSON bool) {
	m.keys, m.values, m.nested = append(m.keys, key), append(m.values, value), append(m.nested, isJSON)
}

// fields collects a selection's fields on typ: any number, which the
// dialects build in chunks (chunks.go).
func (c *compiler) fields(typ string, sel ast.SelectionSet) ([]graphql.CollectedField, error) {
	return graphql.CollectFields(c.op, sel, c.satisfies(typ)), nil
}

// object is the JSON of the record of type typ in the row aliased row.
func (c *compiler) object(typ, row string, sel ast.SelectionSet) (string, error) {
	obj, ok := objects[typ]
	if !ok {
		return "", unsupported("type %s", typ)
	}
	fields, err := c.fields(typ, sel)
	if err != nil {
		return "", err
	}
	m := newMembers(len(fields))
	for _, f := range fields {
		paged := obj.fields[f.Name].kind == connection
		if len(f.Arguments) > 0 && !paged || hasOwnDirectives(f.Field) {
			return "", unsupported("%s.%s has arguments or directives", typ, f.Name)
		}
		v, isJSON, err := c.field(typ, obj, row, f)
		if err != nil {
			return "", err
		}
		m.add(f.Alias, v, isJSON)
	}
	return c.sql.object(m.keys, m.values, m.nested), nil
}

// satisfies names the type and every interface and union it belongs to:
// the type conditions of the fragments that apply to its records.
func (c *compiler) satisfies(typ string) []string {
	if names, ok := c.sat[typ]; ok {
		return names
	}
	if c.sat == nil {
		c.sat = map[string][]string{}
	}
	c.sat[typ] = satisfies(c.schema, typ)
	return c.sat[typ]
}

func satisfies(schema *ast.Schema, typ string) []string {
	names := []string{typ}
	if def := schema.Types[typ]; def != nil {
		names = append(names, def.Interfaces...)
	}
	for name, def := range schema.Types {
		if def.Kind == ast.Union && slices.Contains(def.Types, typ) {
			names = append(names, name)
		}
	}
	return names
}

// field is the SQL value of one field of a record, and whether it is JSON.
func (c *compiler) field(typ string, obj object, row string, f graphql.CollectedField) (string, bool, error) {
	if f.Name == "__typename" {
		return quote(typ), false, nil
	}
	def, ok := obj.fields[f.Name]
	if !ok {
		return "", false, unsupported("field %s.%s", typ, f.Name)
	}
	switch def.kind {
	case column:
		return ident(row, def.column), false, nil
	case decimal:
		return c.sql.text(ident(row, def.column)), false, nil
	case timestamp:
		return c.sql.time(ident(row, def.column)), false, nil
	case globalID:
		return c.sql.id(typ, ident(row, "id")), false, nil
	case anyID:
		return c.sql.anyID(ident(row, def.column)), false, nil
	case jsonMap:
		return c.sql.jsonMap(ident(row, def.column)), true, nil
	case jsonList:
		v, err := c.jsonList(def.shape, ident(row, def.column), def.nonNull, f.Selections)
		return v, true, err
	case jsonObject:
		v, err := c.jsonObject(def.shape, ident(row, def.column), f.Selections)
		return v, true, err
	case elements:
		v, err := c.elements(def, row, f.Selections)
		return v, true, err
	case connection:
		v, err := c.connection(def, row, f)
		return v, true, err
	case money:
		v, err := c.money(row, def, f.Selections)
		return v, true, err
	case toOne:
		t := c.alias()
		target := objects[def.target]
		inner, err := c.object(def.target, t, f.Selections)
		return "(SELECT " + inner + " FROM " + target.table + " " + t +
			" WHERE " + ident(t, "id") + " = " + ident(row, def.column) + ")", true, err
	case toMany:
		t := c.alias()
		target := objects[def.target]
		inner, err := c.object(def.target, t, f.Selections)
		from := "FROM " + target.table + " " + t + " WHERE " + ident(t, def.column) + " = " + ident(row, "id")
		return c.sql.array(inner, from, ident(t, "id")), true, err
	case manyToMany:
		t, j := c.alias(), c.alias()
		target := objects[def.target]
		inner, err := c.object(def.target, t, f.Selections)
		from := "FROM " + target.table + " " + t + " JOIN " + def.join + " " + j +
			" ON " + ident(j, def.other) + " = " + ident(t, "id") + " WHERE " + ident(j, def.own) + " = " + ident(row, "id")
		return c.sql.array(inner, from, ident(t, "id")), true, err
	}
	return "", false, unsupported("field kind %d", def.kind)
}

// money is a Money object, or null where the amount or currency is missing
// (as money.New gives gqlgen).
func (c *compiler) money(row string, def field, sel ast.SelectionSet) (string, error) {
	fields := graphql.CollectFields(c.op, sel, []string{"Money"})
	keys := make([]string, 0, len(fields))
	values := make([]string, 0, len(fields))
	nested := make([]bool, len(fields))
	for _, f := range fields {
		var v string
		switch f.Name {
		case "amount":
			v = c.sql.text(ident(row, def.amount))
		case "currency":
			v = ident(row, def.currency)
		case "__typename":
			v = quote("Money")
		default:
			return "", unsupported("field Money.%s", f.Name)
		}
		keys, values = append(keys, f.Alias), append(values, v)
	}
	return "CASE WHEN " + ident(row, def.amount) + " IS NULL OR " + ident(row, def.currency) +
		" IS NULL THEN NULL ELSE " + c.sql.object(keys, values, nested) + " END", nil
}

// hasOwnDirectives reports directives other than @skip and @include, which
// CollectFields has already applied.
func hasOwnDirectives(f *ast.Field) bool {
	for _, d := range f.Directives {
		if d.Name != "skip" && d.Name != "include" {
			return true
		}
	}
	return false
}
