package sqljson

import (
	"database/sql/driver"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
	"modernc.org/sqlite"

	"github.com/aidregistry/registry/internal/gid"
)

// jsonSQL writes the JSON-building expressions of one SQL dialect.
type jsonSQL interface {
	// object builds a JSON object from keys and SQL values; nested marks
	// values that are themselves JSON.
	object(keys, values []string, nested []bool) string
	// array aggregates the JSON objects elem over the rows of from (a FROM
	// clause with its WHERE), in id order, as [] when there are none.
	array(elem, from, order string) string
	// text gives an exact decimal column as a JSON string.
	text(column string) string
	// id gives a record's opaque id.
	id(typ, column string) string
}

func dialectOf(name string) (jsonSQL, error) {
	switch name {
	case dialect.Postgres:
		return postgres{}, nil
	case dialect.SQLite:
		return sqliteJSON{}, nil
	}
	return nil, fmt.Errorf("sqljson: no JSON support for dialect %q", name)
}

// quote writes s as an SQL string literal; keys and type names come from the
// schema and the query document, never from variables.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// call writes fn('key', value, ...), the shape of both dialects' object
// builders.
func call(fn string, keys, values []string) string {
	var b strings.Builder
	b.WriteString(fn + "(")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(k) + ", " + values[i])
	}
	b.WriteString(")")
	return b.String()
}

type postgres struct{}

func (postgres) object(keys, values []string, _ []bool) string {
	return call("json_build_object", keys, values)
}

func (postgres) array(elem, from, order string) string {
	return "(SELECT COALESCE(json_agg(" + elem + " ORDER BY " + order + "), '[]') " + from + ")"
}

func (postgres) text(column string) string { return column + "::text" }

// id is gid.Encode in SQL: base64url without padding of "Type:id".
func (postgres) id(typ, column string) string {
	return "rtrim(translate(encode(convert_to(" + quote(typ+":") + " || " + column +
		", 'UTF8'), 'base64'), '+/', '-_'), '=')"
}

type sqliteJSON struct{}

// object wraps nested values in json(): SQLite passes a value through a
// subquery as text, and json_object would quote it as a string.
func (sqliteJSON) object(keys, values []string, nested []bool) string {
	wrapped := make([]string, len(values))
	for i, v := range values {
		if nested[i] {
			v = "json(" + v + ")"
		}
		wrapped[i] = v
	}
	return call("json_object", keys, wrapped)
}

// array orders in a subquery: json_group_array keeps the order rows come in.
func (sqliteJSON) array(elem, from, order string) string {
	return "(SELECT COALESCE(json_group_array(json(x.j)), '[]') FROM (SELECT " + elem + " AS j " +
		from + " ORDER BY " + order + ") x)"
}

func (sqliteJSON) text(column string) string { return column }

func (sqliteJSON) id(_, column string) string { return "registry_gid(" + column + ")" }

// registry_gid(id) is gid.Encode for SQLite, which has no base64 of its own.
func init() {
	sqlite.MustRegisterFunction("registry_gid", &sqlite.FunctionImpl{
		NArgs:         1,
		Deterministic: true,
		Scalar: func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			if args[0] == nil {
				return nil, nil // NULL in, NULL out, as SQL's own functions do
			}
			id, ok := args[0].(int64)
			if !ok {
				return nil, fmt.Errorf("registry_gid: id is a %T, not an integer", args[0])
			}
			return gid.Encode(int(id)), nil
		},
	})
}
