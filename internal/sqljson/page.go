package sqljson

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/aidregistry/registry/internal/gid"
)

// page is a parsed connection request, in entgql's terms: a backward page
// (last) is read in reverse order and turned round when written.
type page struct {
	limit         int // first or last
	forward       bool
	after, before *entgql.Cursor[int]
	orders        []orderField
	dirs          []entgql.OrderDirection // as asked, before any reversal
	where         func(*entsql.Selector)
	args          func(*entsql.Selector) // a hand-written root's own arguments
	// cursor holds the predicates that start the page at the cursors.
	cursor []func(*entsql.Selector)
	// probe reads one row past the limit, which only tells pageInfo that
	// there is more: without pageInfo that row (and its JSON: for Q6 an
	// organisation's 2,000 participations) would be built for nothing.
	probe bool
}

// unlimited is the page size of a connection asked without first or last
// that the server gives no default (see defaulted): entgql reads it whole.
const unlimited = -1

// defaulted says whether the server fills in the default page size of a
// connection field asked without one: internal/server's pageLimits does for
// fields that take both first and last.
func defaulted(def *ast.FieldDefinition) bool {
	return def != nil && def.Arguments.ForName("first") != nil && def.Arguments.ForName("last") != nil
}

func (c *Connections) parse(r *rootField, args map[string]any) (page, error) {
	req := page{forward: true, limit: c.defaultPage}
	if !defaulted(r.def) {
		req.limit = unlimited
	}
	first, hasFirst, err := c.size(args, "first")
	if err != nil {
		return req, err
	}
	last, hasLast, err := c.size(args, "last")
	switch {
	case err != nil:
		return req, err
	case hasFirst && hasLast:
		return req, unsupported("first and last together")
	case hasFirst:
		req.limit = first
	case hasLast:
		req.limit, req.forward = last, false
	}
	if req.after, err = cursorArg(args, "after"); err != nil {
		return req, err
	}
	if req.before, err = cursorArg(args, "before"); err != nil {
		return req, err
	}
	if err := req.order(r, args["orderBy"]); err != nil {
		return req, err
	}
	if req.after != nil || req.before != nil {
		if err := req.cursors(); err != nil {
			return req, err
		}
	}
	if err := req.own(r, args); err != nil {
		return req, err
	}
	if v, ok := args["where"]; ok && v != nil {
		if err := checkInput(c.schema, r.where, v); err != nil {
			return req, err
		}
		v = coerce(c.schema, r.where, v)
		if req.where, err = c.intersected(r, v); err != nil {
			return req, err
		}
		if req.where == nil {
			if req.where, err = r.root.where(v); err != nil {
				return req, err
			}
		}
		req.where = both(req.where, req.args)
	} else {
		req.where = req.args
	}
	return req, nil
}

// own reads the arguments of a root declared by hand into one predicate.
func (req *page) own(r *rootField, args map[string]any) error {
	for name, arg := range r.args {
		pred, err := arg(args[name])
		if err != nil {
			return err
		}
		req.args = both(req.args, pred)
	}
	return nil
}

// both is the conjunction of two predicates, either of which may be nil.
func both(a, b func(*entsql.Selector)) func(*entsql.Selector) {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return func(s *entsql.Selector) { a(s); b(s) }
}

// size reads first or last; one out of range goes to the general path.
func (c *Connections) size(args map[string]any, name string) (int, bool, error) {
	v, ok := args[name]
	if !ok || v == nil {
		return 0, false, nil
	}
	n, ok := toInt(v)
	if !ok || n < 0 || n > c.maxPage {
		return 0, false, unsupported("%s = %v", name, v)
	}
	return n, true, nil
}

func cursorArg(args map[string]any, name string) (*entgql.Cursor[int], error) {
	v, ok := args[name]
	if !ok || v == nil {
		return nil, nil
	}
	c, err := gid.UnmarshalCursor(v)
	if err != nil {
		return nil, unsupported("%s cursor %v", name, v)
	}
	return &c, nil
}

func (req *page) order(r *rootField, v any) error {
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
		of, ok := r.orders[name]
		if !ok {
			return unsupported("order field %v", o["field"])
		}
		dir := entgql.OrderDirectionAsc
		if d, ok := o["direction"]; ok && d != nil {
			if dir = entgql.OrderDirection(fmt.Sprint(d)); dir.Validate() != nil {
				return unsupported("direction %v", d)
			}
		}
		if n := len(req.orders); n > 0 && req.orders[n-1].column == of.column {
			return unsupported("duplicate order field %s", name) // entgql's own error
		}
		req.orders, req.dirs = append(req.orders, of), append(req.dirs, dir)
	}
	return nil
}

// columns are the order columns and the directions the statement reads
// them in: reversed for a backward page, as entgql's pager does, with the
// id last.
func (req *page) columns() ([]string, []entgql.OrderDirection, entgql.OrderDirection) {
	cols := make([]string, len(req.orders))
	dirs := make([]entgql.OrderDirection, len(req.orders))
	idDir := entgql.OrderDirectionAsc
	for i, o := range req.orders {
		cols[i], dirs[i] = o.column, req.dirs[i]
		if !req.forward {
			dirs[i] = dirs[i].Reverse()
		}
	}
	if !req.forward {
		idDir = idDir.Reverse()
	}
	return cols, dirs, idDir
}

// cursors are entgql's own predicates for the cursors, so a cursor of
// another order is refused as entgql refuses it.
func (req *page) cursors() error {
	cols, dirs, idDir := req.columns()
	preds, err := entgql.MultiCursorsPredicate(req.after, req.before, &entgql.MultiCursorsOptions{
		FieldID: "id", DirectionID: idDir, Fields: cols, Directions: dirs,
	})
	if err != nil {
		return unsupported("cursor: %v", err)
	}
	req.cursor = preds
	return nil
}

// forPage is the shape a page asks of its statement: an empty page (first:
// 0 or last: 0) still counts the matches when pageInfo is asked, which
// then says whether any exist, as entgql answers it.
func (s shape) forPage(req page) shape {
	if req.limit == 0 && len(s.pageInfo) > 0 {
		s.total = true
	}
	return s
}

// statement is the one SQL statement: the page of records (entgql's filter,
// cursors and order, one row more than asked when pageInfo must tell
// whether there is another page), each row with its JSON, and the total
// count beside it when asked. The count is a one-row table joined to the page, so an empty page
// still brings it. With both a filter and a count, the matches are found
// once (a materialized CTE, with their order values) and both read them.
// params are the nested connections' arguments (paged.go).
func (c *Connections) statement(r *rootField, req page, s shape, params []any) (string, []any) {
	req.probe = len(s.pageInfo) > 0 && req.limit != 0
	pageSel, filterSel, countSel := c.selectors(r, req, s)
	var b entsql.Builder
	b.SetDialect(c.dialect)
	if !s.edges {
		b.WriteString("SELECT c.n FROM (").Join(countSel).WriteString(") c")
		return b.Query()
	}
	cols, dirs, idDir := req.columns()
	selected := []string{ident("p", "id")}
	var order []string
	for i, col := range cols {
		selected = append(selected, ident("p", col))
		order = append(order, orderTerm(ident("p", col), dirs[i]))
	}
	order = append(order, orderTerm(ident("p", "id"), idDir))
	if filterSel != nil {
		b.WriteString("WITH m AS MATERIALIZED (").Join(filterSel).WriteString(") ")
	}
	b.WriteString("SELECT ")
	if countSel != nil {
		b.WriteString("c.n, ")
	}
	b.WriteString(strings.Join(selected, ", "))
	// The node's SQL (kilobytes, kept from request to request) goes in
	// once the rest is written: one copy instead of one per step of the
	// builder.
	at := b.Len()
	if countSel != nil {
		b.WriteString(" FROM (").Join(countSel).WriteString(") c LEFT JOIN (").Join(pageSel).WriteString(") p ON 1 = 1")
	} else {
		b.WriteString(" FROM (").Join(pageSel).WriteString(") p")
	}
	writeParams(&b, params)
	b.WriteString(" ORDER BY " + strings.Join(order, ", "))
	query, args := b.Query()
	if len(s.nodes) > 0 {
		query = query[:at] + ", " + strings.Join(s.nodes, ", ") + query[at:]
	}
	return query, args
}

// selectors are the page's rows, the filtered ids both it and the count
// read (nil unless both are needed and there is a filter), and the count
// (nil unless needed).
func (c *Connections) selectors(r *rootField, req page, s shape) (pageSel, filterSel, countSel *entsql.Selector) {
	d := entsql.Dialect(c.dialect)
	table := objects[r.object].table
	filter := func(sel *entsql.Selector) {
		if r.scope != nil {
			r.scope(sel)
		}
		if req.where != nil {
			req.where(sel)
		}
	}
	filtered := req.where != nil || r.scope != nil
	pageSel = d.Select("*").From(entsql.Table(table))
	cols, _, _ := req.columns()
	switch {
	case filtered && s.total && s.edges:
		// The matches are counted and paged from one set, m, which holds
		// their order values too: the page's ids are its first rows
		// (a top-N sort of m), not a join of the table with all of m.
		filterSel = d.Select(append([]string{"id"}, cols...)...).From(entsql.Table(table))
		filter(filterSel)
		countSel = d.Select(entsql.As(entsql.Count("*"), "n")).From(entsql.Table("m"))
		pageSel.Where(entsql.In(pageSel.C("id"), req.window(d.Select("id").From(entsql.Table("m")))))
	case s.total:
		countSel = d.Select(entsql.As(entsql.Count("*"), "n")).From(entsql.Table(table))
		filter(countSel)
		filter(pageSel)
		req.window(pageSel)
	default:
		filter(pageSel)
		req.window(pageSel)
	}
	return pageSel, filterSel, countSel
}

// window starts sel at the cursors, in the page's order, and keeps the
// page's rows (and one more when probing).
func (req *page) window(sel *entsql.Selector) *entsql.Selector {
	for _, pred := range req.cursor {
		pred(sel)
	}
	cols, dirs, idDir := req.columns()
	for i, col := range cols {
		sel.OrderBy(orderTerm(sel.C(col), dirs[i]))
	}
	sel.OrderBy(orderTerm(sel.C("id"), idDir))
	switch {
	case req.limit == unlimited:
		return sel
	case req.probe:
		return sel.Limit(req.limit + 1)
	}
	return sel.Limit(req.limit)
}

func orderTerm(column string, dir entgql.OrderDirection) string {
	if dir == entgql.OrderDirectionDesc {
		return column + " DESC"
	}
	return column
}

// result is what the statement brought back, in the statement's order.
type result struct {
	total int
	ids   []int
	// values are each row's order values, as entgql puts them in cursors.
	values [][]any
	// nodes are each row's JSON of each node selection (shape.column), as
	// encoding/json would write it (see compact), so that it can go to the
	// client as it is.
	nodes [][][]byte
}

// scan reads the rows, each record's JSON finished by finish; grow is told
// the bytes each row's JSON keeps, and may hold the scan back.
func scan(rows *sql.Rows, orders []orderField, s shape, finish func([]byte) ([]byte, error), grow func(int) error) (result, error) {
	var res result
	raw := make([]sql.RawBytes, len(s.nodes))
	for rows.Next() {
		var (
			n     sql.NullInt64
			id    sql.NullInt64
			vals  = make([]any, len(orders))
			dests []any
		)
		if s.total {
			dests = append(dests, &n)
		}
		if s.edges {
			dests = append(dests, &id)
			for i := range vals {
				dests = append(dests, &vals[i])
			}
			for i := range raw {
				dests = append(dests, &raw[i])
			}
		}
		if err := rows.Scan(dests...); err != nil {
			return res, err
		}
		res.total = int(n.Int64)
		if !id.Valid { // the count's row of an empty page, or a count alone
			continue
		}
		cursor, err := cursorValues(orders, vals)
		if err != nil {
			return res, fmt.Errorf("record %d: %w", id.Int64, err)
		}
		res.ids = append(res.ids, int(id.Int64))
		res.values = append(res.values, cursor)
		nodes, err := keepNodes(int(id.Int64), raw, grow, finish)
		if err != nil {
			return res, err
		}
		res.nodes = append(res.nodes, nodes)
	}
	return res, rows.Err()
}

// keepNodes finishes a row's JSON of each node selection and keeps a
// compacted copy of each (RawBytes last until the next row). Each is counted
// by grow before its copy: a scan held back keeps no copy of the row it
// waits with.
func keepNodes(id int, raw []sql.RawBytes, grow func(int) error, finish func([]byte) ([]byte, error)) ([][]byte, error) {
	nodes := make([][]byte, len(raw))
	for i, node := range raw {
		if err := grow(len(node)); err != nil {
			return nil, err
		}
		json, err := finish(node)
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", id, err)
		}
		nodes[i] = compact(json)
	}
	return nodes, nil
}

// cursorValues gives a row's order values the Go types entgql's cursors
// carry: strings (or null) and times.
func cursorValues(orders []orderField, vals []any) ([]any, error) {
	out := make([]any, len(vals))
	for i, v := range vals {
		switch x := v.(type) {
		case nil:
		case []byte:
			out[i] = string(x)
		case string:
			out[i] = x
		case time.Time:
			out[i] = x
		default:
			return nil, fmt.Errorf("order value %v is a %T", v, v)
		}
		if orders[i].cursor == cursorTime {
			if _, ok := out[i].(time.Time); !ok {
				return nil, fmt.Errorf("order value %v is not a time", v)
			}
		}
	}
	return out, nil
}
