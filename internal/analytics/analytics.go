// Package analytics answers grouped questions with one SQL GROUP BY on
// either store: exact funding totals per currency (FundingSummary) and
// programme counts and budgets (ProgrammeSummary).
package analytics

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/country"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/sector"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/money"
)

// enum is what the GraphQL enums of this package share: a string that
// marshals as itself and accepts only its known values.
type enum interface {
	~string
}

func marshalEnum[E enum](w io.Writer, v E) { _, _ = io.WriteString(w, strconv.Quote(string(v))) }

func unmarshalEnum[E enum](v any, dst *E, name string, known []E) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("%s must be a string, got %T", name, v)
	}
	for _, k := range known {
		if string(k) == s {
			*dst = k
			return nil
		}
	}
	return &apperr.Error{Code: apperr.BadUserInput, Message: fmt.Sprintf("%q is not a %s", s, name)}
}

// checkGroupBy refuses an empty, repeated or unknown list of dimensions.
func checkGroupBy[E enum](groupBy []E, known []E, name string) error {
	if len(groupBy) == 0 {
		return &apperr.Error{Code: apperr.BadUserInput, Field: "groupBy",
			Message: fmt.Sprintf("groupBy is empty: give at least one %s", name)}
	}
	seen := map[E]bool{}
	for _, g := range groupBy {
		if !slices.Contains(known, g) {
			return &apperr.Error{Code: apperr.BadUserInput, Field: "groupBy",
				Message: fmt.Sprintf("%q is not a %s", string(g), name)}
		}
		if seen[g] {
			return &apperr.Error{Code: apperr.BadUserInput, Field: "groupBy",
				Message: fmt.Sprintf("groupBy names %s twice", string(g))}
		}
		seen[g] = true
	}
	return nil
}

// arith writes exact decimal arithmetic for a store: PostgreSQL's numeric
// does it natively; SQLite keeps amounts as text and gets it from the
// decimal_sum and decimal_mul functions registered by internal/store
// (never its own SUM, which would go through floats).
type arith struct{ dialect string }

func (a arith) sum(x string) string {
	if a.dialect == dialect.Postgres {
		return "SUM(" + x + ")"
	}
	return "decimal_sum(" + x + ")"
}

func (a arith) mul(xs ...string) string {
	if a.dialect == dialect.Postgres {
		return "(" + strings.Join(xs, " * ") + ")"
	}
	return "decimal_mul(" + strings.Join(xs, ", ") + ")"
}

// percent is the factor of a share in percent: amount × share × 0.01 is
// exact, where dividing by 100 could leave numeric with a rounded scale.
func (a arith) percent() string {
	if a.dialect == dialect.Postgres {
		return "0.01"
	}
	return "'0.01'"
}

// share is amount × pct / 100 where pct (a column that may be NULL) is
// given, else amount in full.
func (a arith) share(amount, pct string) string {
	return "CASE WHEN " + pct + " IS NULL THEN " + amount + " ELSE " + a.mul(amount, pct, a.percent()) + " END"
}

// textOrder makes string comparisons byte-wise on both stores (PostgreSQL
// would otherwise use the database's locale).
func (a arith) textOrder() string {
	if a.dialect == dialect.Postgres {
		return ` COLLATE "C"`
	}
	return ""
}

// year is the year of a partial date column, whatever its precision.
func year(col string) string { return "CAST(substr(" + col + ", 1, 4) AS INTEGER)" }

// keyKind says how a grouping column is scanned and ordered.
type keyKind int

const (
	intKey keyKind = iota
	stringKey
)

type keyCol struct {
	expr string
	kind keyKind
}

// key is one value of a grouping column; null sorts last.
type key struct {
	valid bool
	i     int64
	s     string
}

func (k key) less(o key) int {
	switch {
	case k.valid != o.valid:
		if k.valid {
			return -1
		}
		return 1
	case k.i != o.i:
		if k.i < o.i {
			return -1
		}
		return 1
	}
	return strings.Compare(k.s, o.s)
}

func (k key) intPtr() *int {
	if !k.valid {
		return nil
	}
	v := int(k.i)
	return &v
}

func (k key) strPtr() *string {
	if !k.valid {
		return nil
	}
	return &k.s
}

// enumPtr is a grouped key as the enum it stands for, nil when the bucket
// is not grouped by it (or the value is null).
func enumPtr[T ~string](k key) *T {
	if !k.valid {
		return nil
	}
	v := T(k.s)
	return &v
}

// group is one bucket as the SQL returned it, before its records are loaded.
type group struct {
	keys        []key
	count       int
	totals      []*money.Money
	rateMissing bool
}

// runGrouped runs a summary statement whose columns are the keys, then the
// currency, the count, the exact total and (withMissing) a 0/1 flag, one row
// per bucket and currency, and folds the rows into buckets ordered by their
// keys. Currencies within a bucket come in code order.
func runGrouped(ctx context.Context, client *ent.Client, query string, args []any, keys []keyCol, withMissing bool) ([]*group, error) {
	rows, err := client.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	defer rows.Close()
	byKey := map[string]*group{}
	var groups []*group
	for rows.Next() {
		ints := make([]*int64, len(keys))
		strs := make([]*string, len(keys))
		dest := make([]any, 0, len(keys)+4)
		for i, k := range keys {
			if k.kind == intKey {
				dest = append(dest, &ints[i])
			} else {
				dest = append(dest, &strs[i])
			}
		}
		var cur, amount *string
		var count int64
		var missing int64
		dest = append(dest, &cur, &count, &amount)
		if withMissing {
			dest = append(dest, &missing)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("summary: %w", err)
		}
		g := group{keys: make([]key, len(keys))}
		var id strings.Builder
		for i := range keys {
			switch {
			case ints[i] != nil:
				g.keys[i] = key{valid: true, i: *ints[i]}
			case strs[i] != nil:
				g.keys[i] = key{valid: true, s: *strs[i]}
			}
			fmt.Fprintf(&id, "%v|%d|%s;", g.keys[i].valid, g.keys[i].i, g.keys[i].s)
		}
		b, ok := byKey[id.String()]
		if !ok {
			b = &g
			byKey[id.String()] = b
			groups = append(groups, b)
		}
		b.count += int(count)
		b.rateMissing = b.rateMissing || missing != 0
		if cur != nil && amount != nil {
			m, err := total(*amount, *cur)
			if err != nil {
				return nil, err
			}
			b.totals = append(b.totals, m)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	slices.SortFunc(groups, func(a, b *group) int {
		for i := range a.keys {
			if c := a.keys[i].less(b.keys[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	for _, g := range groups {
		slices.SortFunc(g.totals, func(a, b *money.Money) int { return strings.Compare(a.Currency, b.Currency) })
	}
	return groups, nil
}

// total turns an exact sum from the store into Money. The value is never
// rounded: trailing zeros go, but at least the currency's minor digits stay
// ("150.5" USD is "150.50", a share "26640.3357" stays as it is).
func total(amount, cur string) (*money.Money, error) {
	d, err := decimal.NewFromString(amount)
	if err != nil {
		return nil, fmt.Errorf("summary: total %q: %w", amount, err)
	}
	scale := 0
	if s := d.String(); strings.Contains(s, ".") { // String drops trailing zeros
		scale = len(s) - strings.Index(s, ".") - 1
	}
	if minor, err := money.MinorDigits(cur); err == nil && minor > scale {
		scale = minor
	}
	x, err := money.Parse(d.StringFixed(int32(scale)))
	if err != nil {
		return nil, fmt.Errorf("summary: total %q: %w", amount, err)
	}
	return &money.Money{Amount: x, Currency: cur}, nil
}

// selector renders the SELECT of a filtered table with ent's own builder,
// so that a GraphQL where input becomes the same SQL ent would run.
func selector(d, table string, cols []string, pred func(*entsql.Selector)) (string, []any) {
	t := entsql.Table(table)
	sel := entsql.Dialect(d).Select().From(t)
	cs := make([]string, len(cols))
	for i, c := range cols {
		cs[i] = t.C(c)
	}
	sel.Select(cs...)
	if pred != nil {
		pred(sel)
	}
	return sel.Query()
}

// children gives, for the field `name` of the bucket type being resolved,
// one context per selection of it (aliases make several) carrying it as
// the current field, so ent's CollectFields eager-loads what is selected
// below. Outside a GraphQL request it gives one plain context.
func children(ctx context.Context, object, name string) []context.Context {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return []context.Context{ctx}
	}
	opCtx := graphql.GetOperationContext(ctx)
	var out []context.Context
	for _, f := range graphql.CollectFields(opCtx, fc.Field.Selections, []string{object}) {
		if f.Name == name {
			out = append(out, graphql.WithFieldContext(ctx, &graphql.FieldContext{Parent: fc, Object: object, Field: f}))
		}
	}
	return out
}

// idsAt lists the distinct non-null ids in one key column.
func idsAt(groups []*group, col int) []int {
	var ids []int
	seen := map[int64]bool{}
	for _, g := range groups {
		if k := g.keys[col]; k.valid && !seen[k.i] {
			seen[k.i] = true
			ids = append(ids, int(k.i))
		}
	}
	return ids
}

// The loaders read the records a dimension points at, in one query each
// (plus what the query selects below them), only when the field is selected.

func loadOrganisations(ctx context.Context, client *ent.Client, object, field string, ids []int) (map[int]*ent.Organisation, error) {
	fields := children(ctx, object, field)
	if len(ids) == 0 || len(fields) == 0 {
		return nil, nil
	}
	q := client.Organisation.Query().Where(organisation.IDIn(ids...))
	for _, fctx := range fields {
		var err error
		if q, err = q.CollectFields(fctx, "Organisation", "Node"); err != nil {
			return nil, err
		}
	}
	return byID(q.All(ctx))(func(o *ent.Organisation) int { return o.ID })
}

func loadProgrammes(ctx context.Context, client *ent.Client, object, field string, ids []int) (map[int]*ent.Programme, error) {
	fields := children(ctx, object, field)
	if len(ids) == 0 || len(fields) == 0 {
		return nil, nil
	}
	q := client.Programme.Query().Where(programme.IDIn(ids...))
	for _, fctx := range fields {
		var err error
		if q, err = q.CollectFields(fctx, "Programme", "Node"); err != nil {
			return nil, err
		}
	}
	return byID(q.All(ctx))(func(p *ent.Programme) int { return p.ID })
}

func loadCountries(ctx context.Context, client *ent.Client, object, field string, ids []int) (map[int]*ent.Country, error) {
	fields := children(ctx, object, field)
	if len(ids) == 0 || len(fields) == 0 {
		return nil, nil
	}
	q := client.Country.Query().Where(country.IDIn(ids...))
	for _, fctx := range fields {
		var err error
		if q, err = q.CollectFields(fctx, "Country", "Node"); err != nil {
			return nil, err
		}
	}
	return byID(q.All(ctx))(func(c *ent.Country) int { return c.ID })
}

func byID[T any](all []T, err error) func(func(T) int) (map[int]T, error) {
	return func(id func(T) int) (map[int]T, error) {
		if err != nil {
			return nil, err
		}
		m := make(map[int]T, len(all))
		for _, x := range all {
			m[id(x)] = x
		}
		return m, nil
	}
}

// at returns the record for a key, nil when null or not loaded.
func at[T any](m map[int]*T, k key) *T {
	if !k.valid || m == nil {
		return nil
	}
	return m[int(k.i)]
}

// BucketSector is the key of a bucket grouped by SECTOR: a sector code in
// its vocabulary, as IATI writes them, with its name.
type BucketSector struct {
	Vocabulary string
	Code       string
	// Name is the name the registry holds for the code (from the IATI
	// codelist for DAC vocabularies, else a publisher's narrative; the
	// least when publishers differ); nil when none.
	Name *string
}

// sectorNames holds the names of the sectors the buckets point at, keyed
// by vocabulary and code.
type sectorNames map[[2]string]*string

// at gives the bucket's sector, nil when the key is null.
func (n sectorNames) at(vocabulary, code key) *BucketSector {
	if !vocabulary.valid || !code.valid {
		return nil
	}
	return &BucketSector{Vocabulary: vocabulary.s, Code: code.s, Name: n[[2]string{vocabulary.s, code.s}]}
}

// loadSectorNames reads the names of the buckets' sectors in one query,
// only when `sector { name }` is selected (or outside a GraphQL request).
func loadSectorNames(ctx context.Context, client *ent.Client, object string, groups []*group, vcol, ccol int) (sectorNames, error) {
	fields := children(ctx, object, "sector")
	if len(fields) == 0 {
		return nil, nil
	}
	if graphql.GetFieldContext(ctx) != nil {
		named := false
		for _, fctx := range fields {
			fc := graphql.GetFieldContext(fctx)
			for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, []string{"BucketSector"}) {
				named = named || f.Name == "name"
			}
		}
		if !named {
			return nil, nil
		}
	}
	var codes []string
	seen := map[string]bool{}
	for _, g := range groups {
		if c := g.keys[ccol]; c.valid && g.keys[vcol].valid && !seen[c.s] {
			seen[c.s] = true
			codes = append(codes, c.s)
		}
	}
	if len(codes) == 0 {
		return nil, nil
	}
	out := sectorNames{}
	for chunk := range slices.Chunk(codes, 500) {
		var rows []struct {
			Vocabulary string  `json:"vocabulary"`
			Code       string  `json:"code"`
			Min        *string `json:"min"`
		}
		err := client.Sector.Query().Where(sector.CodeIn(chunk...), sector.NameNotNil()).
			GroupBy(sector.FieldVocabulary, sector.FieldCode).Aggregate(ent.Min(sector.FieldName)).Scan(ctx, &rows)
		if err != nil {
			return nil, fmt.Errorf("summary: sector names: %w", err)
		}
		for _, r := range rows {
			out[[2]string{r.Vocabulary, r.Code}] = r.Min
		}
	}
	return out, nil
}
