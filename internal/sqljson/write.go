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
	cursor := func(i int) { writeCursor(buf, res.ids[rows[i]], res.values[rows[i]]) }
	writeObject(buf, s.conn, func(cf graphql.CollectedField) {
		switch cf.Name {
		case "__typename":
			buf.WriteString(strconv.Quote(r.connection))
		case "totalCount":
			buf.WriteString(strconv.Itoa(res.total))
		case "edges":
			buf.WriteByte('[')
			for i, row := range rows {
				if i > 0 {
					buf.WriteByte(',')
				}
				writeObject(buf, s.edge[cf.Alias], func(ef graphql.CollectedField) {
					switch ef.Name {
					case "__typename":
						buf.WriteString(strconv.Quote(r.edge))
					case "cursor":
						cursor(i)
					case "node":
						buf.Write(res.nodes[row][s.column[[2]string{cf.Alias, ef.Alias}]])
					}
				})
			}
			buf.WriteByte(']')
		case "pageInfo":
			writeObject(buf, s.pageInfo[cf.Alias], func(pf graphql.CollectedField) {
				switch {
				case pf.Name == "__typename":
					buf.WriteString(`"PageInfo"`)
				case pf.Name == "hasNextPage":
					buf.WriteString(strconv.FormatBool(info.hasNext))
				case pf.Name == "hasPreviousPage":
					buf.WriteString(strconv.FormatBool(info.hasPrevious))
				case len(rows) == 0: // startCursor, endCursor of an empty page
					buf.WriteString("null")
				case pf.Name == "startCursor":
					cursor(0)
				default:
					cursor(len(rows) - 1)
				}
			})
		}
	})
}

type pageInfo struct{ hasNext, hasPrevious bool }

// arrange gives the rows to write, in the order to write them, and what
// pageInfo says, by entgql's rules: the row past the limit only tells that
// there is more, a backward page is read in reverse, and a cursor says
// there is something on its other side. Without edges entgql only counts,
// and says there is more in the direction of reading whenever anything
// matches.
func arrange(s shape, req page, res result) ([]int, pageInfo) {
	if !s.edges {
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
