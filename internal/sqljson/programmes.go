package sqljson

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"entgo.io/contrib/entgql"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/gid"
)

// Querier runs one SQL statement; *ent.Client is one (through the store's
// counting driver, so these statements are counted and timed like the rest).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Programmes answers Query.programmes.
type Programmes struct {
	db          Querier
	schema      *ast.Schema
	where       *ast.Type // the type of the where argument
	sql         jsonSQL
	dialect     string
	defaultPage int
	maxPage     int
}

// NewProgrammes prepares the path for a store of the given dialect, with the
// GraphQL schema and the server's default and largest page sizes.
func NewProgrammes(db Querier, dialectName string, schema *ast.Schema, defaultPage, maxPage int) (*Programmes, error) {
	d, err := dialectOf(dialectName)
	if err != nil {
		return nil, err
	}
	field := schema.Query.Fields.ForName("programmes")
	if field == nil || field.Arguments.ForName("where") == nil {
		return nil, fmt.Errorf("sqljson: the schema has no Query.programmes(where:)")
	}
	return &Programmes{db: db, sql: d, dialect: dialectName, defaultPage: defaultPage, maxPage: maxPage,
		schema: schema, where: field.Arguments.ForName("where").Type}, nil
}

// orderColumns are the programme order fields this path sorts by: the ones
// whose cursor values are strings, as entgql writes them.
var orderColumns = map[string]string{
	"CODE": "code", "TITLE": "title", "STATUS": "status", "THEME": "theme",
	"START_DATE": "start_date", "END_DATE": "end_date",
}

// page is a parsed connection request.
type page struct {
	first   int
	after   *entgql.Cursor[int]
	columns []string
	dirs    []entgql.OrderDirection
	where   func(*entsql.Selector)
	// cursor holds the predicates that start the page after the cursor.
	cursor []func(*entsql.Selector)
}

// Answer writes the connection's JSON, or returns an error wrapping
// ErrUnsupported when the request needs the general path (which also gives
// every client error, such as a bad cursor or page size, its usual answer).
func (p *Programmes) Answer(ctx context.Context, op *graphql.OperationContext, f graphql.CollectedField) (graphql.Marshaler, error) {
	req, err := p.parse(f.ArgumentMap(op.Variables))
	if err != nil {
		return nil, err
	}
	shape, err := p.shape(op, f)
	if err != nil {
		return nil, err
	}
	query, args := p.statement(req, shape)
	rows, err := p.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("programmes as JSON: %w", err)
	}
	defer rows.Close()
	res, err := scan(rows, len(req.columns), shape.total)
	if err != nil {
		return nil, fmt.Errorf("programmes as JSON: %w", err)
	}
	var buf bytes.Buffer
	write(&buf, shape, req, res)
	return graphql.WriterFunc(func(w io.Writer) { _, _ = w.Write(buf.Bytes()) }), nil
}

func (p *Programmes) parse(args map[string]any) (page, error) {
	var req page
	if args["last"] != nil || args["before"] != nil {
		return req, unsupported("backward pagination")
	}
	req.first = p.defaultPage
	if v, ok := args["first"]; ok && v != nil {
		n, ok := toInt(v)
		if !ok || n < 1 || n > p.maxPage {
			return req, unsupported("first = %v", v)
		}
		req.first = n
	}
	if v, ok := args["after"]; ok && v != nil {
		c, err := gid.UnmarshalCursor(v)
		if err != nil {
			return req, unsupported("cursor %v", v)
		}
		req.after = &c
	}
	if err := req.order(args["orderBy"]); err != nil {
		return req, err
	}
	if req.after != nil {
		preds, err := entgql.MultiCursorsPredicate(req.after, nil, &entgql.MultiCursorsOptions{
			FieldID: "id", DirectionID: entgql.OrderDirectionAsc, Fields: req.columns, Directions: req.dirs,
		})
		if err != nil { // a cursor from another order: entgql's error
			return req, unsupported("cursor: %v", err)
		}
		req.cursor = preds
	}
	if v, ok := args["where"]; ok && v != nil {
		if err := checkInput(p.schema, p.where, v); err != nil {
			return req, err
		}
		where, err := whereInput(v)
		if err != nil {
			return req, err
		}
		pred, err := where.P()
		switch {
		case errors.Is(err, ent.ErrEmptyProgrammeWhereInput):
		case err != nil:
			return req, unsupported("where: %v", err)
		default:
			req.where = pred
		}
	}
	return req, nil
}

func (req *page) order(v any) error {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v} // a single value stands for a list of one
	}
	for _, item := range list {
		o, ok := item.(map[string]any)
		if !ok {
			return unsupported("orderBy %v", item)
		}
		name, _ := o["field"].(string)
		column, ok := orderColumns[name]
		if !ok {
			return unsupported("order field %v", o["field"])
		}
		dir := entgql.OrderDirectionAsc
		if d, ok := o["direction"]; ok && d != nil {
			if dir = entgql.OrderDirection(fmt.Sprint(d)); dir.Validate() != nil {
				return unsupported("direction %v", d)
			}
		}
		if n := len(req.columns); n > 0 && req.columns[n-1] == column {
			return unsupported("duplicate order field %s", name) // entgql's own error
		}
		req.columns, req.dirs = append(req.columns, column), append(req.dirs, dir)
	}
	return nil
}

// whereInput reads the filter as gqlgen would. The query has been validated
// against the schema already; a field the JSON form does not carry (an ID,
// which arrives as an opaque string) refuses the path rather than being
// dropped.
func whereInput(v any) (*ent.ProgrammeWhereInput, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, unsupported("where: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var where ent.ProgrammeWhereInput
	if err := dec.Decode(&where); err != nil {
		return nil, unsupported("where: %v", err)
	}
	return &where, nil
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case json.Number:
		i, err := strconv.Atoi(n.String())
		return i, err == nil
	case float64:
		return int(n), float64(int(n)) == n
	}
	return 0, false
}

// shape is what the selection asks of the connection.
type shape struct {
	conn     []graphql.CollectedField // the connection's fields, in order
	edge     []graphql.CollectedField // the fields of its edges
	pageInfo map[string][]graphql.CollectedField
	node     string // the SQL building a node's JSON, "" when not asked
	total    bool
}

func (p *Programmes) shape(op *graphql.OperationContext, f graphql.CollectedField) (shape, error) {
	s := shape{pageInfo: map[string][]graphql.CollectedField{}}
	s.conn = graphql.CollectFields(op, f.Selections, []string{"ProgrammeConnection"})
	edges := 0
	for _, cf := range s.conn {
		switch cf.Name {
		case "totalCount":
			s.total = true
		case "pageInfo":
			fields := graphql.CollectFields(op, cf.Selections, []string{"PageInfo"})
			for _, pf := range fields {
				switch pf.Name {
				case "hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename":
				default:
					return s, unsupported("PageInfo.%s", pf.Name)
				}
			}
			s.pageInfo[cf.Alias] = fields
		case "edges":
			if edges++; edges > 1 {
				return s, unsupported("edges asked twice")
			}
			s.edge = graphql.CollectFields(op, cf.Selections, []string{"ProgrammeEdge"})
		case "__typename":
		default:
			return s, unsupported("ProgrammeConnection.%s", cf.Name)
		}
	}
	nodes := 0
	for _, ef := range s.edge {
		switch ef.Name {
		case "node":
			if nodes++; nodes > 1 {
				return s, unsupported("node asked twice")
			}
			c := &compiler{sql: p.sql, op: op, maxFields: 50}
			node, err := c.object("Programme", "p", ef.Selections)
			if err != nil {
				return s, err
			}
			s.node = node
		case "cursor", "__typename":
		default:
			return s, unsupported("ProgrammeEdge.%s", ef.Name)
		}
	}
	return s, nil
}

// statement is the one SQL statement: the page of programmes (entgql's
// filter, cursor and order, one row more than asked to tell whether there is
// a next page), each row with its JSON, and the total count beside it when
// asked. The count is a one-row table joined to the page, so an empty page
// still brings it. With both a filter and a count, the matching ids are
// found once (a materialized CTE) and both read them.
func (p *Programmes) statement(req page, s shape) (string, []any) {
	d := entsql.Dialect(p.dialect)
	table := "programmes"
	pageSel := d.Select("*").From(entsql.Table(table))
	var filterSel, countSel *entsql.Selector
	switch {
	case req.where != nil && s.total:
		filterSel = d.Select("id").From(entsql.Table(table))
		req.where(filterSel)
		pageSel.Where(entsql.ExprP(pageSel.C("id") + " IN (SELECT id FROM m)"))
		countSel = d.Select(entsql.As(entsql.Count("*"), "n")).From(entsql.Table("m"))
	case req.where != nil:
		req.where(pageSel)
	case s.total:
		countSel = d.Select(entsql.As(entsql.Count("*"), "n")).From(entsql.Table(table))
	}
	for _, pred := range req.cursor {
		pred(pageSel)
	}
	var order []string
	for i, c := range req.columns {
		pageSel.OrderBy(orderTerm(pageSel.C(c), req.dirs[i]))
		order = append(order, orderTerm(ident("p", c), req.dirs[i]))
	}
	pageSel.OrderBy(pageSel.C("id"))
	order = append(order, ident("p", "id"))
	pageSel.Limit(req.first + 1)

	cols := []string{ident("p", "id")}
	for _, c := range req.columns {
		cols = append(cols, ident("p", c))
	}
	if s.node != "" {
		cols = append(cols, s.node)
	}
	var b entsql.Builder
	b.SetDialect(p.dialect)
	if filterSel != nil {
		b.WriteString("WITH m AS MATERIALIZED (").Join(filterSel).WriteString(") ")
	}
	b.WriteString("SELECT ")
	if countSel != nil {
		b.WriteString("c.n, ")
	}
	b.WriteString(strings.Join(cols, ", "))
	if countSel != nil {
		b.WriteString(" FROM (").Join(countSel).WriteString(") c LEFT JOIN (").Join(pageSel).WriteString(") p ON 1 = 1")
	} else {
		b.WriteString(" FROM (").Join(pageSel).WriteString(") p")
	}
	b.WriteString(" ORDER BY " + strings.Join(order, ", "))
	return b.Query()
}

func orderTerm(column string, dir entgql.OrderDirection) string {
	if dir == entgql.OrderDirectionDesc {
		return column + " DESC"
	}
	return column
}

// result is what the statement brought back.
type result struct {
	total int
	ids   []int
	// values are each row's order values, as entgql puts them in cursors.
	values [][]any
	nodes  [][]byte
}

func scan(rows *sql.Rows, orderColumns int, total bool) (result, error) {
	var res result
	cols, err := rows.Columns()
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var (
			n     sql.NullInt64
			id    sql.NullInt64
			vals  = make([]sql.NullString, orderColumns)
			node  sql.RawBytes
			dests []any
		)
		if total {
			dests = append(dests, &n)
		}
		dests = append(dests, &id)
		for i := range vals {
			dests = append(dests, &vals[i])
		}
		if len(cols) > len(dests) {
			dests = append(dests, &node)
		}
		if err := rows.Scan(dests...); err != nil {
			return res, err
		}
		res.total = int(n.Int64)
		if !id.Valid { // the count's row of an empty page
			continue
		}
		cursor := make([]any, 0, orderColumns)
		for _, v := range vals {
			if v.Valid {
				cursor = append(cursor, v.String)
			} else {
				cursor = append(cursor, nil)
			}
		}
		var compact bytes.Buffer
		if len(node) > 0 {
			if err := json.Compact(&compact, node); err != nil {
				return res, fmt.Errorf("programme %d: the database built invalid JSON: %w", id.Int64, err)
			}
		}
		res.ids = append(res.ids, int(id.Int64))
		res.values = append(res.values, cursor)
		res.nodes = append(res.nodes, compact.Bytes())
	}
	return res, rows.Err()
}
