package sqljson

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"

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
	// time gives a time column as gqlgen's Time writes the time.Time the
	// driver reads from it (RFC 3339, nanoseconds without trailing zeros).
	time(column string) string
	// anyID gives the opaque id of a record of any type, named by its id.
	anyID(column string) string
	// jsonMap gives a JSON object column as gqlgen writes a Map.
	jsonMap(column string) string
	// cursor gives the cursor entgql writes for a record of an unordered
	// page: msgpack of {"i": id} in unpadded base64.
	cursor(column string) string
	// boolean gives a condition as a JSON true or false, and whether the
	// value is JSON (to be nested as such).
	boolean(cond string) (string, bool)
	// element is the JSON value of the array element aliased alias, as
	// elements reads it; jsonText is the text of src's key (NULL when it
	// is missing or null), jsonValue its JSON value.
	element(alias string) string
	jsonText(src, key string) string
	jsonValue(src, key string) string
	// elements is the JSON array of elem over the elements of the JSON
	// array src, in order; null (or [] when nonNull) when src is no array.
	elements(src, alias, elem string, nonNull bool) string
	// ifObject is obj where src is a JSON object, else NULL.
	ifObject(src, obj string) string
	// float gives the JSON number src as gqlgen writes a Float, 0 for
	// none; the value is JSON.
	float(src string) string
	// activity, attr, xmlLang, firstKid, kids, kid, kidOrder, trim,
	// upper, decimal and quoted read IATI element trees (elements_sql.go):
	// the iati-activity element of a column's list (NULL for none), an
	// element's attribute of a name in no namespace and its xml:lang (NULL
	// when missing), its first child of a name (NULL for none), and a FROM
	// clause over its children of a name (ending in a WHERE condition), the
	// child's value and order; TrimSpace, ToUpper, a Decimal's text as
	// money.Parse reads it (NULL when it does not), and a text as a JSON
	// string.
	activity(column string) string
	attr(src, name string) string
	xmlLang(src string) string
	firstKid(src, name string) string
	kids(src, alias, name string) string
	kid(alias string) string
	kidOrder(alias string) string
	trim(s string) string
	upper(s string) string
	decimal(s string) string
	quoted(s string) string
	// finish turns a record's JSON as the database wrote it into the
	// record's JSON (mapsql.go).
	finish(node []byte) ([]byte, error)
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

func (postgres) object(keys, values []string, nested []bool) string {
	chunks := chunksOf(keys, values, nested)
	if len(chunks) <= 1 {
		return call("json_build_object", keys, values)
	}
	objects := make([]string, len(chunks))
	for i, c := range chunks {
		objects[i] = call("json_build_object", c.keys, c.values)
	}
	return splicePostgres(objects)
}

// array aggregates an ordered subquery rather than ordering inside
// json_agg: PostgreSQL 15 sorts an ordered aggregate's input itself, built
// JSON included, even when an index already gives the rows in order (an
// organisation's participations by id: Q6 ran 6-7% faster this way).
// An aggregate over a plain ordered subquery takes its rows in that order,
// the other way PostgreSQL's documentation gives to order its input.
func (postgres) array(elem, from, order string) string {
	return "(SELECT COALESCE(json_agg(x.j), '[]') FROM (SELECT " + elem + " AS j " + from + " ORDER BY " + order + ") x)"
}

func (postgres) text(column string) string { return column + "::text" }

func (postgres) id(typ, column string) string { return gid.EncodeSQL(typ, column) }

// time writes the instant in the session's time zone, as lib/pq reads it:
// Z for UTC, else the offset; the fraction without its trailing zeros.
func (postgres) time(column string) string {
	return "(regexp_replace(to_char(" + column + `, 'YYYY-MM-DD"T"HH24:MI:SS.US'), '\.?0+$', '') || ` +
		"CASE WHEN extract(timezone FROM " + column + ") = 0 THEN 'Z' ELSE to_char(" + column + ", 'TZH:TZM') END)"
}

func (postgres) anyID(column string) string { return gid.EncodeAnySQL(column) }

func (postgres) jsonMap(column string) string { return markedMap(column) }

// finish looks once for what both marks hold, a NUL escaped, before it
// looks for either: most records have neither, and bytes.Index stops at
// every brace of a record when it looks for a mark itself, where a
// backslash is rare (a Q6 page spent a seventh of the server's time there).
// Both kinds are rewritten in one pass, so what a Map writes (a history's
// json may hold a key spelling a mark) is never taken for a mark.
func (postgres) finish(node []byte) ([]byte, error) {
	if !bytes.Contains(node, []byte(markNUL)) {
		return node, nil
	}
	return finishMarked(node, mapValue, floatValue)
}

// cursor writes msgpack/v5's map of one entry, "i" and the id as its
// shortest unsigned integer (ids are never negative), in base64 without
// its padding; 12 bytes at most, never broken into lines.
func (postgres) cursor(column string) string {
	be := "int8send(" + column + ")"
	return `rtrim(encode('\x81a169'::bytea || CASE WHEN ` + column + ` <= 127 THEN substring(` + be + ` from 8)` +
		` WHEN ` + column + ` <= 255 THEN '\xcc'::bytea || substring(` + be + ` from 8)` +
		` WHEN ` + column + ` <= 65535 THEN '\xcd'::bytea || substring(` + be + ` from 7)` +
		` WHEN ` + column + ` <= 4294967295 THEN '\xce'::bytea || substring(` + be + ` from 5)` +
		` ELSE '\xcf'::bytea || ` + be + ` END, 'base64'), '=')`
}

func (postgres) boolean(cond string) (string, bool) { return "(" + cond + ")", false }

type sqliteJSON struct{}

// object wraps nested values in json(): SQLite passes a value through a
// subquery as text, and json_object would quote it as a string.
func (sqliteJSON) object(keys, values []string, nested []bool) string {
	value := func(i int) string {
		if nested[i] {
			return "json(" + values[i] + ")"
		}
		return values[i]
	}
	chunks := chunksOf(keys, values, nested)
	first := chunk{}
	if len(chunks) > 0 {
		first = chunks[0]
	}
	wrapped := make([]string, len(first.keys))
	for i := range wrapped {
		wrapped[i] = value(i)
	}
	obj := call("json_object", first.keys, wrapped)
	for n, c := range chunks[min(1, len(chunks)):] {
		offset := (n + 1) * maxPairs
		obj = insertSQLite(obj, c, func(i int) string { return value(offset + i) })
	}
	return obj
}

// array orders in a subquery: json_group_array keeps the order rows come in.
func (sqliteJSON) array(elem, from, order string) string {
	return "(SELECT COALESCE(json_group_array(json(x.j)), '[]') FROM (SELECT " + elem + " AS j " +
		from + " ORDER BY " + order + ") x)"
}

func (sqliteJSON) text(column string) string { return column }

func (sqliteJSON) id(_, column string) string { return "registry_gid(" + column + ")" }

func (sqliteJSON) time(column string) string { return "registry_time(" + column + ")" }

func (sqliteJSON) anyID(column string) string { return "registry_gid(" + column + ")" }

func (sqliteJSON) jsonMap(column string) string { return "registry_map(" + column + ")" }

func (sqliteJSON) cursor(column string) string { return "registry_cursor(" + column + ")" }

func (sqliteJSON) finish(node []byte) ([]byte, error) { return node, nil }

// boolean is JSON text, which json_object takes as JSON once wrapped in
// json(): SQLite has no boolean of its own.
func (sqliteJSON) boolean(cond string) (string, bool) {
	return "CASE WHEN " + cond + " THEN 'true' ELSE 'false' END", true
}

// registry_gid(id) is gid.Encode for SQLite, which has no base64 of its
// own; registry_time(text) writes a stored time as gqlgen writes a Time;
// registry_cursor(id) and registry_map(text) are cursor and jsonMap for
// SQLite: the Go code gqlgen runs, on the stored values.
func init() {
	registerNullable("registry_gid", func(v driver.Value) (driver.Value, error) {
		id, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("registry_gid: id is a %T, not an integer", v)
		}
		return gid.Encode(int(id)), nil
	})
	registerNullable("registry_time", func(v driver.Value) (driver.Value, error) {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("registry_time: a %T, not a time's text", v)
		}
		t, err := parseSQLiteTime(s)
		if err != nil {
			return nil, err
		}
		return t.Format(time.RFC3339Nano), nil
	})
	registerNullable("registry_cursor", func(v driver.Value) (driver.Value, error) {
		id, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("registry_cursor: id is a %T, not an integer", v)
		}
		var b bytes.Buffer
		writeCursor(&b, int(id), []any{})
		return strings.Trim(b.String(), `"`), nil
	})
	registerNullable("registry_float", textFunc("registry_float", "a number's JSON text", func(text string) (driver.Value, error) {
		return formatFloat(text)
	}))
	registerNullable("registry_map", func(v driver.Value) (driver.Value, error) {
		switch x := v.(type) {
		case string:
			return marshalMap([]byte(x))
		case []byte:
			return marshalMap(x)
		}
		return nil, fmt.Errorf("registry_map: a %T, not JSON text", v)
	})
}

// registerNullable registers a deterministic SQLite function of one
// argument that gives NULL for NULL, as SQL's own functions do, and fn's
// answer for any other value.
func registerNullable(name string, fn func(driver.Value) (driver.Value, error)) {
	sqlite.MustRegisterFunction(name, &sqlite.FunctionImpl{
		NArgs:         1,
		Deterministic: true,
		Scalar: func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			if args[0] == nil {
				return nil, nil
			}
			return fn(args[0])
		},
	})
}

// textFunc is fn on a text argument (SQLite gives text as a string or as
// bytes); any other value is an error saying the function wanted what.
func textFunc(name, what string, fn func(string) (driver.Value, error)) func(driver.Value) (driver.Value, error) {
	return func(v driver.Value) (driver.Value, error) {
		switch x := v.(type) {
		case string:
			return fn(x)
		case []byte:
			return fn(string(x))
		}
		return nil, fmt.Errorf("%s: a %T, not %s", name, v, what)
	}
}

// marshalMap reads stored JSON as ent reads a map field and writes it as
// gqlgen's Map does (keys sorted, HTML escaped, numbers as float64s); JSON
// null stays null, as a nil map does.
func marshalMap(raw []byte) (driver.Value, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("registry_map: %w", err)
	}
	if m == nil {
		return nil, nil
	}
	var b bytes.Buffer
	if err := writeMap(&b, m); err != nil {
		return nil, fmt.Errorf("registry_map: %w", err)
	}
	return b.String(), nil
}

// sqliteTimeLayouts are the texts modernc.org/sqlite writes and reads back
// as a time: time.Time's String (what it writes), then its read formats.
var sqliteTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseSQLiteTime reads a stored time as the driver does, so the text
// written is the one gqlgen writes for the time.Time the resolvers get. A
// text it cannot read fails the statement, and the resolvers answer.
func parseSQLiteTime(s string) (time.Time, error) {
	if i := strings.Index(s, " m="); i > 0 {
		s = s[:i] // a monotonic clock reading, which String adds
	}
	s = strings.TrimSpace(s)
	if t, err := time.Parse(sqliteTimeLayouts[0], s); err == nil {
		return t, nil
	}
	ts := strings.TrimSuffix(s, "Z")
	for _, layout := range sqliteTimeLayouts[1:] {
		if t, err := time.Parse(layout, ts); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("registry_time: %q is no time the driver reads", s)
}
