package sqljson

import (
	"bytes"
	"strconv"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/internal/gid"
)

// write assembles the connection's JSON in the order the query asked for its
// fields, as gqlgen would. Cursors are written here, not in SQL: entgql's
// are msgpack inside base64. shape has checked every field name.
func write(buf *bytes.Buffer, s shape, req page, res result) {
	n := len(res.ids)
	hasNext := n > req.first
	if hasNext {
		n = req.first
	}
	cursor := func(i int) {
		gid.MarshalCursor(entgql.Cursor[int]{ID: res.ids[i], Value: res.values[i]}).MarshalGQL(buf)
	}
	writeObject(buf, s.conn, func(cf graphql.CollectedField) {
		switch cf.Name {
		case "__typename":
			buf.WriteString(`"ProgrammeConnection"`)
		case "totalCount":
			buf.WriteString(strconv.Itoa(res.total))
		case "edges":
			buf.WriteByte('[')
			for r := 0; r < n; r++ {
				if r > 0 {
					buf.WriteByte(',')
				}
				writeObject(buf, s.edge, func(ef graphql.CollectedField) {
					switch ef.Name {
					case "__typename":
						buf.WriteString(`"ProgrammeEdge"`)
					case "cursor":
						cursor(r)
					case "node":
						buf.Write(res.nodes[r])
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
					buf.WriteString(strconv.FormatBool(hasNext))
				case pf.Name == "hasPreviousPage":
					buf.WriteString(strconv.FormatBool(req.after != nil))
				case n == 0: // startCursor, endCursor of an empty page
					buf.WriteString("null")
				case pf.Name == "startCursor":
					cursor(0)
				default:
					cursor(n - 1)
				}
			})
		}
	})
}

// writeObject writes a JSON object with one member per field, keyed by its
// alias (a GraphQL name, which needs no escaping), its value by value.
func writeObject(buf *bytes.Buffer, fields []graphql.CollectedField, value func(graphql.CollectedField)) {
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
