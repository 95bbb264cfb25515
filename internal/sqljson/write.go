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
// are msgpack inside base64.
func write(buf *bytes.Buffer, s shape, req page, res result) error {
	n := len(res.ids)
	hasNext := n > req.first
	if hasNext {
		n = req.first
	}
	cursor := func(i int) entgql.Cursor[int] {
		return entgql.Cursor[int]{ID: res.ids[i], Value: res.values[i]}
	}
	buf.WriteByte('{')
	for i, cf := range s.conn {
		if i > 0 {
			buf.WriteByte(',')
		}
		key(buf, cf.Alias)
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
				writeEdge(buf, s.edge, res.nodes[r], cursor(r))
			}
			buf.WriteByte(']')
		case "pageInfo":
			buf.WriteByte('{')
			for j, pf := range s.pageInfo[cf.Alias] {
				if j > 0 {
					buf.WriteByte(',')
				}
				key(buf, pf.Alias)
				switch pf.Name {
				case "__typename":
					buf.WriteString(`"PageInfo"`)
				case "hasNextPage":
					buf.WriteString(strconv.FormatBool(hasNext))
				case "hasPreviousPage":
					buf.WriteString(strconv.FormatBool(req.after != nil))
				case "startCursor", "endCursor":
					switch {
					case n == 0:
						buf.WriteString("null")
					case pf.Name == "startCursor":
						gid.MarshalCursor(cursor(0)).MarshalGQL(buf)
					default:
						gid.MarshalCursor(cursor(n - 1)).MarshalGQL(buf)
					}
				default:
					return unsupported("PageInfo.%s", pf.Name)
				}
			}
			buf.WriteByte('}')
		}
	}
	buf.WriteByte('}')
	return nil
}

func writeEdge(buf *bytes.Buffer, fields []graphql.CollectedField, node []byte, c entgql.Cursor[int]) {
	buf.WriteByte('{')
	for i, ef := range fields {
		if i > 0 {
			buf.WriteByte(',')
		}
		key(buf, ef.Alias)
		switch ef.Name {
		case "__typename":
			buf.WriteString(`"ProgrammeEdge"`)
		case "cursor":
			gid.MarshalCursor(c).MarshalGQL(buf)
		case "node":
			buf.Write(node)
		}
	}
	buf.WriteByte('}')
}

// key writes an object key; aliases and field names are GraphQL names,
// which need no escaping.
func key(buf *bytes.Buffer, name string) {
	buf.WriteByte('"')
	buf.WriteString(name)
	buf.WriteString(`":`)
}
