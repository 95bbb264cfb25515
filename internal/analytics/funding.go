package analytics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/money"
)

// FundingDimension is a key fundingSummary groups by.
type FundingDimension string

// The funding dimensions.
const (
	ByFunder    FundingDimension = "FUNDER"
	ByRecipient FundingDimension = "RECIPIENT"
	ByProgramme FundingDimension = "PROGRAMME"
	ByCountry   FundingDimension = "COUNTRY"
	ByYear      FundingDimension = "YEAR"
	ByKind      FundingDimension = "KIND"
	ByCurrency  FundingDimension = "CURRENCY"
	// ByTransactionType groups by the IATI transaction type kept exactly.
	ByTransactionType FundingDimension = "TRANSACTION_TYPE"
	// BySector groups by sector (vocabulary and code), split by percentage.
	BySector FundingDimension = "SECTOR"
)

// FundingDimensions lists them.
var FundingDimensions = []FundingDimension{ByFunder, ByRecipient, ByProgramme, ByCountry, ByYear, ByKind, ByCurrency,
	ByTransactionType, BySector}

// MarshalGQL writes the enum value.
func (d FundingDimension) MarshalGQL(w io.Writer) { marshalEnum(w, d) }

// UnmarshalGQL reads the enum value.
func (d *FundingDimension) UnmarshalGQL(v any) error {
	return unmarshalEnum(v, d, "FundingDimension", FundingDimensions)
}

// FundingSplit says how a bucket grouped by COUNTRY (or SECTOR) got its
// amounts.
type FundingSplit string

// The splits.
const (
	// Shares: each funding counts for the country's share percentage of
	// its programme, so a multi-country programme is never counted twice.
	Shares FundingSplit = "SHARES"
	// Full: the programme gives the country no share, so each funding
	// counts in full (for each of its countries: adding FULL buckets over
	// countries can count a funding more than once).
	Full FundingSplit = "FULL"
)

// MarshalGQL writes the enum value.
func (s FundingSplit) MarshalGQL(w io.Writer) { marshalEnum(w, s) }

// UnmarshalGQL reads the enum value.
func (s *FundingSplit) UnmarshalGQL(v any) error {
	return unmarshalEnum(v, s, "FundingSplit", []FundingSplit{Shares, Full})
}

// FunderRule says where a bucket grouped by FUNDER got its funder.
type FunderRule string

// The rules.
const (
	// Own: the funding names its funder.
	Own FunderRule = "OWN"
	// ProgrammeFundingParticipant: the funding names none, and its
	// programme has exactly one FUNDING participant, taken as the funder.
	ProgrammeFundingParticipant FunderRule = "PROGRAMME_FUNDING_PARTICIPANT"
)

// MarshalGQL writes the enum value.
func (r FunderRule) MarshalGQL(w io.Writer) { marshalEnum(w, r) }

// UnmarshalGQL reads the enum value.
func (r *FunderRule) UnmarshalGQL(v any) error {
	return unmarshalEnum(v, r, "FunderRule", []FunderRule{Own, ProgrammeFundingParticipant})
}

// FundingBucket is one combination of the grouping keys with its count and
// its totals per currency. Keys not grouped by are nil.
type FundingBucket struct {
	Funder     *ent.Organisation
	FunderRule *FunderRule
	Recipient  *ent.Organisation
	Programme  *ent.Programme
	Country    *ent.Country
	Split      *FundingSplit
	Year       *int
	Kind       *funding.Kind
	Currency   *string
	// TransactionType is the key of TRANSACTION_TYPE.
	TransactionType *funding.TransactionType
	// Sector and SectorSplit are the keys of SECTOR.
	Sector      *BucketSector
	SectorSplit *FundingSplit
	Count       int
	Totals      []*money.Money
	RateMissing bool
}

// FundingRequest is one fundingSummary question.
type FundingRequest struct {
	Where   *ent.FundingWhereInput
	GroupBy []FundingDimension
	// In, when set, converts every total into this ISO 4217 currency.
	In *string
}

// FundingSummary groups the fundings matching Where by the requested
// dimensions and adds up their values exactly, per currency, in one SQL
// statement; then it reads the organisations, programmes and countries the
// buckets point at, one query per selected field. The rules (shares,
// inferred funders, conversion) are those of graph/analytics.graphql.
func FundingSummary(ctx context.Context, client *ent.Client, d string, r FundingRequest) ([]*FundingBucket, error) {
	if err := checkGroupBy(r.GroupBy, FundingDimensions, "FundingDimension"); err != nil {
		return nil, err
	}
	if r.In != nil {
		if err := money.ValidateCurrency(*r.In); err != nil {
			return nil, &apperr.Error{Code: apperr.BadUserInput, Field: "in", Message: err.Error(), Err: err}
		}
	}
	var pred func(*entsql.Selector)
	if r.Where != nil {
		p, err := r.Where.P()
		switch {
		case errors.Is(err, ent.ErrEmptyFundingWhereInput):
		case err != nil:
			return nil, apperr.Invalid("where", err)
		default:
			pred = p
		}
	}
	// byProgramme: the fundings are those of a set of programmes, which
	// fundingEdges reads as an id set on PostgreSQL.
	byProgramme := false
	if d == dialect.Postgres {
		if edges := fundingEdges(d, r.Where); edges != nil {
			pred, byProgramme = edges, true
		}
	}
	query, args, cols := fundingSQL(d, r.GroupBy, r.In, pred, byProgramme)
	g := grouped{query: query, args: args, keys: cols.keys, withMissing: r.In != nil}
	if done, err := answerJSON(ctx, client, d, "FundingBucket", g, cols.jsonField); done || err != nil {
		return []*FundingBucket{}, err
	}
	groups, err := runGrouped(ctx, client, query, args, cols.keys, r.In != nil)
	if err != nil {
		return nil, err
	}
	return fundingBuckets(ctx, client, groups, cols)
}

// fundingCols says which key column holds which dimension (-1: not grouped).
type fundingCols struct {
	keys                                        []keyCol
	funder, rule, recipient, programme, country int
	split, year, kind, currency                 int
	transactionType                             int
	sectorVocabulary, sectorCode, sectorSplit   int
}

// fundingSQL writes the summary as CTEs:
//
//	f  the fundings matching the where input (ent's own predicate SQL)
//	s  f with the raw columns the dimensions need, grouped by them on
//	   SQLite (see rawCTE)
//	pf grouping by FUNDER: the one FUNDING participant of the programmes
//	   of the groups with no funder of their own
//	sec grouping by SECTOR: the sectors of the owners in s, one row per
//	   owner, vocabulary and code (a code listed twice adds its
//	   percentages); an owner is a funding with sectors of its own, else
//	   its programme (ids are unique across tables, so one column holds
//	   either)
//	x  s with the final keys: inferred funders, beneficiary countries
//	   (amount × share, exact, as a sum times a share is the sum of the
//	   shares), sectors (amount × percentage likewise), years
//	g  x grouped by the keys and currency (and date, to convert)
//	rr with `in`: the rate of each currency and date, the latest on or
//	   before that date
//	r  with `in`: each group with its rate
//	c  with `in`: the groups converted, or flagged when no rate exists
func fundingSQL(d string, groupBy []FundingDimension, in *string, pred func(*entsql.Selector), byProgramme bool) (string, []any, fundingCols) {
	a := arith{d}
	filter, args := selector(d, funding.Table, []string{
		funding.FieldID, funding.FieldProgrammeID, funding.FieldFunderID, funding.FieldRecipientID,
		funding.FieldKind, funding.FieldTransactionType, funding.FieldDate, funding.FieldValueAmount, funding.FieldValueCurrency,
	}, pred)
	cols := fundingCols{funder: -1, rule: -1, recipient: -1, programme: -1, country: -1, split: -1, year: -1, kind: -1, currency: -1,
		transactionType: -1, sectorVocabulary: -1, sectorCode: -1, sectorSplit: -1}
	add := func(expr string, kind keyKind) int {
		cols.keys = append(cols.keys, keyCol{expr: expr, kind: kind})
		return len(cols.keys) - 1
	}
	hasValue := "f.value_amount IS NOT NULL AND f.value_currency IS NOT NULL"
	raw := []string{"CASE WHEN " + hasValue + " THEN f.value_currency END AS cur"}
	rawNames := []string{"cur"}
	addRaw := func(expr, name string) {
		for _, n := range rawNames {
			if n == name {
				return
			}
		}
		raw = append(raw, expr+" AS "+name)
		rawNames = append(rawNames, name)
	}
	if in != nil {
		addRaw("f.date", "d")
	}
	amount := "s.amt"
	var joins []string
	var ctes []string
	for _, dim := range groupBy {
		switch dim {
		case ByFunder:
			addRaw("f.funder_id", "fid")
			addRaw("CASE WHEN f.funder_id IS NULL THEN f.programme_id END", "ip")
			inferred := "pf.organisation_id"
			if d == dialect.Postgres {
				// Looked up only for a row without a funder of its own
				// (CASE runs the subquery for those alone), so s is read
				// once and PostgreSQL need not materialise it.
				inferred = `CASE WHEN s.fid IS NULL THEN (SELECT MIN(organisation_id) FROM participations
  WHERE programme_id = s.ip AND role = 'FUNDING' HAVING COUNT(*) = 1) END`
			} else {
				ctes = append(ctes, `pf AS (SELECT programme_id, MIN(organisation_id) AS organisation_id FROM participations
  WHERE role = 'FUNDING' AND programme_id IN (SELECT ip FROM s)
  GROUP BY programme_id HAVING COUNT(*) = 1)`)
				joins = append(joins, "LEFT JOIN pf ON pf.programme_id = s.ip")
			}
			cols.funder = add("COALESCE(s.fid, "+inferred+")", intKey)
			cols.rule = add(`CASE WHEN s.fid IS NOT NULL THEN 'OWN'
  WHEN `+inferred+` IS NOT NULL THEN 'PROGRAMME_FUNDING_PARTICIPANT' END`, stringKey)
		case ByRecipient:
			addRaw("f.recipient_id", "rid")
			cols.recipient = add("s.rid", intKey)
		case ByProgramme:
			addRaw("f.programme_id", "pid")
			cols.programme = add("s.pid", intKey)
		case ByCountry:
			addRaw("f.programme_id", "pid")
			joins = append(joins, countryJoin(byProgramme))
			cols.country = add("pc.country_id", intKey)
			cols.split = add("CASE WHEN pc.share_percent IS NULL THEN 'FULL' ELSE 'SHARES' END", stringKey)
			amount = a.share(amount, "pc.share_percent")
		case BySector:
			// The owner of a funding's sectors: the funding when it has
			// sectors of its own, else its programme.
			addRaw("CASE WHEN EXISTS (SELECT 1 FROM sectors se WHERE se.funding_id = f.id) THEN f.id ELSE f.programme_id END", "sown")
			ctes = append(ctes, `sec AS (SELECT COALESCE(funding_id, programme_id) AS own, vocabulary, code, `+a.sum("percentage")+` AS pct
  FROM sectors WHERE funding_id IN (SELECT sown FROM s) OR programme_id IN (SELECT sown FROM s)
  GROUP BY COALESCE(funding_id, programme_id), vocabulary, code)`)
			joins = append(joins, "LEFT JOIN sec ON sec.own = s.sown")
			cols.sectorVocabulary = add("sec.vocabulary", stringKey)
			cols.sectorCode = add("sec.code", stringKey)
			cols.sectorSplit = add("CASE WHEN sec.pct IS NULL THEN 'FULL' ELSE 'SHARES' END", stringKey)
			amount = a.share(amount, "sec.pct")
		case ByTransactionType:
			addRaw("f.transaction_type", "tt")
			cols.transactionType = add("s.tt", stringKey)
		case ByYear:
			if in != nil {
				cols.year = add(year("s.d"), intKey)
			} else {
				addRaw(year("f.date"), "yr")
				cols.year = add("s.yr", intKey)
			}
		case ByKind:
			addRaw("f.kind", "kind")
			cols.kind = add("s.kind", stringKey)
		case ByCurrency:
			cols.currency = add("s.cur", stringKey)
		}
	}
	var ks, kexprs []string
	for i, k := range cols.keys {
		ks = append(ks, fmt.Sprintf("k%d", i))
		kexprs = append(kexprs, fmt.Sprintf("%s AS k%d", k.expr, i))
	}
	keyList := strings.Join(ks, ", ")
	date, xdate := "", ""
	if in != nil {
		date, xdate = ", d", ", s.d"
	}
	ctes = append([]string{
		"f AS (" + filter + ")",
		rawCTE(a, raw, rawNames, "CASE WHEN "+hasValue+" THEN f.value_amount END"),
	}, ctes...)
	ctes = append(ctes,
		"x AS (SELECT "+strings.Join(kexprs, ", ")+", s.cur, s.n, "+amount+" AS amt"+xdate+
			"\n  FROM s "+strings.Join(joins, " ")+")",
		"g AS (SELECT "+keyList+", cur"+date+", SUM(n) AS n, "+a.sum("amt")+" AS amt FROM x GROUP BY "+keyList+", cur"+date+")",
	)
	final := "SELECT " + keyList + ", cur, n, amt FROM g"
	if in != nil {
		to := "'" + *in + "'" // validated: three capital letters
		converted := "cur IS NOT NULL AND cur <> " + to + " AND rate IS NOT NULL"
		ctes = append(ctes,
			// One rate lookup per currency and date, not per group.
			`rr AS MATERIALIZED (SELECT p.cur, p.d, (SELECT er.rate FROM exchange_rates er
    WHERE er.currency = p.cur AND er.to_currency = `+to+`
      AND (p.d IS NULL OR er.date`+a.textOrder()+` <= p.d`+a.textOrder()+`)
    ORDER BY er.date`+a.textOrder()+` DESC LIMIT 1) AS rate
  FROM (SELECT DISTINCT cur, d FROM g WHERE cur IS NOT NULL AND cur <> `+to+`) p)`,
			`r AS (SELECT g.*, rr.rate FROM g LEFT JOIN rr ON rr.cur = g.cur AND COALESCE(rr.d, '') = COALESCE(g.d, ''))`,
			"c AS (SELECT "+keyList+
				", CASE WHEN "+converted+" THEN "+to+" ELSE cur END AS cur"+
				", CASE WHEN "+converted+" THEN "+a.mul("amt", "rate")+" ELSE amt END AS amt"+
				", n, CASE WHEN cur IS NOT NULL AND cur <> "+to+" AND rate IS NULL THEN 1 ELSE 0 END AS missing FROM r)",
		)
		final = "SELECT " + keyList + ", cur, SUM(n), " + a.sum("amt") + ", MAX(missing) FROM c GROUP BY " + keyList + ", cur"
	}
	return "WITH " + strings.Join(ctes, ",\n") + "\n" + final, args, cols
}

// countryJoin joins each row of s to its programme's beneficiary countries.
// When the fundings are those of a set of programmes (byProgramme, on
// PostgreSQL), the countries are first read for the programmes s holds,
// once a programme, and hash-joined: probing the index once a funding
// (Q4: 16,725 fundings of 4,169 programmes) cost about a tenth of the
// statement. Over every funding, reading s twice (so materialising it)
// cost a fifth more than the plain join, which stays for other filters.
func countryJoin(byProgramme bool) string {
	if byProgramme {
		return `LEFT JOIN (SELECT programme_id, country_id, share_percent FROM programme_countries
  WHERE role = 'BENEFICIARY' AND programme_id IN (SELECT pid FROM s)) pc ON pc.programme_id = s.pid`
	}
	return "LEFT JOIN programme_countries pc ON pc.programme_id = s.pid AND pc.role = 'BENEFICIARY'"
}

// rawCTE writes s: on SQLite the matching fundings grouped by the raw
// columns, which adds up their text amounts once before the joins; on
// PostgreSQL one row per funding, because there the grouping before the
// joins cost more than it saved: Q4's fundings barely share a programme,
// funder and currency (16,725 rows made 16,573 groups), and the extra
// aggregate spilled to disk at the default work_mem. Sums distribute over
// shares, so both give the same totals.
func rawCTE(a arith, raw, rawNames []string, amount string) string {
	if a.dialect == dialect.Postgres {
		return "s AS (SELECT " + strings.Join(raw, ", ") + ", 1 AS n, " + amount + " AS amt\n  FROM f)"
	}
	return "s AS (SELECT " + strings.Join(raw, ", ") + ", COUNT(*) AS n, " + a.sum(amount) + " AS amt\n  FROM f GROUP BY " +
		strings.Join(rawNames, ", ") + ")"
}

// fundingBuckets reads the records the buckets point at and fills them in.
func fundingBuckets(ctx context.Context, client *ent.Client, groups []*group, cols fundingCols) ([]*FundingBucket, error) {
	const object = "FundingBucket"
	var (
		funders, recipients map[int]*ent.Organisation
		programmes          map[int]*ent.Programme
		countries           map[int]*ent.Country
		err                 error
	)
	if cols.funder >= 0 {
		if funders, err = loadOrganisations(ctx, client, object, "funder", idsAt(groups, cols.funder)); err != nil {
			return nil, err
		}
	}
	if cols.recipient >= 0 {
		if recipients, err = loadOrganisations(ctx, client, object, "recipient", idsAt(groups, cols.recipient)); err != nil {
			return nil, err
		}
	}
	if cols.programme >= 0 {
		if programmes, err = loadProgrammes(ctx, client, object, "programme", idsAt(groups, cols.programme)); err != nil {
			return nil, err
		}
	}
	if cols.country >= 0 {
		if countries, err = loadCountries(ctx, client, object, "country", idsAt(groups, cols.country)); err != nil {
			return nil, err
		}
	}
	var sectors sectorNames
	if cols.sectorCode >= 0 {
		if sectors, err = loadSectorNames(ctx, client, object, groups, cols.sectorVocabulary, cols.sectorCode); err != nil {
			return nil, err
		}
	}
	out := make([]*FundingBucket, len(groups))
	for i, g := range groups {
		b := &FundingBucket{Count: g.count, Totals: g.totals, RateMissing: g.rateMissing}
		if b.Totals == nil {
			b.Totals = []*money.Money{}
		}
		k := func(col int) key {
			if col < 0 {
				return key{}
			}
			return g.keys[col]
		}
		b.Funder = at(funders, k(cols.funder))
		b.Recipient = at(recipients, k(cols.recipient))
		b.Programme = at(programmes, k(cols.programme))
		b.Country = at(countries, k(cols.country))
		b.Year = k(cols.year).intPtr()
		b.Currency = k(cols.currency).strPtr()
		b.FunderRule = enumPtr[FunderRule](k(cols.rule))
		b.Split = enumPtr[FundingSplit](k(cols.split))
		b.Kind = enumPtr[funding.Kind](k(cols.kind))
		b.TransactionType = enumPtr[funding.TransactionType](k(cols.transactionType))
		b.Sector = sectors.at(k(cols.sectorVocabulary), k(cols.sectorCode))
		b.SectorSplit = enumPtr[FundingSplit](k(cols.sectorSplit))
		out[i] = b
	}
	return out, nil
}

// jsonField writes one field of a FundingBucket for answerJSON.
func (cols fundingCols) jsonField(b *jsonBuilder, f graphql.CollectedField) (string, error) {
	switch f.Name {
	case "funder":
		return b.link("Organisation", "organisations", cols.funder, f)
	case "recipient":
		return b.link("Organisation", "organisations", cols.recipient, f)
	case "programme":
		return b.link("Programme", "programmes", cols.programme, f)
	case "country":
		return b.link("Country", "countries", cols.country, f)
	case "sector":
		return b.sector(cols.sectorVocabulary, cols.sectorCode, f)
	case "funderRule":
		return b.keyJSON(cols.rule), nil
	case "split":
		return b.keyJSON(cols.split), nil
	case "year":
		return b.keyJSON(cols.year), nil
	case "kind":
		return b.keyJSON(cols.kind), nil
	case "currency":
		return b.keyJSON(cols.currency), nil
	case "transactionType":
		return b.keyJSON(cols.transactionType), nil
	case "sectorSplit":
		return b.keyJSON(cols.sectorSplit), nil
	case "count":
		return "b.n::text", nil
	case "totals":
		return b.totals(f)
	case "rateMissing":
		return "b.missing::text", nil
	}
	return "", errUncovered
}
