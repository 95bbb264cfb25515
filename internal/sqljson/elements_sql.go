package sqljson

import (
	"database/sql/driver"
	"strings"
	"unicode"

	decimals "github.com/aidregistry/registry/internal/money"
)

// Each store reads the iati.Element tree as encoding/json stores it: "n"
// the name, "s" the namespace (left out when ""), "a" the attributes
// ({"s", "n", "v"}), "t" the text, "c" the children. An element of IATI's
// own namespace is one with no "s" (or an empty one), as Element.All and
// Attr ask; an xml:lang is the attribute "lang" in xmlNamespace.
const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

// whiteSpace is every character strings.TrimSpace trims (unicode.IsSpace:
// Unicode's White_Space), for PostgreSQL's btrim and SQLite's trim, whose
// defaults trim only the ASCII space.
var whiteSpace = func() string {
	var b strings.Builder
	for _, r16 := range unicode.White_Space.R16 {
		for r := r16.Lo; r <= r16.Hi; r += r16.Stride {
			b.WriteRune(rune(r))
		}
	}
	for _, r32 := range unicode.White_Space.R32 {
		for r := r32.Lo; r <= r32.Hi; r += r32.Stride {
			b.WriteRune(rune(r))
		}
	}
	return b.String()
}()

// PostgreSQL reads the jsonb with SQL/JSON paths: a filter picks an
// element's children or attributes of a name in document order.

// pgOwn is the path filter of IATI's own namespace.
const pgOwn = `(!exists(@.s) || @.s == "")`

func (postgres) activity(column string) string {
	return "jsonb_path_query_first(" + column + ", " + quote(`$[*] ? (@.n == "iati-activity" && `+pgOwn+`)`) + ")"
}

func (postgres) attr(src, name string) string {
	return "(jsonb_path_query_first(" + src + ", " + quote(`$.a[*] ? (@.n == "`+name+`" && `+pgOwn+`).v`) + ") #>> '{}')"
}

func (postgres) xmlLang(src string) string {
	return "(jsonb_path_query_first(" + src + ", " + quote(`$.a[*] ? (@.n == "lang" && @.s == "`+xmlNamespace+`").v`) + ") #>> '{}')"
}

func (postgres) firstKid(src, name string) string {
	return "jsonb_path_query_first(" + src + ", " + quote(`$.c[*] ? (@.n == "`+name+`" && `+pgOwn+`)`) + ")"
}

// kids filters in SQL, not in a path: the planner takes a function's
// rows as a hundred or a thousand whatever a path's filter says, so lists
// nested four deep cost it that to the fourth and it compiles the
// statement (JIT) for seconds; an equality in WHERE it takes as
// selective, and the guess stays small. jsonb_array_elements skips the
// path executor (a page of 100 real activities with all five extras: 86-99
// ms with jsonb_path_query, 49-50 ms with it).
func (postgres) kids(src, alias, name string) string {
	return "FROM jsonb_array_elements(" + src + "->'c') WITH ORDINALITY " + alias + "(v, n) WHERE " +
		alias + ".v->>'n' = " + quote(name) + " AND COALESCE(" + alias + ".v->>'s', '') = ''"
}

func (postgres) kid(alias string) string { return alias + ".v" }

func (postgres) kidOrder(alias string) string { return alias + ".n" }

func (postgres) trim(s string) string { return "btrim(" + s + ", " + quote(whiteSpace) + ")" }

func (postgres) upper(s string) string { return "upper(" + s + ")" }

// decimal casts only what money.Parse reads (a plain decimal of at most
// 42 characters): numeric keeps its scale and drops leading zeros and a
// zero's sign, as the Decimal's text does.
func (postgres) decimal(s string) string {
	return `(SELECT CASE WHEN d.s ~ '^-?[0-9]+(\.[0-9]+)?$' AND length(d.s) <= 42 THEN d.s::numeric::text END FROM (SELECT ` +
		s + " AS s) d)"
}

func (postgres) quoted(s string) string { return "to_json(" + s + ")" }

// SQLite walks the column as JSONB with jsonb_each, whose key is an array
// element's index: the text is parsed once, and each element below is
// handed on as a binary value rather than text to parse again (five times
// faster on a page of real activities). Upper-casing and reading a
// decimal run the Go code the views run (registry_upper,
// registry_decimal): SQLite's upper knows only ASCII, and it has no
// decimals.

// sqliteOwn is the condition that the element aliased alias is in IATI's
// own namespace and named name.
func sqliteOwn(alias, name string) string {
	return "json_extract(" + alias + ".value, '$.n') = " + quote(name) + " AND COALESCE(json_extract(" + alias + ".value, '$.s'), '') = ''"
}

func (sqliteJSON) activity(column string) string {
	return "(SELECT e.value FROM jsonb_each(" + column + ") e WHERE " + sqliteOwn("e", "iati-activity") + " ORDER BY e.key LIMIT 1)"
}

func (sqliteJSON) attr(src, name string) string {
	return "(SELECT json_extract(e.value, '$.v') FROM jsonb_each(" + src + ", '$.a') e WHERE " + sqliteOwn("e", name) +
		" ORDER BY e.key LIMIT 1)"
}

func (sqliteJSON) xmlLang(src string) string {
	return "(SELECT json_extract(e.value, '$.v') FROM jsonb_each(" + src + ", '$.a') e WHERE json_extract(e.value, '$.n') = 'lang'" +
		" AND json_extract(e.value, '$.s') = " + quote(xmlNamespace) + " ORDER BY e.key LIMIT 1)"
}

func (sqliteJSON) firstKid(src, name string) string {
	return "(SELECT e.value FROM jsonb_each(" + src + ", '$.c') e WHERE " + sqliteOwn("e", name) + " ORDER BY e.key LIMIT 1)"
}

func (sqliteJSON) kids(src, alias, name string) string {
	return "FROM jsonb_each(" + src + ", '$.c') " + alias + " WHERE " + sqliteOwn(alias, name)
}

func (sqliteJSON) kid(alias string) string { return alias + ".value" }

func (sqliteJSON) kidOrder(alias string) string { return alias + ".key" }

// trim is SQLite's own, which takes the characters to trim as UTF-8.
func (sqliteJSON) trim(s string) string { return "trim(" + s + ", " + quote(whiteSpace) + ")" }

func (sqliteJSON) upper(s string) string { return "registry_upper(" + s + ")" }

func (sqliteJSON) decimal(s string) string { return "registry_decimal(" + s + ")" }

func (sqliteJSON) quoted(s string) string { return "json_quote(" + s + ")" }

func init() {
	registerNullable("registry_upper", textFunc("registry_upper", "text", func(s string) (driver.Value, error) {
		return strings.ToUpper(s), nil
	}))
	registerNullable("registry_decimal", textFunc("registry_decimal", "text", func(s string) (driver.Value, error) {
		d, err := decimals.Parse(s)
		if err != nil {
			return nil, nil // no amount, as the view gives none
		}
		return d.String(), nil
	}))
}
