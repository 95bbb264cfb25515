package sqljson

import (
	"context"
	"database/sql"
	"fmt"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/internal/gid"
)

// maxNodes bounds nodes(ids:) on this path: each id is a bind parameter,
// of which SQLite takes 32,766 in a statement and PostgreSQL 65,535.
const maxNodes = 10000

// answerNodes answers node(id:) and nodes(ids:) with one statement: one
// SELECT per type the ids name, each building its records' JSON, whose rows
// are put back in the order of the ids. An id it cannot read, a record that
// is not there or not in its type's scope (a merged organisation, which
// node answers with the one it went into) sends the field to the
// resolvers, which say why.
func (c *Connections) answerNodes(ctx context.Context, op *graphql.OperationContext, f graphql.CollectedField) (JSON, error) {
	args := f.ArgumentMap(op.Variables)
	raw := []any{args["id"]}
	list := f.Name == "nodes"
	if list {
		var ok bool
		if raw, ok = args["ids"].([]any); !ok || len(raw) == 0 || len(raw) > maxNodes {
			return JSON{}, unsupported("nodes(ids: %d)", len(raw))
		}
	}
	ids, err := decodeIDs(raw)
	if err != nil {
		return JSON{}, err
	}
	query, qargs, err := c.nodesStatement(op, f, ids)
	if err != nil {
		return JSON{}, err
	}
	rows, err := c.db.QueryContext(ctx, query, qargs...)
	if err != nil {
		return JSON{}, fmt.Errorf("%s as JSON: %w", f.Name, err)
	}
	defer rows.Close()
	byID, err := scanNodes(rows, c.sql.finish)
	if err != nil {
		return JSON{}, fmt.Errorf("%s as JSON: %w", f.Name, err)
	}
	nodes := make([][]byte, len(ids))
	for i, id := range ids {
		if nodes[i] = byID[id.id]; nodes[i] == nil {
			return JSON{}, unsupported("no record for id %v", raw[i])
		}
	}
	return JSON{write: func(w writer) { writeNodes(w, nodes, list) }}, nil
}

// typedID is a record's id with the GraphQL type it names.
type typedID struct {
	id  int
	typ string
}

// decodeIDs reads the opaque ids; one it cannot read, or of a type this
// path does not build, goes to the resolvers.
func decodeIDs(raw []any) ([]typedID, error) {
	ids := make([]typedID, len(raw))
	for i, v := range raw {
		s, ok := v.(string)
		if !ok {
			return nil, unsupported("id %v", v)
		}
		id, err := gid.Decode(s)
		if err != nil {
			return nil, unsupported("id %q", s)
		}
		typ, _ := gid.TypeOf(id)
		if _, ok := objects[typ]; !ok {
			return nil, unsupported("a %s by id", typ)
		}
		ids[i] = typedID{id: id, typ: typ}
	}
	return ids, nil
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

// nodesStatement is one SELECT per type, in the order the types first
// come, joined by UNION ALL: each reads its type's records by id and gives
// each one's id and JSON.
func (c *Connections) nodesStatement(op *graphql.OperationContext, f graphql.CollectedField, ids []typedID) (string, []any, error) {
	byType := map[string][]any{}
	var types []string
	for _, id := range ids {
		if _, ok := byType[id.typ]; !ok {
			types = append(types, id.typ)
		}
		byType[id.typ] = append(byType[id.typ], id.id)
	}
	d := entsql.Dialect(c.dialect)
	var b entsql.Builder
	b.SetDialect(c.dialect)
	for n, typ := range types {
		node := c.compiled.get(keyOf(op, f, typ), func() compiled {
			comp := &compiler{sql: c.sql, schema: c.schema, op: op}
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
		sel := d.Select("*").From(entsql.Table(objects[typ].table))
		sel.Where(entsql.In(sel.C("id"), byType[typ]...))
		if scope := c.scopes[typ]; scope != nil {
			scope(sel)
		}
		if n > 0 {
			b.WriteString(" UNION ALL ")
		}
		b.WriteString("SELECT " + ident("p", "id") + " AS i, " + node.node + " AS j FROM (").Join(sel).WriteString(") p")
		writeParams(&b, params)
	}
	query, args := b.Query()
	return query, args, nil
}

// scanNodes gives the JSON of each record that came, by id.
func scanNodes(rows *sql.Rows, finish func([]byte) ([]byte, error)) (map[int][]byte, error) {
	nodes := map[int][]byte{}
	for rows.Next() {
		var (
			id   int
			node sql.RawBytes
		)
		if err := rows.Scan(&id, &node); err != nil {
			return nil, err
		}
		json, err := finish(node)
		if err != nil {
			return nil, err
		}
		nodes[id] = compact(json) // a copy: RawBytes last until the next row
	}
	return nodes, rows.Err()
}
