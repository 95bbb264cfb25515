package sqljson

import (
	"context"
	"database/sql"
	"fmt"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/internal/gid"
)

// maxNodes bounds nodes(ids:) on this path: one subquery per id.
const maxNodes = 100

// answerNodes answers node(id:) and nodes(ids:) with one statement: one
// subquery per id, each building its record's JSON under the type the id
// names. An id it cannot read, a record that is not there or not in its
// type's scope (a merged organisation, which node answers with the one it
// went into) sends the field to the resolvers, which say why.
func (c *Connections) answerNodes(ctx context.Context, op *graphql.OperationContext, f graphql.CollectedField) (JSON, error) {
	args := f.ArgumentMap(op.Variables)
	raw := []any{args["id"]}
	list := f.Name == "nodes"
	if list {
		var ok bool
		if raw, ok = args["ids"].([]any); !ok || len(raw) == 0 || len(raw) > maxNodes {
			return JSON{}, unsupported("nodes(ids: %v)", args["ids"])
		}
	}
	query, qargs, err := c.nodesStatement(op, f, raw)
	if err != nil {
		return JSON{}, err
	}
	rows, err := c.db.QueryContext(ctx, query, qargs...)
	if err != nil {
		return JSON{}, fmt.Errorf("%s as JSON: %w", f.Name, err)
	}
	defer rows.Close()
	nodes, err := scanNodes(rows, len(raw), c.sql.finish)
	if err != nil {
		return JSON{}, fmt.Errorf("%s as JSON: %w", f.Name, err)
	}
	for i, n := range nodes {
		if n == nil {
			return JSON{}, unsupported("no record for id %v", raw[i])
		}
	}
	return JSON{write: func(w writer) { writeNodes(w, nodes, list) }}, nil
}

// writeNodes writes node's one record, or nodes' list of them.
func writeNodes(w writer, nodes [][]byte, list bool) {
	if list {
		w.WriteByte('[')
	}
	for i, n := range nodes {
		if i > 0 {
			w.WriteByte(',')
		}
		w.Write(n)
	}
	if list {
		w.WriteByte(']')
	}
}

// nodesStatement is one SELECT per id, numbered, joined by UNION ALL.
func (c *Connections) nodesStatement(op *graphql.OperationContext, f graphql.CollectedField, raw []any) (string, []any, error) {
	d := entsql.Dialect(c.dialect)
	var b entsql.Builder
	b.SetDialect(c.dialect)
	for i, v := range raw {
		s, ok := v.(string)
		if !ok {
			return "", nil, unsupported("id %v", v)
		}
		id, err := gid.Decode(s)
		if err != nil {
			return "", nil, unsupported("id %q", s)
		}
		typ, _ := gid.TypeOf(id)
		obj, ok := objects[typ]
		if !ok {
			return "", nil, unsupported("a %s by id", typ)
		}
		node := c.compiled.get(keyOf(op, f, typ), func() compiled {
			comp := &compiler{sql: c.sql, schema: c.schema, op: op, maxFields: 50}
			node, err := comp.object(typ, "p", f.Selections)
			return compiled{node: node, params: comp.params, err: err}
		})
		if node.err != nil {
			return "", nil, node.err
		}
		params, err := c.paramValues(op, node.params)
		if err != nil {
			return "", nil, err
		}
		sel := d.Select("*").From(entsql.Table(obj.table))
		sel.Where(entsql.EQ(sel.C("id"), id))
		if scope := c.scopes[typ]; scope != nil {
			scope(sel)
		}
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		b.WriteString(fmt.Sprintf("SELECT %d AS i, %s AS j FROM (", i, node.node)).Join(sel).WriteString(") p")
		writeParams(&b, params)
	}
	query, args := b.Query()
	return query, args, nil
}

// scanNodes gives each id's JSON, nil where no row came.
func scanNodes(rows *sql.Rows, n int, finish func([]byte) ([]byte, error)) ([][]byte, error) {
	nodes := make([][]byte, n)
	for rows.Next() {
		var (
			i    int
			node sql.RawBytes
		)
		if err := rows.Scan(&i, &node); err != nil {
			return nil, err
		}
		json, err := finish(node)
		if err != nil {
			return nil, err
		}
		nodes[i] = compact(json) // a copy: RawBytes last until the next row
	}
	return nodes, rows.Err()
}
