package analytics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/money"
)

// ProgrammeDimension is a key programmeSummary groups by.
type ProgrammeDimension string

// The programme dimensions.
const (
	ByStatus       ProgrammeDimension = "STATUS"
	ByTheme        ProgrammeDimension = "THEME"
	ByProgCountry  ProgrammeDimension = "COUNTRY"
	ByRegion       ProgrammeDimension = "REGION"
	ByStartYear    ProgrammeDimension = "START_YEAR"
	ByOrganisation ProgrammeDimension = "ORGANISATION"
	ByRole         ProgrammeDimension = "ROLE"
	// ByProgSector groups by the programme's own sectors, its budget split
	// by their percentages.
	ByProgSector ProgrammeDimension = "SECTOR"
)

// ProgrammeDimensions lists them.
var ProgrammeDimensions = []ProgrammeDimension{ByStatus, ByTheme, ByProgCountry, ByRegion, ByStartYear, ByOrganisation, ByRole, ByProgSector}

// MarshalGQL writes the enum value.
func (d ProgrammeDimension) MarshalGQL(w io.Writer) { marshalEnum(w, d) }

// UnmarshalGQL reads the enum value.
func (d *ProgrammeDimension) UnmarshalGQL(v any) error {
	return unmarshalEnum(v, d, "ProgrammeDimension", ProgrammeDimensions)
}

// ProgrammeBucket is one combination of the grouping keys with its number
// of programmes and their budgets per currency. Keys not grouped by are nil.
type ProgrammeBucket struct {
	Status       *programme.Status
	Theme        *string
	Country      *ent.Country
	Region       *string
	StartYear    *int
	Organisation *ent.Organisation
	Role         *participation.Role
	// Sector and SectorSplit are the keys of SECTOR.
	Sector      *BucketSector
	SectorSplit *FundingSplit
	Count       int
	Budgets     []*money.Money
}

// ProgrammeRequest is one programmeSummary question.
type ProgrammeRequest struct {
	Where   *ent.ProgrammeWhereInput
	GroupBy []ProgrammeDimension
}

// ProgrammeSummary counts the programmes matching Where by the requested
// dimensions and adds up their budgets exactly, per currency, in one SQL
// statement, then reads the countries and organisations the buckets point
// at. A programme counts once in a bucket however many of its rows match
// (an organisation with two roles in it, grouped by ORGANISATION only).
func ProgrammeSummary(ctx context.Context, client *ent.Client, d string, r ProgrammeRequest) ([]*ProgrammeBucket, error) {
	if err := checkGroupBy(r.GroupBy, ProgrammeDimensions, "ProgrammeDimension"); err != nil {
		return nil, err
	}
	var pred func(*entsql.Selector)
	if r.Where != nil {
		p, err := r.Where.P()
		switch {
		case errors.Is(err, ent.ErrEmptyProgrammeWhereInput):
		case err != nil:
			return nil, apperr.Invalid("where", err)
		default:
			pred = p
		}
	}
	query, args, cols := programmeSQL(d, r.GroupBy, pred)
	g := grouped{query: query, args: args, keys: cols.keys}
	if done, err := answerJSON(ctx, client, d, "ProgrammeBucket", g, cols.jsonField); done || err != nil {
		return []*ProgrammeBucket{}, err
	}
	groups, err := runGrouped(ctx, client, query, args, cols.keys, false)
	if err != nil {
		return nil, err
	}
	return programmeBuckets(ctx, client, groups, cols)
}

type programmeCols struct {
	keys                                                          []keyCol
	status, theme, country, region, startYear, organisation, role int
	sectorVocabulary, sectorCode, sectorSplit                     int
}

// programmeSQL: p, the programmes matching the where input; with SECTOR,
// sec, their sectors, one row per programme, vocabulary and code (a code
// listed twice adds its percentages); x, one row per programme and key
// combination (DISTINCT, so no programme counts twice in a bucket), its
// budget split by sector percentage; then x grouped by the keys and the
// budget's currency.
func programmeSQL(d string, groupBy []ProgrammeDimension, pred func(*entsql.Selector)) (string, []any, programmeCols) {
	a := arith{d}
	filter, args := selector(d, programme.Table, []string{
		programme.FieldID, programme.FieldStatus, programme.FieldTheme, programme.FieldRegion,
		programme.FieldStartDate, programme.FieldBudgetAmount, programme.FieldBudgetCurrency,
	}, pred)
	cols := programmeCols{status: -1, theme: -1, country: -1, region: -1, startYear: -1, organisation: -1, role: -1,
		sectorVocabulary: -1, sectorCode: -1, sectorSplit: -1}
	hasBudget := "p.budget_amount IS NOT NULL AND p.budget_currency IS NOT NULL"
	amount := "p.budget_amount"
	var ctes []string
	add := func(expr string, kind keyKind) int {
		cols.keys = append(cols.keys, keyCol{expr: expr, kind: kind})
		return len(cols.keys) - 1
	}
	var joins []string
	participations := false
	for _, dim := range groupBy {
		switch dim {
		case ByStatus:
			cols.status = add("p.status", stringKey)
		case ByTheme:
			cols.theme = add("p.theme", stringKey)
		case ByProgCountry:
			joins = append(joins, "LEFT JOIN programme_countries pc ON pc.programme_id = p.id AND pc.role = 'BENEFICIARY'")
			cols.country = add("pc.country_id", intKey)
		case ByRegion:
			cols.region = add("p.region", stringKey)
		case ByStartYear:
			cols.startYear = add(year("p.start_date"), intKey)
		case ByOrganisation:
			participations = true
			cols.organisation = add("pa.organisation_id", intKey)
		case ByRole:
			participations = true
			cols.role = add("pa.role", stringKey)
		case ByProgSector:
			ctes = append(ctes, `sec AS (SELECT programme_id, vocabulary, code, `+a.sum("percentage")+` AS pct
  FROM sectors WHERE programme_id IN (SELECT id FROM p) GROUP BY programme_id, vocabulary, code)`)
			joins = append(joins, "LEFT JOIN sec ON sec.programme_id = p.id")
			cols.sectorVocabulary = add("sec.vocabulary", stringKey)
			cols.sectorCode = add("sec.code", stringKey)
			cols.sectorSplit = add("CASE WHEN sec.pct IS NULL THEN 'FULL' ELSE 'SHARES' END", stringKey)
			amount = a.share(amount, "sec.pct")
		}
	}
	if participations {
		joins = append(joins, "LEFT JOIN participations pa ON pa.programme_id = p.id")
	}
	var ks, kexprs []string
	for i, k := range cols.keys {
		ks = append(ks, fmt.Sprintf("k%d", i))
		kexprs = append(kexprs, fmt.Sprintf("%s AS k%d", k.expr, i))
	}
	keyList := strings.Join(ks, ", ")
	query := "WITH " + strings.Join(append([]string{"p AS (" + filter + ")"}, ctes...), ",\n") + ",\n" +
		"x AS (SELECT DISTINCT p.id, " + strings.Join(kexprs, ", ") +
		", CASE WHEN " + hasBudget + " THEN p.budget_currency END AS cur" +
		", CASE WHEN " + hasBudget + " THEN " + amount + " END AS amt\n  FROM p " + strings.Join(joins, " ") + ")\n" +
		"SELECT " + keyList + ", cur, COUNT(*), " + a.sum("amt") + " FROM x GROUP BY " + keyList + ", cur"
	return query, args, cols
}

func programmeBuckets(ctx context.Context, client *ent.Client, groups []*group, cols programmeCols) ([]*ProgrammeBucket, error) {
	const object = "ProgrammeBucket"
	var (
		countries map[int]*ent.Country
		orgs      map[int]*ent.Organisation
		err       error
	)
	if cols.country >= 0 {
		if countries, err = loadCountries(ctx, client, object, "country", idsAt(groups, cols.country)); err != nil {
			return nil, err
		}
	}
	if cols.organisation >= 0 {
		if orgs, err = loadOrganisations(ctx, client, object, "organisation", idsAt(groups, cols.organisation)); err != nil {
			return nil, err
		}
	}
	var sectors sectorNames
	if cols.sectorCode >= 0 {
		if sectors, err = loadSectorNames(ctx, client, object, groups, cols.sectorVocabulary, cols.sectorCode); err != nil {
			return nil, err
		}
	}
	out := make([]*ProgrammeBucket, len(groups))
	for i, g := range groups {
		b := &ProgrammeBucket{Count: g.count, Budgets: g.totals}
		if b.Budgets == nil {
			b.Budgets = []*money.Money{}
		}
		k := func(col int) key {
			if col < 0 {
				return key{}
			}
			return g.keys[col]
		}
		b.Country = at(countries, k(cols.country))
		b.Organisation = at(orgs, k(cols.organisation))
		b.Theme = k(cols.theme).strPtr()
		b.Region = k(cols.region).strPtr()
		b.StartYear = k(cols.startYear).intPtr()
		b.Status = enumPtr[programme.Status](k(cols.status))
		b.Role = enumPtr[participation.Role](k(cols.role))
		b.Sector = sectors.at(k(cols.sectorVocabulary), k(cols.sectorCode))
		b.SectorSplit = enumPtr[FundingSplit](k(cols.sectorSplit))
		out[i] = b
	}
	return out, nil
}

// jsonField writes one field of a ProgrammeBucket for answerJSON.
func (cols programmeCols) jsonField(b *jsonBuilder, f graphql.CollectedField) (string, error) {
	switch f.Name {
	case "country":
		return b.link("Country", "countries", cols.country, f)
	case "organisation":
		return b.link("Organisation", "organisations", cols.organisation, f)
	case "sector":
		return b.sector(cols.sectorVocabulary, cols.sectorCode, f)
	case "status":
		return b.keyJSON(cols.status), nil
	case "theme":
		return b.keyJSON(cols.theme), nil
	case "region":
		return b.keyJSON(cols.region), nil
	case "startYear":
		return b.keyJSON(cols.startYear), nil
	case "role":
		return b.keyJSON(cols.role), nil
	case "sectorSplit":
		return b.keyJSON(cols.sectorSplit), nil
	case "count":
		return "b.n::text", nil
	case "budgets":
		return b.totals(f)
	}
	return "", errUncovered
}
