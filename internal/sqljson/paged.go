package sqljson

import (
	"strconv"
	"strings"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/aidregistry/registry/internal/gid"
)

// A connection nested in a record (history) is built whole in SQL, cursors
// included, as entgql's Paginate answers it with no order: the target's
// records naming the row, by id, from the one after the cursor. Its
// arguments are the same for every record it is nested in; the statement
// reads them from a one-row relation, paramsAlias, whose columns f<i> and
// a<i> are the page size and the cursor's id (null without one) of the
// i-th nested connection, bound as parameters: the compiled SQL serves
// every request of its query.
const paramsAlias = "prm"

// connection is the JSON of a nested connection field f of the row.
func (c *compiler) connection(def field, row string, f graphql.CollectedField) (string, error) {
	target, ok := objects[def.target]
	connType, edgeType, err := connectionTypes(c.schema, f.Definition)
	if !ok || err != nil {
		return "", unsupported("connection %s: %v", f.Name, err)
	}
	c.params = append(c.params, f)
	k := strconv.Itoa(len(c.params))
	first, after := paramsAlias+".f"+k, paramsAlias+".a"+k
	p := pagedSQL{c: c, table: target.table, key: def.column, row: row, first: first, after: after}

	fields := graphql.CollectFields(c.op, f.Selections, []string{connType})
	// The server gives entgql each of these fields under its own name
	// (internal/server's connectionSelections), so entgql loads the page
	// when edges are asked under any name, and counts when a count or
	// pageInfo is.
	edges := false
	for _, cf := range fields {
		edges = edges || cf.Name == "edges"
	}
	m := newMembers(len(fields))
	for _, cf := range fields {
		var v string
		isJSON := true
		switch cf.Name {
		case "__typename":
			v, isJSON = quote(connType), false
		case "totalCount":
			v, isJSON = p.count(false), false
		case "edges":
			v, err = p.edges(def.target, edgeType, cf.Selections)
		case "pageInfo":
			v, err = p.pageInfo(cf.Selections, edges)
		default:
			return "", unsupported("%s.%s", connType, cf.Name)
		}
		if err != nil {
			return "", err
		}
		m.add(cf.Alias, v, isJSON)
	}
	return c.sql.object(m.keys, m.values, m.nested), nil
}

// connectionTypes are the connection's and its edges' GraphQL types.
func connectionTypes(schema *ast.Schema, def *ast.FieldDefinition) (string, string, error) {
	if def == nil {
		return "", "", unsupported("no field definition")
	}
	conn := schema.Types[def.Type.Name()]
	if conn == nil || conn.Fields.ForName("edges") == nil {
		return "", "", unsupported("%s is no connection", def.Type.Name())
	}
	return conn.Name, conn.Fields.ForName("edges").Type.Name(), nil
}

// pagedSQL writes the parts of one nested connection.
type pagedSQL struct {
	c                             *compiler
	table, key, row, first, after string
}

// from is the target's records naming the row, after the cursor or all.
func (p pagedSQL) from(t string, afterCursor bool) string {
	s := "FROM " + p.table + " " + t + " WHERE " + ident(t, p.key) + " = " + ident(p.row, "id")
	if afterCursor {
		s += " AND (" + p.after + " IS NULL OR " + ident(t, "id") + " > " + p.after + ")"
	}
	return s
}

// page is the page's rows, numbered: SQLite takes no outer column in a
// LIMIT, so the page size bounds the row number instead.
func (p pagedSQL) page(t string) string {
	inner := p.c.alias()
	return "FROM (SELECT " + inner + ".*, row_number() OVER (ORDER BY " + ident(inner, "id") + ") AS registry_rn " +
		p.from(inner, true) + ") " + t + " WHERE " + p.first + " IS NULL OR " + t + ".registry_rn <= " + p.first
}

func (p pagedSQL) count(afterCursor bool) string {
	t := p.c.alias()
	return "(SELECT count(*) " + p.from(t, afterCursor) + ")"
}

func (p pagedSQL) edges(target, edgeType string, sel ast.SelectionSet) (string, error) {
	t := p.c.alias()
	fields := graphql.CollectFields(p.c.op, sel, []string{edgeType})
	m := newMembers(len(fields))
	for _, ef := range fields {
		var v string
		isJSON := false
		switch ef.Name {
		case "__typename":
			v = quote(edgeType)
		case "cursor":
			v = p.c.sql.cursor(ident(t, "id"))
		case "node":
			node, err := p.c.object(target, t, ef.Selections)
			if err != nil {
				return "", err
			}
			v, isJSON = node, true
		default:
			return "", unsupported("%s.%s", edgeType, ef.Name)
		}
		m.add(ef.Alias, v, isJSON)
	}
	return p.c.sql.array(p.c.sql.object(m.keys, m.values, m.nested), p.page(t), ident(t, "id")), nil
}

// pageInfo follows entgql: without edges it only counts, and says there
// is a next page when anything matches and first was given. An empty page
// (first: 0) has no cursors and nothing before it, and a next page when
// anything matches, after the cursor or not.
func (p pagedSQL) pageInfo(sel ast.SelectionSet, edges bool) (string, error) {
	fields := graphql.CollectFields(p.c.op, sel, []string{"PageInfo"})
	m := newMembers(len(fields))
	empty := "COALESCE(" + p.first + ", -1) = 0"
	for _, pf := range fields {
		var v string
		isJSON := false
		switch {
		case pf.Name == "__typename":
			v = quote("PageInfo")
		case pf.Name == "hasNextPage" && edges:
			v, isJSON = p.c.sql.boolean("CASE WHEN " + empty + " THEN " + p.count(false) + " > 0 ELSE " +
				p.first + " IS NOT NULL AND " + p.count(true) + " > " + p.first + " END")
		case pf.Name == "hasNextPage":
			v, isJSON = p.c.sql.boolean(p.first + " IS NOT NULL AND " + p.count(false) + " > 0")
		case pf.Name == "hasPreviousPage" && edges:
			v, isJSON = p.c.sql.boolean("NOT " + empty + " AND " + p.after + " IS NOT NULL")
		case pf.Name == "hasPreviousPage":
			v, isJSON = p.c.sql.boolean("1 = 0")
		case (pf.Name == "startCursor" || pf.Name == "endCursor") && !edges:
			v = "NULL"
		case pf.Name == "startCursor":
			t := p.c.alias()
			v = "(SELECT " + p.c.sql.cursor(ident(t, "id")) + " " + p.from(t, true) + " AND NOT " + empty +
				" ORDER BY " + ident(t, "id") + " LIMIT 1)"
		case pf.Name == "endCursor":
			t := p.c.alias()
			v = "(SELECT " + p.c.sql.cursor(ident(t, "id")) + " " + p.page(t) + " ORDER BY " + ident(t, "id") + " DESC LIMIT 1)"
		default:
			return "", unsupported("PageInfo.%s", pf.Name)
		}
		m.add(pf.Alias, v, isJSON)
	}
	return p.c.sql.object(m.keys, m.values, m.nested), nil
}

// paramValues reads the arguments of the nested connections of a
// compilation for this request: each one's page size (without one, the
// server's default where it fills one in, else none) and its cursor's id. What the resolvers would
// refuse they answer.
func (c *Connections) paramValues(op *graphql.OperationContext, params []graphql.CollectedField) ([]any, error) {
	values := make([]any, 0, 2*len(params))
	for _, f := range params {
		args := f.ArgumentMap(op.Variables)
		var first any // none: every record, as entgql reads it
		if defaulted(f.Definition) {
			first = c.defaultPage
		}
		if v := args["first"]; v != nil {
			n, ok := toInt(v)
			if !ok || n < 0 || n > c.maxPage {
				return nil, unsupported("%s(first: %v)", f.Name, v)
			}
			first = n
		}
		var after any
		if v := args["after"]; v != nil {
			cur, err := gid.UnmarshalCursor(v)
			if err != nil {
				return nil, unsupported("%s(after: %v)", f.Name, v)
			}
			if list, ok := cur.Value.([]any); cur.Value != nil && (!ok || len(list) > 0) {
				return nil, unsupported("%s(after:) of an ordered page", f.Name)
			}
			after = cur.ID
		}
		values = append(values, first, after)
	}
	return values, nil
}

// literalParams is writeParams' relation with the values written in: the
// search's statement numbers its bind parameters in internal/search, so
// the hits' nested connections take none. The values are integers (or
// null), which paramValues has read as such.
func literalParams(values []any) string {
	if len(values) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(" CROSS JOIN (SELECT ")
	for i, v := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		text := "NULL"
		if n, ok := v.(int); ok {
			text = strconv.Itoa(n)
		}
		b.WriteString("CAST(" + text + " AS BIGINT) AS " + paramName(i))
	}
	b.WriteString(") " + paramsAlias)
	return b.String()
}

// paramName is the column of the i-th value of the relation of nested
// connections' arguments: f<k> and a<k> for the k-th connection.
func paramName(i int) string {
	if i%2 == 1 {
		return "a" + strconv.Itoa(i/2+1)
	}
	return "f" + strconv.Itoa(i/2+1)
}

// writeParams writes the relation of the nested connections' arguments,
// joined to the rows the statement selects; nothing without any.
func writeParams(b *entsql.Builder, values []any) {
	if len(values) == 0 {
		return
	}
	b.WriteString(" CROSS JOIN (SELECT ")
	for i, v := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("CAST(").Arg(v).WriteString(" AS BIGINT) AS " + paramName(i))
	}
	b.WriteString(") " + paramsAlias)
}
