package sqljson

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// A jsonList field is a list of GraphQL objects that ent keeps as one JSON
// column holding a Go slice of structs (qualityNotes, titleTranslations,
// recipientRegions, Location.administrative), a jsonObject field one
// object kept as a pointer to a struct (Location.point): gqlgen writes the
// value ent reads, each struct field under the GraphQL field bound to it. The
// statement reads the stored JSON element by element, so what gqlgen's
// marshallers would do to the Go value is repeated here: a key the stored
// JSON lacks (or holds as null) is the Go zero value, "" for a string and
// null for a *Decimal; a column that is NULL or JSON null is a nil slice,
// null for a nullable list and [] for a list that is not; a nil pointer is
// null.

// jsonKind says how one field of a jsonShape is read from an element.
type jsonKind int

const (
	jsonString  jsonKind = iota // a Go string: the key's text, "" when missing
	jsonDecimal                 // a *money.Decimal, stored as the string it writes; null when missing
	jsonNested                  // a Go slice of structs: a list of another shape
	jsonFloat                   // a Go float64, written as gqlgen's Float (%g); 0 when missing
)

// jsonShape is a GraphQL object type gqlgen writes from a Go struct stored
// in JSON, by GraphQL field name.
type jsonShape struct {
	fields map[string]jsonField
}

// jsonField is one GraphQL field of a jsonShape.
type jsonField struct {
	kind    jsonKind
	key     string // the struct field's key in the stored JSON
	shape   string // jsonNested: the GraphQL type of the elements
	nonNull bool   // jsonNested: the list is non-null ([] for a nil slice)
}

// jsonList is the JSON of the list stored in the JSON value src, its
// elements of type shape written as sel asks.
func (c *compiler) jsonList(shape, src string, nonNull bool, sel ast.SelectionSet) (string, error) {
	s, ok := shapes[shape]
	if !ok {
		return "", unsupported("type %s", shape)
	}
	a := c.alias()
	obj, err := c.shapeObject(shape, s, c.sql.element(a), sel)
	if err != nil {
		return "", err
	}
	return c.sql.elements(src, a, obj, nonNull), nil
}

// jsonObject is the JSON of the object stored in the JSON value src (a
// Go pointer to a struct: null when the column is NULL or JSON null).
func (c *compiler) jsonObject(shape, src string, sel ast.SelectionSet) (string, error) {
	s, ok := shapes[shape]
	if !ok {
		return "", unsupported("type %s", shape)
	}
	obj, err := c.shapeObject(shape, s, src, sel)
	if err != nil {
		return "", err
	}
	return c.sql.ifObject(src, obj), nil
}

// shapeObject is the JSON of the object of type shape stored in elem.
func (c *compiler) shapeObject(shape string, s jsonShape, elem string, sel ast.SelectionSet) (string, error) {
	fields, err := c.fields(shape, sel)
	if err != nil {
		return "", err
	}
	m := newMembers(len(fields))
	for _, f := range fields {
		if len(f.Arguments) > 0 || hasOwnDirectives(f.Field) {
			return "", unsupported("%s.%s has arguments or directives", shape, f.Name)
		}
		v, isJSON, err := c.jsonField(shape, s, elem, f)
		if err != nil {
			return "", err
		}
		m.add(f.Alias, v, isJSON)
	}
	return c.sql.object(m.keys, m.values, m.nested), nil
}

// jsonField is the SQL value of one field of the element elem, and whether
// it is JSON.
func (c *compiler) jsonField(shape string, s jsonShape, elem string, f graphql.CollectedField) (string, bool, error) {
	if f.Name == "__typename" {
		return quote(shape), false, nil
	}
	def, ok := s.fields[f.Name]
	if !ok {
		return "", false, unsupported("field %s.%s", shape, f.Name)
	}
	switch def.kind {
	case jsonString:
		return "COALESCE(" + c.sql.jsonText(elem, def.key) + ", '')", false, nil
	case jsonDecimal:
		return c.sql.jsonText(elem, def.key), false, nil
	case jsonNested:
		v, err := c.jsonList(def.shape, c.sql.jsonValue(elem, def.key), def.nonNull, f.Selections)
		return v, true, err
	case jsonFloat:
		return c.sql.float(c.sql.jsonValue(elem, def.key)), true, nil
	}
	return "", false, unsupported("JSON field kind %d", def.kind)
}

// PostgreSQL keeps ent's JSON columns as jsonb.

func (postgres) element(alias string) string { return alias + ".v" }

func (postgres) jsonText(src, key string) string { return "(" + src + "->>" + quote(key) + ")" }

func (postgres) jsonValue(src, key string) string { return "(" + src + "->" + quote(key) + ")" }

func (postgres) elements(src, alias, elem string, nonNull bool) string {
	return "CASE WHEN jsonb_typeof(" + src + ") = 'array' THEN (SELECT COALESCE(json_agg(" + elem + " ORDER BY " + alias +
		".n), '[]') FROM jsonb_array_elements(" + src + ") WITH ORDINALITY " + alias + "(v, n)) ELSE " + nilList(nonNull, "'[]'::json") + " END"
}

func (postgres) ifObject(src, obj string) string {
	return "CASE WHEN jsonb_typeof(" + src + ") = 'object' THEN " + obj + " END"
}

// float wraps the stored number in a mark the record's JSON is finished
// by (finishFloats): PostgreSQL writes a float8 as %g does only below a
// million, and a wrapped number is what Go reads.
func (postgres) float(src string) string {
	return "CASE WHEN jsonb_typeof(" + src + ") = 'number' THEN ('" + floatMark + "' || " + src + "::text || '}')::json ELSE '0'::json END"
}

// SQLite keeps them as text; json_each gives an array's elements with
// their index as key.

func (sqliteJSON) element(alias string) string { return alias + ".value" }

func (sqliteJSON) jsonText(src, key string) string {
	return "json_extract(" + src + ", " + quote("$."+key) + ")"
}

func (sqliteJSON) jsonValue(src, key string) string {
	return "json_extract(" + src + ", " + quote("$."+key) + ")"
}

func (sqliteJSON) elements(src, alias, elem string, nonNull bool) string {
	return "CASE WHEN json_type(" + src + ") = 'array' THEN (SELECT COALESCE(json_group_array(json(x.j)), '[]') FROM (SELECT " + elem +
		" AS j FROM json_each(" + src + ") " + alias + " ORDER BY " + alias + ".key) x) ELSE " + nilList(nonNull, "'[]'") + " END"
}

// nilList is what gqlgen writes for a nil slice: null for a nullable list,
// empty for one that is not.
func nilList(nonNull bool, empty string) string {
	if nonNull {
		return empty
	}
	return "NULL"
}

func (sqliteJSON) ifObject(src, obj string) string {
	return "CASE WHEN json_type(" + src + ") = 'object' THEN " + obj + " END"
}

// float reads the number's JSON text (->, not json_extract, which would
// give SQLite's double) and formats it in Go (registry_float).
func (sqliteJSON) float(src string) string {
	return "CASE WHEN json_type(" + src + ") IN ('real', 'integer') THEN registry_float(" + src + " -> '$') ELSE '0' END"
}
