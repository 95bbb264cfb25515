package sqljson

import "strings"

// maxPairs is the most members one call of an object builder takes:
// PostgreSQL passes at most 100 arguments to a function, a key and a value
// each (and SQLite at most 127). Larger objects are built in chunks, in
// the order asked, since a client reads the members in the order gqlgen
// writes them: the selection's.
const maxPairs = 50

// chunk is one run of at most maxPairs members.
type chunk struct {
	keys, values []string
	nested       []bool
}

func chunksOf(keys, values []string, nested []bool) []chunk {
	var out []chunk
	for start := 0; start < len(keys); start += maxPairs {
		end := min(start+maxPairs, len(keys))
		out = append(out, chunk{keys[start:end], values[start:end], nested[start:end]})
	}
	return out
}

// splicePostgres joins the JSON objects of the chunks into one by their
// text: json (unlike jsonb, whose || sorts keys by length) keeps the text
// it is given, so the members stay in order.
func splicePostgres(objects []string) string {
	parts := make([]string, len(objects))
	for i, o := range objects {
		text := o + "::text"
		switch {
		case i == 0:
			parts[i] = "left(" + text + ", -1)"
		case i == len(objects)-1:
			parts[i] = "substr(" + text + ", 2)"
		default:
			parts[i] = "left(substr(" + text + ", 2), -1)"
		}
	}
	return "(" + strings.Join(parts, " || ', ' || ") + ")::json"
}

// insertSQLite adds a chunk's members to the end of the object obj:
// json_insert appends keys it does not find, in order. An alias is a
// GraphQL name, which a JSON path takes as it is.
func insertSQLite(obj string, c chunk, value func(i int) string) string {
	var b strings.Builder
	b.WriteString("json_insert(" + obj)
	for i, k := range c.keys {
		b.WriteString(", " + quote("$."+k) + ", " + value(i))
	}
	b.WriteString(")")
	return b.String()
}
