package sqljson

import (
	"strconv"

	"github.com/99designs/gqlgen/graphql"
)

// write assembles the connection's JSON in the order the query asked for its
// fields, as gqlgen would. Cursors are written here, not in SQL: entgql's
// are msgpack inside base64. shape has checked every field name.
func write(buf writer, r *rootField, s shape, req page, res result) {
	rows, info := arrange(s, req, res)
	writeConnection(buf, connectionJSON{
		conn: r.connection, edge: r.edge, fields: s.conn, edges: s.edge, pageInfo: s.pageInfo,
		total: res.total, n: len(rows), info: info,
		cursor: func(i int) { writeCursor(buf, res.ids[rows[i]], res.values[rows[i]]) },
		field: func(i int, edges string, ef graphql.CollectedField) {
			if ef.Name == "node" {
				buf.Write(res.nodes[rows[i]][s.column[[2]string{edges, ef.Alias}]])
			}
		},
	})
}

// connectionJSON is a page as writeConnection writes it.
type connectionJSON struct {
	conn, edge string // the connection's and its edges' GraphQL types
	fields     []graphql.CollectedField
	edges      map[string][]graphql.CollectedField // by the edges selection's alias
	pageInfo   map[string][]graphql.CollectedField
	total      int
	n          int // the edges on the page
	info       pageInfo
	cursor     func(i int)
	// field writes a field of edge i other than __typename and cursor.
	field func(i int, edges string, ef graphql.CollectedField)
}

// writeConnection writes a connection's fields in the order asked, as
// gqlgen would.
func writeConnection(buf writer, c connectionJSON) {
	writeObject(buf, c.fields, func(cf graphql.CollectedField) {
		switch cf.Name {
		case "__typename":
			buf.WriteString(strconv.Quote(c.conn))
		case "totalCount":
			buf.WriteString(strconv.Itoa(c.total))
		case "edges":
			buf.WriteByte('[')
			for i := 0; i < c.n; i++ {
				if i > 0 {
					buf.WriteByte(',')
				}
				writeObject(buf, c.edges[cf.Alias], func(ef graphql.CollectedField) {
					switch ef.Name {
					case "__typename":
						buf.WriteString(strconv.Quote(c.edge))
					case "cursor":
						c.cursor(i)
					default:
						c.field(i, cf.Alias, ef)
					}
				})
			}
			buf.WriteByte(']')
		case "pageInfo":
			writeObject(buf, c.pageInfo[cf.Alias], func(pf graphql.CollectedField) {
				switch {
				case pf.Name == "__typename":
					buf.WriteString(`"PageInfo"`)
				case pf.Name == "hasNextPage":
					buf.WriteString(strconv.FormatBool(c.info.hasNext))
				case pf.Name == "hasPreviousPage":
					buf.WriteString(strconv.FormatBool(c.info.hasPrevious))
				case c.n == 0: // startCursor, endCursor of an empty page
					buf.WriteString("null")
				case pf.Name == "startCursor":
					c.cursor(0)
				default:
					c.cursor(c.n - 1)
				}
			})
		}
	})
}

type pageInfo struct{ hasNext, hasPrevious bool }

// arrange gives the rows to write, in the order to write them, and what
// pageInfo says, by entgql's rules: the row past the limit only tells that
// there is more, a backward page is read in reverse, and a cursor says
// there is something on its other side. Without edges, or with an empty
// page, entgql only counts, and says there is more in the direction of
// reading whenever anything matches.
func arrange(s shape, req page, res result) ([]int, pageInfo) {
	if !s.edges || req.limit == 0 { // first: 0 or last: 0 gives no edges either
		any := res.total > 0 && req.limit != unlimited
		return nil, pageInfo{hasNext: req.forward && any, hasPrevious: !req.forward && any}
	}
	info := pageInfo{hasNext: req.before != nil, hasPrevious: req.after != nil}
	n := len(res.ids)
	if req.limit != unlimited && n > req.limit {
		n = req.limit
		if req.forward {
			info.hasNext = true
		} else {
			info.hasPrevious = true
		}
	}
	rows := make([]int, n)
	for i := range rows {
		if req.forward {
			rows[i] = i
		} else {
			rows[i] = n - 1 - i
		}
	}
	return rows, info
}

// writeObject writes a JSON object with one member per field, keyed by its
// alias (a GraphQL name, which needs no escaping), its value by value.
func writeObject(buf writer, fields []graphql.CollectedField, value func(graphql.CollectedField)) {
	buf.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('"')
		buf.WriteString(f.Alias)
		buf.WriteString(`":`)
		value(f)
	}
	buf.WriteByte('}')
}
