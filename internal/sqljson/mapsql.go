package sqljson

import "strings"

// canonicalJSON writes a PostgreSQL jsonb column as gqlgen writes the Map
// ent reads from it: encoding/json's encoder of a map[string]any, which
// sorts every object's keys byte by byte (jsonb keeps them shortest
// first), escapes <, > and & (and U+2028, U+2029) in strings, and writes
// numbers as float64s, with an exponent below 1e-6 and from 1e21 (jsonb
// writes every number out in full). The stored numbers came from Go's
// encoder (internal/audit), so their digits are already a float64's
// shortest ones.
//
// PostgreSQL cannot recurse in an expression, so the value is unfolded
// into one row per member at any depth (a recursive query), each row
// carrying its path of keys and indexes; written in path order (keys in
// byte order, indexes zero-padded), with a closing bracket after each
// container's members and a comma before each member but the first, the
// rows' tokens are the canonical text.
func canonicalJSON(column string) string {
	// Each path step is "k" and a key or a padded index: every step sorts
	// after its container's own row (a shorter path) and before its
	// closing row (step "~").
	const members = `SELECT 'k' || o.key AS step, o.key, o.value AS v FROM jsonb_each(CASE WHEN jsonb_typeof(n.v) = 'object' THEN n.v END) o
		UNION ALL
		SELECT 'k' || lpad(a.i::text, 10, '0'), NULL, a.v FROM jsonb_array_elements(CASE WHEN jsonb_typeof(n.v) = 'array' THEN n.v END) WITH ORDINALITY a(v, i)`
	tree := `WITH RECURSIVE n(path, key, v) AS (SELECT ARRAY[]::text[], NULL::text, ` + column + ` WHERE ` + column + ` IS NOT NULL
		UNION ALL SELECT n.path || m.step, m.key, m.v FROM n, LATERAL (` + members + `) m)`
	// A member's row: a comma unless it is its container's first, its
	// key, and its scalar or opening bracket.
	open := `CASE WHEN cardinality(n.path) > 0 AND row_number() OVER (PARTITION BY cardinality(n.path), n.path[1:cardinality(n.path) - 1] ORDER BY n.path COLLATE "C") > 1 THEN ',' ELSE '' END
		|| COALESCE(to_json(n.key)::text || ':', '')
		|| CASE jsonb_typeof(n.v) WHEN 'object' THEN '{' WHEN 'array' THEN '[' WHEN 'number' THEN ` + goNumber("(n.v)::text") + ` ELSE (n.v)::text END`
	rows := `SELECT n.path AS path, ` + open + ` AS tok FROM n
		UNION ALL SELECT n.path || '~'::text, CASE jsonb_typeof(n.v) WHEN 'object' THEN '}' ELSE ']' END FROM n WHERE jsonb_typeof(n.v) IN ('object', 'array')`
	text := `(` + tree + ` SELECT string_agg(r.tok, '' ORDER BY r.path COLLATE "C") FROM (` + rows + `) r)`
	for _, r := range htmlEscapes {
		text = "replace(" + text + ", " + quote(r[0]) + ", " + quote(r[1]) + ")"
	}
	return "(" + text + ")::json"
}

// htmlEscapes are what encoding/json escapes beyond JSON's own escapes;
// they can only be in strings, so the whole text is replaced.
var htmlEscapes = [][2]string{
	{"<", `\u003c`}, {">", `\u003e`}, {"&", `\u0026`}, {"\u2028", `\u2028`}, {"\u2029", `\u2029`},
}

// goNumber writes a JSON number's text as encoding/json writes the float64
// it stands for, given that its digits are the float64's shortest: as is,
// but with an exponent (1e-7, 1.5e+21) below 1e-6 and from 1e21.
func goNumber(text string) string {
	x := "abs(" + text + "::numeric)"
	// The number's digits without sign, point or leading and trailing
	// zeros, and the power of ten of its first digit.
	plain := x + "::text"
	digits := "rtrim(ltrim(replace(" + plain + ", '.', ''), '0'), '0')"
	whole := "split_part(" + plain + ", '.', 1)"
	frac := "split_part(" + plain + ", '.', 2)"
	exp := "CASE WHEN " + x + " >= 1 THEN length(" + whole + ") - 1 ELSE length(ltrim(" + frac + ", '0')) - length(" + frac + ") - 1 END"
	mantissa := "left(" + digits + ", 1) || CASE WHEN length(" + digits + ") > 1 THEN '.' || substr(" + digits + ", 2) ELSE '' END"
	sign := "CASE WHEN " + text + "::numeric < 0 THEN '-' ELSE '' END"
	e := "(" + exp + ")"
	expText := "CASE WHEN " + e + " < 0 THEN 'e-' || (-" + e + ")::text ELSE 'e+' || " + e + "::text END"
	return strings.Join([]string{"CASE WHEN ", x, " >= 1e21 OR (", x, " <> 0 AND ", x, " < 1e-6) THEN ",
		sign, " || ", mantissa, " || ", expText, " ELSE ", text, " END"}, "")
}
