package sqljson

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/internal/gid"
)

// Search is how the path answers a full-text search field: internal/search
// ranks, and this path nests its ranking in a statement that also builds
// each hit's record, where the resolvers read the ranking and then the
// records of each type on the page (and what is selected below them) in
// statements of their own.
type Search struct {
	Field string // the Query field, e.g. "search"
	// Rank reads the field's arguments and gives the ranking of the page
	// they ask for; an error (a client's mistake, which the resolvers
	// report) sends the field to the resolvers.
	Rank func(args map[string]any) (Ranking, error)
	// Kinds names the GraphQL type of the records of each kind a ranking
	// gives.
	Kinds map[string]string
	// Snippet turns a ranking's snippet into the one a client gets.
	Snippet func(marked string) string
}

// Ranking is the statement that ranks one page of a search and counts
// every hit. Its rows, best first, have the columns n (the hits in all),
// id, kind, score and snippet; a page without hits has one row, null but
// for n. The i-th row's cursor is Offset+i+1.
type Ranking struct {
	Query  string
	Args   []any
	Offset int
}

// WithSearch lets the path answer a search field.
func WithSearch(s Search) Option {
	return func(c *Connections) {
		if s.Field != "" && s.Rank != nil && s.Snippet != nil {
			c.search = &s
		}
	}
}

// searchShape is what a selection asks of a search connection.
type searchShape struct {
	conn     []graphql.CollectedField
	edges    map[string][]graphql.CollectedField // each edges selection's fields, by its alias
	pageInfo map[string][]graphql.CollectedField
	// nodes are the SQL building the record of each node selection, in
	// the columns after the ranking's; column holds each one's place, by
	// the aliases of its edges and its node.
	nodes  []string
	column map[[2]string]int
	params []graphql.CollectedField // the hits' nested connections (paged.go)
}

// The search connection's and its edges' types, as graph/search.graphql
// declares them.
const (
	searchConnection = "SearchConnection"
	searchEdge       = "SearchEdge"
)

func (c *Connections) searchShape(op *graphql.OperationContext, f graphql.CollectedField) (*searchShape, error) {
	s := &searchShape{edges: map[string][]graphql.CollectedField{}, pageInfo: map[string][]graphql.CollectedField{},
		column: map[[2]string]int{}}
	s.conn = graphql.CollectFields(op, f.Selections, []string{searchConnection})
	for _, cf := range s.conn {
		switch cf.Name {
		case "totalCount", "__typename":
		case "pageInfo":
			fields, err := pageInfoFields(op, cf)
			if err != nil {
				return nil, err
			}
			s.pageInfo[cf.Alias] = fields
		case "edges":
			fields := graphql.CollectFields(op, cf.Selections, []string{searchEdge})
			s.edges[cf.Alias] = fields
			for _, ef := range fields {
				switch ef.Name {
				case "cursor", "score", "snippet", "__typename":
				case "node":
					node, err := c.hitSQL(op, ef, s)
					if err != nil {
						return nil, err
					}
					s.column[[2]string{cf.Alias, ef.Alias}] = len(s.nodes)
					s.nodes = append(s.nodes, node)
				default:
					return nil, unsupported("%s.%s", searchEdge, ef.Name)
				}
			}
		default:
			return nil, unsupported("%s.%s", searchConnection, cf.Name)
		}
	}
	return s, nil
}

// hitSQL builds a hit's record, of the type its kind names, in the ranking's
// row r: one lookup by id in the one table it can be in. One compiler for
// the shape's every node selection, so that the nested connections'
// parameters (s.params) do not clash.
func (c *Connections) hitSQL(op *graphql.OperationContext, node graphql.CollectedField, s *searchShape) (string, error) {
	comp := &compiler{sql: c.sql, schema: c.schema, op: op, params: s.params}
	expr := "CASE r.kind"
	for _, kind := range slices.Sorted(maps.Keys(c.search.Kinds)) {
		typ := c.search.Kinds[kind]
		obj, ok := objects[typ]
		if !ok {
			return "", unsupported("search hits of type %s", typ)
		}
		json, err := comp.object(typ, "p", node.Selections)
		if err != nil {
			return "", err
		}
		expr += " WHEN " + quote(kind) + " THEN (SELECT " + json + " FROM " + obj.table + " p WHERE " + ident("p", "id") + " = r.id)"
	}
	s.params = comp.params
	return expr + " END", nil
}

// searchResult is what the statement brought back.
type searchResult struct {
	total int
	hits  []searchHit
}

type searchHit struct {
	id      int
	score   float64
	snippet string
	nodes   [][]byte
}

// answerSearch answers a search field with one statement: the ranking of
// its page, and beside each hit the JSON of its record for every node
// selection.
func (c *Connections) answerSearch(ctx context.Context, op *graphql.OperationContext, f graphql.CollectedField) (JSON, error) {
	comp := c.compiled.get(keyOf(op, f, ""), func() compiled {
		s, err := c.searchShape(op, f)
		return compiled{search: s, err: err}
	})
	if comp.err != nil {
		return JSON{}, comp.err
	}
	rk, err := c.search.Rank(f.ArgumentMap(op.Variables))
	if err != nil {
		return JSON{}, unsupported("search: %v", err)
	}
	s := comp.search
	params, err := c.paramValues(op, s.params)
	if err != nil {
		return JSON{}, err
	}
	query := "SELECT r.n, r.id, r.score, r.snippet"
	for _, node := range s.nodes {
		query += ", " + node
	}
	query += " FROM (" + rk.Query + ")" + " r" + literalParams(params) + " ORDER BY r.score DESC, r.id"
	rows, err := c.db.QueryContext(ctx, query, rk.Args...)
	if err != nil {
		return JSON{}, fmt.Errorf("%s as JSON: %w", f.Name, err)
	}
	defer rows.Close()
	t := c.seats.ticket(ctx, op)
	res, err := scanSearch(rows, len(s.nodes), c.sql.finish, t.grow)
	if err != nil {
		t.release()
		return JSON{}, fmt.Errorf("%s as JSON: %w", f.Name, err)
	}
	return JSON{write: func(w writer) { c.writeSearch(ctx, w, s, rk.Offset, res) }, written: t.release}, nil
}

// scanSearch reads the ranking's rows with their records' JSON.
func scanSearch(rows *sql.Rows, nodes int, finish func([]byte) ([]byte, error), grow func(int) error) (searchResult, error) {
	var res searchResult
	raw := make([]sql.RawBytes, nodes)
	for rows.Next() {
		var (
			n       int
			id      sql.NullInt64
			score   sql.NullFloat64
			snippet sql.NullString
		)
		dests := []any{&n, &id, &score, &snippet}
		for i := range raw {
			dests = append(dests, &raw[i])
		}
		if err := rows.Scan(dests...); err != nil {
			return res, err
		}
		res.total = n
		if !id.Valid { // the count's row of an empty page
			continue
		}
		h := searchHit{id: int(id.Int64), score: score.Float64, snippet: snippet.String}
		nodes, err := keepNodes(h.id, raw, grow, finish)
		if err != nil {
			return res, err
		}
		h.nodes = nodes
		res.hits = append(res.hits, h)
	}
	return res, rows.Err()
}

// writeSearch writes the connection as the resolvers give it
// (internal/search): a hit whose record is gone is left out where records
// are asked for, a hit's cursor is its place in the ranking, and pageInfo
// tells the ranking's neighbours.
func (c *Connections) writeSearch(ctx context.Context, buf writer, s *searchShape, offset int, res searchResult) {
	type edge struct {
		searchHit
		cursor int
	}
	var edges []edge
	for i, h := range res.hits {
		if slices.ContainsFunc(h.nodes, func(n []byte) bool { return n == nil }) {
			continue // no record: the resolvers leave the hit out too
		}
		edges = append(edges, edge{searchHit: h, cursor: offset + i + 1})
	}
	writeConnection(buf, connectionJSON{
		conn: searchConnection, edge: searchEdge, fields: s.conn, edges: s.edges, pageInfo: s.pageInfo,
		total: res.total, n: len(edges),
		info:   pageInfo{hasNext: offset+len(res.hits) < res.total, hasPrevious: offset > 0},
		cursor: func(i int) { gid.MarshalCursor(entgql.Cursor[int]{ID: edges[i].cursor}).MarshalGQL(buf) },
		field: func(i int, alias string, ef graphql.CollectedField) {
			e := edges[i]
			switch ef.Name {
			case "score":
				// As gqlgen writes a Float; a score is never infinite or
				// NaN, the one error it gives.
				_ = graphql.MarshalFloatContext(e.score).MarshalGQLContext(ctx, buf)
			case "snippet":
				graphql.MarshalString(c.search.Snippet(e.snippet)).MarshalGQL(buf)
			case "node":
				buf.Write(e.nodes[s.column[[2]string{alias, ef.Alias}]])
			}
		},
	})
}
