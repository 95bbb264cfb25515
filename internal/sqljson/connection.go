package sqljson

import (
	"context"
	"database/sql"
	"fmt"

	"entgo.io/contrib/entgql"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/aidregistry/registry/internal/gid"
)

// Querier runs one SQL statement; *ent.Client is one (through the store's
// counting driver, so these statements are counted and timed like the rest).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Connections answers the root connections of the generated map.
type Connections struct {
	db          Querier
	schema      *ast.Schema
	sql         jsonSQL
	dialect     string
	defaultPage int
	maxPage     int
	roots       map[string]*rootField
	scopes      map[string]func(*entsql.Selector) // by GraphQL type, for node(id:)
	compiled    compiledCache
	seats       *seats
	search      *Search // nil: search goes to the resolvers
}

// rootField is a root connection as this schema and server answer it.
type rootField struct {
	root
	name       string
	connection string    // the connection's GraphQL type
	edge       string    // its edges' GraphQL type
	where      *ast.Type // the type of the where argument
	def        *ast.FieldDefinition
	scope      func(*entsql.Selector)
}

// Option adjusts a root connection, or the path.
type Option func(*Connections)

// WithLargeAnswers lets at most n answers hold more than small bytes of
// rows at once (see seats); 0 or less: no bound.
func WithLargeAnswers(n, small int) Option {
	return func(c *Connections) { c.seats = newSeats(n, small) }
}

// WithScope restricts a root connection to the records its resolver lists
// (organisations leaves out the merged ones): a condition the resolver
// adds by hand, which no schema tells.
func WithScope(field string, pred func(*entsql.Selector)) Option {
	return func(c *Connections) {
		if r := c.roots[field]; r != nil {
			r.scope = pred
			c.scopes[r.object] = pred
		}
	}
}

// New prepares the path for a store of the given dialect, with the GraphQL
// schema and the server's default and largest page sizes.
func New(db Querier, dialectName string, schema *ast.Schema, defaultPage, maxPage int, opts ...Option) (*Connections, error) {
	d, err := dialectOf(dialectName)
	if err != nil {
		return nil, err
	}
	c := &Connections{db: db, sql: d, dialect: dialectName, defaultPage: defaultPage, maxPage: maxPage,
		schema: schema, roots: map[string]*rootField{}, scopes: map[string]func(*entsql.Selector){},
		compiled: newCompiledCache()}
	for name, r := range roots {
		rf, err := rootOf(schema, name, r)
		if err != nil {
			return nil, err
		}
		c.roots[name] = rf
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// rootOf checks a generated root against the schema the server runs.
func rootOf(schema *ast.Schema, name string, r root) (*rootField, error) {
	fd := schema.Query.Fields.ForName(name)
	if fd == nil || fd.Arguments.ForName("where") == nil {
		return nil, fmt.Errorf("sqljson: the schema has no Query.%s(where:)", name)
	}
	conn := schema.Types[fd.Type.Name()]
	edges := conn.Fields.ForName("edges")
	if edges == nil {
		return nil, fmt.Errorf("sqljson: %s has no edges", conn.Name)
	}
	return &rootField{root: r, name: name, connection: conn.Name, edge: edges.Type.Name(),
		where: fd.Arguments.ForName("where").Type, def: fd}, nil
}

// Covers reports whether the path may answer a root field of Query.
func (c *Connections) Covers(field string) bool {
	return c.roots[field] != nil || field == "node" || field == "nodes" || c.search != nil && field == c.search.Field
}

// Answer gives the connection's JSON, or an error wrapping ErrUnsupported
// when the request needs the general path (which also gives every client
// error, such as a bad cursor or page size, its usual answer).
func (c *Connections) Answer(ctx context.Context, op *graphql.OperationContext, f graphql.CollectedField) (JSON, error) {
	if f.Name == "node" || f.Name == "nodes" {
		return c.answerNodes(ctx, op, f)
	}
	if c.search != nil && f.Name == c.search.Field {
		return c.answerSearch(ctx, op, f)
	}
	r := c.roots[f.Name]
	if r == nil {
		return JSON{}, unsupported("Query.%s", f.Name)
	}
	key := keyOf(op, f, "")
	comp := c.compiled.get(key, func() compiled {
		s, err := c.shape(r, op, f)
		return compiled{shape: s, err: err}
	})
	p := comp.plan
	if p == nil {
		req, err := c.parse(r, f.ArgumentMap(op.Variables))
		if err != nil {
			return JSON{}, err
		}
		if comp.err != nil {
			return JSON{}, comp.err
		}
		params, err := c.paramValues(op, comp.shape.params)
		if err != nil {
			return JSON{}, err
		}
		query, args := c.statement(r, req, comp.shape.forPage(req), params)
		p = &plan{req: req, query: query, args: args}
		// The nested connections' arguments are the statement's too.
		if literal(f.Arguments) && nestedLiteral(comp.shape.params) {
			comp.plan = p
			c.compiled.keep(key, comp)
		}
	}
	shape, req := comp.shape.forPage(p.req), p.req
	t := c.seats.ticket(ctx, op)
	if p.large.Load() {
		if err := t.first(); err != nil {
			return JSON{}, fmt.Errorf("%s as JSON: %w", r.name, err)
		}
	}
	res, err := c.read(ctx, p, shape, t)
	if err != nil {
		t.release()
		return JSON{}, fmt.Errorf("%s as JSON: %w", r.name, err)
	}
	if large := t.large(); large != p.large.Load() {
		p.large.Store(large)
	}
	return JSON{write: func(w writer) { write(w, r, shape, req, res) }, written: t.release}, nil
}

// read runs a plan's statement and scans its rows.
func (c *Connections) read(ctx context.Context, p *plan, s shape, t *ticket) (result, error) {
	rows, err := c.db.QueryContext(ctx, p.query, p.args...)
	if err != nil {
		return result{}, err
	}
	defer rows.Close()
	return scan(rows, p.req.orders, s, c.sql.finish, t.grow)
}

// shape is what the selection asks of the connection. Requests share it
// (see compiledCache): nothing changes it once made.
type shape struct {
	conn     []graphql.CollectedField            // the connection's fields, in order
	edge     map[string][]graphql.CollectedField // the fields of each edges selection, by its alias
	pageInfo map[string][]graphql.CollectedField
	// nodes are the SQL building the JSON of each node selection, in the
	// statement's columns after the order values; column holds each one's
	// place, by the aliases of its edges and of its node.
	nodes  []string
	column map[[2]string]int
	params []graphql.CollectedField // the nodes' nested connections (paged.go)
	total  bool                     // the count is needed
	// edges says whether the page is loaded: some edges selection, under
	// any name, asks for it. Without one the connection counts, and
	// pageInfo says a next page exists whenever anything matches, as
	// entgql answers it (the resolvers see every edges selection under its
	// own name: see the server's connectionSelections).
	edges bool
}

func (c *Connections) shape(r *rootField, op *graphql.OperationContext, f graphql.CollectedField) (shape, error) {
	s := shape{pageInfo: map[string][]graphql.CollectedField{}, edge: map[string][]graphql.CollectedField{},
		column: map[[2]string]int{}}
	s.conn = graphql.CollectFields(op, f.Selections, []string{r.connection})
	for _, cf := range s.conn {
		switch cf.Name {
		case "totalCount":
			s.total = true
		case "pageInfo":
			fields, err := pageInfoFields(op, cf)
			if err != nil {
				return s, err
			}
			s.pageInfo[cf.Alias] = fields
		case "edges":
			s.edge[cf.Alias] = graphql.CollectFields(op, cf.Selections, []string{r.edge})
			s.edges = true
		case "__typename":
		default:
			return s, unsupported("%s.%s", r.connection, cf.Name)
		}
		if cf.Name != "edges" && cf.Alias == "edges" {
			return s, unsupported("%s aliased edges", cf.Name)
		}
	}
	if !s.edges {
		s.total = true // what entgql answers with then: a count
	}
	// One compiler for every node selection, so that their tables' aliases
	// and nested connections' parameters do not clash.
	comp := &compiler{sql: c.sql, schema: c.schema, op: op}
	for _, cf := range s.conn {
		if cf.Name != "edges" {
			continue
		}
		for _, ef := range s.edge[cf.Alias] {
			switch ef.Name {
			case "node":
				node, err := comp.object(r.object, "p", ef.Selections)
				if err != nil {
					return s, err
				}
				s.column[[2]string{cf.Alias, ef.Alias}] = len(s.nodes)
				s.nodes = append(s.nodes, node)
			case "cursor", "__typename":
			default:
				return s, unsupported("%s.%s", r.edge, ef.Name)
			}
		}
	}
	s.params = comp.params
	return s, nil
}

// pageInfoFields are the fields a pageInfo selection asks, all of which
// the path writes.
func pageInfoFields(op *graphql.OperationContext, cf graphql.CollectedField) ([]graphql.CollectedField, error) {
	fields := graphql.CollectFields(op, cf.Selections, []string{"PageInfo"})
	for _, pf := range fields {
		switch pf.Name {
		case "hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename":
		default:
			return nil, unsupported("PageInfo.%s", pf.Name)
		}
	}
	return fields, nil
}

// writeCursor writes a row's cursor as entgql does: msgpack inside base64.
func writeCursor(buf writer, id int, values []any) {
	gid.MarshalCursor(entgql.Cursor[int]{ID: id, Value: values}).MarshalGQL(buf)
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), float64(int(n)) == n
	case interface{ Int64() (int64, error) }: // json.Number
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}
