package analytics

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/text/currency"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/gid"
)

// A summary computed afresh spent most of its time outside the database:
// scanning tens of thousands of grouped rows, parsing their decimals,
// loading the records the buckets point at and letting gqlgen marshal each
// bucket field by field. On PostgreSQL the whole answer (buckets, their
// records, exact totals formatted as the Go path formats them) is instead
// built as JSON by one statement, wrapped around the grouping statement the
// Go path runs, so both paths add up exactly the same rows.
//
// The Go path stays the reference: SQLite (whose decimals are text added up
// by registered functions) and selections this file does not cover (a
// field of a linked record that is not a plain column) go through it.

// jsonSlot is where a summary resolver leaves the field's JSON when it was
// built in the database.
type jsonSlot struct{ json []byte }

type slotKey struct{}

// WithSQLJSON lets FundingSummary and ProgrammeSummary, resolving a root
// field of a GraphQL request on PostgreSQL, build the field's whole answer
// as JSON in one SQL statement: they then return no buckets and leave the
// JSON for Answered.
func WithSQLJSON(ctx context.Context) context.Context {
	return context.WithValue(ctx, slotKey{}, &jsonSlot{})
}

// Answered returns the JSON a summary left in a context from WithSQLJSON.
func Answered(ctx context.Context) ([]byte, bool) {
	s, _ := ctx.Value(slotKey{}).(*jsonSlot)
	if s == nil || s.json == nil {
		return nil, false
	}
	return s.json, true
}

// errUncovered says the selection needs the Go path.
var errUncovered = errors.New("selection not covered by the SQL JSON summary")

// grouped is a grouping statement as runGrouped reads it.
type grouped struct {
	query       string
	args        []any
	keys        []keyCol
	withMissing bool
}

// bucketField writes the SQL of one selected field of a bucket; b is the
// builder, so that a field can ask for a join or a per-bucket aggregate.
type bucketField func(b *jsonBuilder, f graphql.CollectedField) (string, error)

// answerJSON builds the requested field's JSON with one statement when ctx
// asks for it (WithSQLJSON), the store is PostgreSQL and the selection is
// covered. It reports whether it answered.
func answerJSON(ctx context.Context, client *ent.Client, d string, object string, g grouped, field bucketField) (bool, error) {
	slot, _ := ctx.Value(slotKey{}).(*jsonSlot)
	fc := graphql.GetFieldContext(ctx)
	if slot == nil || d != dialect.Postgres || fc == nil || fc.Object != "Query" {
		return false, nil
	}
	b := &jsonBuilder{op: graphql.GetOperationContext(ctx), g: g}
	query, err := b.statement(object, fc.Field.Selections, field)
	if errors.Is(err, errUncovered) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	out, err := queryText(ctx, client, query, g.args)
	if err != nil {
		return false, err
	}
	slot.json = out
	return true, nil
}

// queryText runs a statement that gives one text value.
func queryText(ctx context.Context, client *ent.Client, query string, args []any) ([]byte, error) {
	rows, err := client.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("summary as JSON: %w", err)
	}
	defer rows.Close()
	out := []byte("[]")
	if rows.Next() {
		if err := rows.Scan(&out); err != nil {
			return nil, fmt.Errorf("summary as JSON: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("summary as JSON: %w", err)
	}
	return out, nil
}

// jsonBuilder writes the statement: the grouping statement's rows folded
// into one row per bucket (b), with an aggregate per selected list of
// totals, then each bucket as a JSON object, in the Go path's order.
type jsonBuilder struct {
	op    *graphql.OperationContext
	g     grouped
	joins []string
	aggs  []string
}

func (b *jsonBuilder) statement(object string, sel ast.SelectionSet, field bucketField) (string, error) {
	obj, err := b.object(object, sel, func(f graphql.CollectedField) (string, error) { return field(b, f) })
	if err != nil {
		return "", err
	}
	keys := make([]string, len(b.g.keys))
	order := make([]string, len(b.g.keys))
	for i, k := range b.g.keys {
		keys[i] = fmt.Sprintf("k%d", i)
		order[i] = "b." + keys[i]
		if k.kind == stringKey {
			order[i] += ` COLLATE "C"`
		}
		order[i] += " NULLS LAST"
	}
	cols := append(append([]string{}, keys...), "cur", "n", "amt")
	missing := "false"
	if b.g.withMissing {
		cols = append(cols, "missing")
		missing = "MAX(missing) = 1"
	}
	inner := "SELECT " + strings.Join(keys, ", ") + ", SUM(n)::bigint AS n, " + missing + " AS missing"
	for i, a := range b.aggs {
		inner += fmt.Sprintf(", %s AS t%d", a, i)
	}
	inner += "\nFROM (" + b.g.query + "\n) AS res(" + strings.Join(cols, ", ") + ")"
	if len(b.aggs) > 0 {
		inner += "\nLEFT JOIN " + minorDigitsTable + " ON md.code = res.cur"
	}
	inner += "\nGROUP BY " + strings.Join(keys, ", ")
	return "SELECT '[' || COALESCE(string_agg(" + obj + ", ',' ORDER BY " + strings.Join(order, ", ") + "), '') || ']'\nFROM (" +
		inner + ") b " + strings.Join(b.joins, " "), nil
}

// object writes the JSON text of an object with the fields of sel collected
// for the type, in the order gqlgen would write them, compact as gqlgen
// writes it (json_build_object and json_agg add spaces). Every value is
// JSON text, never NULL, so the concatenation never gives NULL.
func (b *jsonBuilder) object(typename string, sel ast.SelectionSet, value func(graphql.CollectedField) (string, error)) (string, error) {
	fields := graphql.CollectFields(b.op, sel, []string{typename})
	if len(fields) == 0 {
		return "", errUncovered
	}
	var parts []string
	sep := "{"
	for _, f := range fields {
		for _, d := range f.Directives {
			if d.Name != "skip" && d.Name != "include" { // CollectFields applied those two
				return "", errUncovered
			}
		}
		v := quote(`"` + typename + `"`)
		if f.Name != "__typename" {
			var err error
			if v, err = value(f); err != nil {
				return "", err
			}
		}
		// GraphQL names need no escaping, in JSON or in SQL.
		parts = append(parts, quote(sep+`"`+f.Alias+`":`), v)
		sep = ","
	}
	return "(" + strings.Join(parts, " || ") + " || '}')", nil
}

// scalar is the JSON text of a column or expression: to_json escapes
// strings as JSON does; NULL is null.
func scalar(expr string) string { return "COALESCE(to_json(" + expr + ")::text, 'null')" }

// key is the bucket's key column i, or NULL when not grouped by it.
func (b *jsonBuilder) key(i int) string {
	if i < 0 {
		return "NULL"
	}
	return fmt.Sprintf("b.k%d", i)
}

// keyJSON is the JSON text of key column i, null when not grouped by it.
func (b *jsonBuilder) keyJSON(i int) string {
	if i < 0 {
		return "'null'"
	}
	return scalar(b.key(i))
}

// linkColumns are the fields of a linked record a bucket's JSON carries:
// plain columns (text, enums kept as their names, partial dates as text)
// and the id. Anything else goes through the Go path.
var linkColumns = map[string]map[string]string{
	"Organisation": {"name": "name", "acronym": "acronym", "kind": "kind", "iatiRef": "iati_ref", "website": "website"},
	"Country":      {"iso2": "iso2", "iso3": "iso3", "name": "name", "region": "region"},
	"Programme": {"code": "code", "title": "title", "description": "description", "status": "status", "theme": "theme",
		"startDate": "start_date", "endDate": "end_date", "coverage": "coverage", "region": "region"},
}

// link writes the record a key column points at (typename in table), null
// when the key is null or the record is gone, as the Go path's loaders do.
func (b *jsonBuilder) link(typename, table string, col int, f graphql.CollectedField) (string, error) {
	if col < 0 {
		return "'null'", nil
	}
	alias := fmt.Sprintf("j%d", len(b.joins))
	columns := linkColumns[typename]
	obj, err := b.object(typename, f.Selections, func(sf graphql.CollectedField) (string, error) {
		if sf.Name == "id" {
			return scalar(gid.EncodeSQL(typename, alias+".id")), nil
		}
		c, ok := columns[sf.Name]
		if !ok || len(sf.Selections) > 0 {
			return "", errUncovered
		}
		return scalar(alias + "." + c), nil
	})
	if err != nil {
		return "", err
	}
	b.joins = append(b.joins, fmt.Sprintf("LEFT JOIN %s %s ON %s.id = b.k%d", table, alias, alias, col))
	return "CASE WHEN " + alias + ".id IS NULL THEN 'null' ELSE " + obj + " END", nil
}

// sector writes a bucket's sector key with its name, the least name the
// registry holds for the code, as loadSectorNames reads it.
func (b *jsonBuilder) sector(vcol, ccol int, f graphql.CollectedField) (string, error) {
	if vcol < 0 || ccol < 0 {
		return "'null'", nil
	}
	v, c := b.key(vcol), b.key(ccol)
	obj, err := b.object("BucketSector", f.Selections, func(sf graphql.CollectedField) (string, error) {
		switch sf.Name {
		case "vocabulary":
			return scalar(v), nil
		case "code":
			return scalar(c), nil
		case "name":
			return scalar("(SELECT MIN(se.name) FROM sectors se WHERE se.vocabulary = " + v + " AND se.code = " + c +
				" AND se.name IS NOT NULL)"), nil
		}
		return "", errUncovered
	})
	if err != nil {
		return "", err
	}
	return "CASE WHEN " + v + " IS NULL OR " + c + " IS NULL THEN 'null' ELSE " + obj + " END", nil
}

// totals writes a bucket's list of Money, one per currency in code order,
// as an aggregate of the bucket's rows.
func (b *jsonBuilder) totals(f graphql.CollectedField) (string, error) {
	obj, err := b.object("Money", f.Selections, func(sf graphql.CollectedField) (string, error) {
		switch sf.Name {
		case "amount":
			return scalar(amountSQL("amt")), nil
		case "currency":
			return scalar("cur"), nil
		}
		return "", errUncovered
	})
	if err != nil {
		return "", err
	}
	b.aggs = append(b.aggs, "string_agg("+obj+`, ',' ORDER BY cur COLLATE "C") FILTER (WHERE cur IS NOT NULL AND amt IS NOT NULL)`)
	return fmt.Sprintf("'[' || COALESCE(b.t%d, '') || ']'", len(b.aggs)-1), nil
}

// amountSQL formats an exact total as total does: trailing zeros dropped,
// but at least the currency's minor digits (md.digits, joined from
// minorDigitsTable) kept, never rounded.
func amountSQL(amt string) string {
	m := "COALESCE(md.digits, 0)"
	return "CASE WHEN scale(trim_scale(" + amt + ")) >= " + m + " THEN trim_scale(" + amt + ")::text ELSE round(" +
		amt + ", " + m + ")::text END"
}

// minorDigitsTable is money.MinorDigits as a table md(code, digits): the
// ISO 4217 minor digits of every code that has some (a code ISO 4217 does
// not know has none, as one with 0). Joined once a row, it costs a hash
// probe where a CASE over the codes cost a scan of them per total.
var minorDigitsTable = func() string {
	var rows []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			for c := 'A'; c <= 'Z'; c++ {
				code := string([]rune{a, b, c})
				u, err := currency.ParseISO(code)
				if err != nil {
					continue
				}
				if scale, _ := currency.Standard.Rounding(u); scale > 0 {
					rows = append(rows, fmt.Sprintf("(%s, %d)", quote(code), scale))
				}
			}
		}
	}
	return "(VALUES " + strings.Join(rows, ", ") + ") AS md(code, digits)"
}()

// quote is a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
