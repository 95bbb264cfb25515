package interchange

import (
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/internal/gid"
	"github.com/aidregistry/registry/internal/money"
)

// Table is a bulk export of one kind of record.
type Table string

// The tables exported as CSV and NDJSON.
const (
	Programmes    Table = "programmes"
	Fundings      Table = "fundings"
	Organisations Table = "organisations"
)

// Tables lists them.
var Tables = []Table{Programmes, Fundings, Organisations}

// Format is CSV or NDJSON.
type Format string

// The table formats.
const (
	CSV    Format = "csv"
	NDJSON Format = "ndjson"
)

// Columns are the columns of each table, in order: the CSV header and the
// NDJSON keys. Records linked to are named by stable identifiers, not by
// database ids: a programme by its code, an organisation by its IATI
// identifier, else its acronym, else its name (OrganisationKey), a country
// by its ISO 3166-1 alpha-2 code, an agreement by its reference. Each
// record's own id is the opaque GraphQL id.
var Columns = map[Table][]string{
	Programmes: {"id", "code", "title", "description", "status", "theme", "startDate", "endDate",
		"coverage", "region", "budgetAmount", "budgetCurrency", "language", "parent",
		"countries", "participations", "createdAt", "updatedAt", "sectors"},
	Fundings: {"id", "programme", "kind", "date", "valueAmount", "valueCurrency", "funder", "recipient",
		"agreement", "note", "createdAt", "updatedAt", "transactionType", "sectors"},
	Organisations: {"id", "name", "acronym", "kind", "iatiRef", "website", "headquarters", "parent",
		"createdAt", "updatedAt"},
}

// TableOptions tune a table export.
type TableOptions struct {
	// Where is the GraphQL `where` argument of the table's connection as
	// JSON (see ParseWhere); "" exports every record.
	Where string
	// Flush, when set, is called after each page.
	Flush func()
}

// OrganisationKey names an organisation in exports: its IATI identifier,
// else its acronym, else its name.
func OrganisationKey(o *ent.Organisation) string {
	switch {
	case o == nil:
		return ""
	case o.IatiRef != nil:
		return *o.IatiRef
	case o.Acronym != nil:
		return *o.Acronym
	}
	return o.Name
}

// CountryLink is one of a programme's countries in an export.
type CountryLink struct {
	Role         string         `json:"role"`
	Country      string         `json:"country"`
	SharePercent *money.Decimal `json:"sharePercent"`
}

// String gives the CSV form ROLE:ISO2 or ROLE:ISO2:SHARE.
func (c CountryLink) String() string {
	s := c.Role + ":" + c.Country
	if c.SharePercent != nil {
		s += ":" + c.SharePercent.String()
	}
	return s
}

// ParticipationLink is one of a programme's participations in an export.
type ParticipationLink struct {
	Role         string `json:"role"`
	Organisation string `json:"organisation"`
}

// String gives the CSV form ROLE:ORGANISATION.
func (p ParticipationLink) String() string { return p.Role + ":" + p.Organisation }

// SectorLink is one of a programme's or a transaction's own sectors in an
// export.
type SectorLink struct {
	Vocabulary string         `json:"vocabulary"`
	Code       string         `json:"code"`
	Name       *string        `json:"name"`
	Percentage *money.Decimal `json:"percentage"`
}

// String gives the CSV form VOCABULARY:CODE or VOCABULARY:CODE:PERCENTAGE
// (the name stays out: the codelist gives it).
func (s SectorLink) String() string {
	out := s.Vocabulary + ":" + s.Code
	if s.Percentage != nil {
		out += ":" + s.Percentage.String()
	}
	return out
}

// Sectors gives sector rows as exported: sorted by their CSV form.
func Sectors(rows []*ent.Sector) []SectorLink {
	out := make([]SectorLink, 0, len(rows))
	for _, r := range rows {
		out = append(out, SectorLink{Vocabulary: r.Vocabulary, Code: r.Code, Name: r.Name, Percentage: r.Percentage})
	}
	slices.SortFunc(out, func(x, y SectorLink) int { return cmp.Compare(x.String(), y.String()) })
	return out
}

// ListSeparator joins a programme's countries, participations and sectors
// (a funding's sectors) in a CSV cell, sorted.
const ListSeparator = ";"

// ExportTable streams one table as CSV (a header, then a row per record)
// or NDJSON (an object per line), in id order, a page at a time.
func ExportTable(ctx context.Context, client *ent.Client, w io.Writer, table Table, format Format, opts TableOptions) error {
	var out rowWriter
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case CSV:
		out = &csvRows{w: csv.NewWriter(bw)}
	case NDJSON:
		out = &jsonRows{w: bw, enc: json.NewEncoder(bw)}
	default:
		return fmt.Errorf("unknown format %q (csv or ndjson)", format)
	}
	cols, ok := Columns[table]
	if !ok {
		return fmt.Errorf("unknown table %q", table)
	}
	if err := out.header(cols); err != nil {
		return err
	}
	flush := func() error {
		if err := out.flush(); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		if opts.Flush != nil {
			opts.Flush()
		}
		return nil
	}
	var err error
	switch table {
	case Programmes:
		err = programmeRows(ctx, client, opts.Where, out, flush)
	case Fundings:
		err = fundingRows(ctx, client, opts.Where, out, flush)
	case Organisations:
		err = organisationRows(ctx, client, opts.Where, out, flush)
	}
	if err != nil {
		return err
	}
	return flush()
}

// cell is one value of a row: as CSV text and as JSON.
type cell struct {
	text string
	json any
}

func str(s string) cell { return cell{s, s} }

func optStr(s *string) cell {
	if s == nil {
		return cell{"", nil}
	}
	return cell{*s, *s}
}

func optEnum[T ~string](v *T) cell {
	if v == nil {
		return cell{"", nil}
	}
	return cell{string(*v), string(*v)}
}

func optDecimal(d *money.Decimal) cell {
	if d == nil {
		return cell{"", nil}
	}
	return cell{d.String(), d.String()}
}

func timeCell(t time.Time) cell {
	s := t.UTC().Format(time.RFC3339Nano)
	return cell{s, s}
}

func idCell(id int) cell { return str(gid.Encode(id)) }

func optKey(o *ent.Organisation) cell {
	if o == nil {
		return cell{"", nil}
	}
	return str(OrganisationKey(o))
}

type rowWriter interface {
	header(cols []string) error
	row(cols []string, cells []cell) error
	flush() error
}

type csvRows struct{ w *csv.Writer }

func (c *csvRows) header(cols []string) error { return c.w.Write(cols) }

func (c *csvRows) row(_ []string, cells []cell) error {
	rec := make([]string, len(cells))
	for i, x := range cells {
		rec[i] = x.text
	}
	return c.w.Write(rec)
}

func (c *csvRows) flush() error { c.w.Flush(); return c.w.Error() }

type jsonRows struct {
	w   *bufio.Writer
	enc *json.Encoder
}

func (j *jsonRows) header([]string) error { return nil }

// row writes one object with the keys in column order.
func (j *jsonRows) row(cols []string, cells []cell) error {
	var b strings.Builder
	b.WriteByte('{')
	for i, c := range cols {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(c)
		v, err := json.Marshal(cells[i].json)
		if err != nil {
			return err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteString("}\n")
	_, err := j.w.WriteString(b.String())
	return err
}

func (j *jsonRows) flush() error { return nil }

func programmeRows(ctx context.Context, client *ent.Client, where string, out rowWriter, flush func() error) error {
	w, err := ParseWhere[ent.ProgrammeWhereInput](where)
	if err != nil {
		return err
	}
	q := client.Programme.Query()
	if w != nil {
		if q, err = w.Filter(q); err != nil {
			return whereError(err)
		}
	}
	cols := Columns[Programmes]
	last := 0
	for {
		page, err := q.Clone().Where(programme.IDGT(last)).Order(programme.ByID()).Limit(pageSize).
			WithParent().
			WithCountries(func(q *ent.ProgrammeCountryQuery) { q.WithCountry() }).
			WithParticipations(func(q *ent.ParticipationQuery) { q.WithOrganisation() }).
			WithSectors().
			All(ctx)
		if err != nil || len(page) == 0 {
			return err
		}
		for _, p := range page {
			countries := ProgrammeCountries(p)
			parts := ProgrammeParticipations(p)
			sectors := Sectors(p.Edges.Sectors)
			var parent cell
			if p.Edges.Parent != nil {
				parent = str(p.Edges.Parent.Code)
			} else {
				parent = cell{"", nil}
			}
			cells := []cell{
				idCell(p.ID), str(p.Code), str(p.Title), optStr(p.Description), optEnum(p.Status),
				optStr(p.Theme), optStr(p.StartDate), optStr(p.EndDate), optEnum(p.Coverage), optStr(p.Region),
				optDecimal(p.BudgetAmount), optStr(p.BudgetCurrency), optStr(p.Language), parent,
				{joinStrings(countries), countries}, {joinStrings(parts), parts},
				timeCell(p.CreatedAt), timeCell(p.UpdatedAt), {joinStrings(sectors), sectors},
			}
			if err := out.row(cols, cells); err != nil {
				return err
			}
		}
		last = page[len(page)-1].ID
		if err := flush(); err != nil {
			return err
		}
	}
}

// ProgrammeCountries gives a programme's countries (loaded with their
// country) as exported: sorted by role, then country.
func ProgrammeCountries(p *ent.Programme) []CountryLink {
	out := make([]CountryLink, 0, len(p.Edges.Countries))
	for _, c := range p.Edges.Countries {
		out = append(out, CountryLink{Role: string(c.Role), Country: c.Edges.Country.Iso2, SharePercent: c.SharePercent})
	}
	slices.SortFunc(out, func(x, y CountryLink) int {
		return cmp.Or(cmp.Compare(x.Role, y.Role), cmp.Compare(x.Country, y.Country))
	})
	return out
}

// ProgrammeParticipations gives a programme's participations (loaded with
// their organisation) as exported: sorted by role, then organisation.
func ProgrammeParticipations(p *ent.Programme) []ParticipationLink {
	out := make([]ParticipationLink, 0, len(p.Edges.Participations))
	for _, pa := range p.Edges.Participations {
		out = append(out, ParticipationLink{Role: string(pa.Role), Organisation: OrganisationKey(pa.Edges.Organisation)})
	}
	slices.SortFunc(out, func(x, y ParticipationLink) int {
		return cmp.Or(cmp.Compare(x.Role, y.Role), cmp.Compare(x.Organisation, y.Organisation))
	})
	return out
}

func joinStrings[T fmt.Stringer](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = x.String()
	}
	return strings.Join(s, ListSeparator)
}

func fundingRows(ctx context.Context, client *ent.Client, where string, out rowWriter, flush func() error) error {
	w, err := ParseWhere[ent.FundingWhereInput](where)
	if err != nil {
		return err
	}
	q := client.Funding.Query()
	if w != nil {
		if q, err = w.Filter(q); err != nil {
			return whereError(err)
		}
	}
	cols := Columns[Fundings]
	last := 0
	for {
		page, err := q.Clone().Where(funding.IDGT(last)).Order(funding.ByID()).Limit(pageSize).
			WithProgramme().WithFunder().WithRecipient().WithAgreement().WithSectors().
			All(ctx)
		if err != nil || len(page) == 0 {
			return err
		}
		for _, f := range page {
			agreement := cell{"", nil}
			if f.Edges.Agreement != nil {
				agreement = optStr(f.Edges.Agreement.Reference)
			}
			sectors := Sectors(f.Edges.Sectors)
			cells := []cell{
				idCell(f.ID), str(f.Edges.Programme.Code), optEnum(f.Kind), optStr(f.Date),
				optDecimal(f.ValueAmount), optStr(f.ValueCurrency), optKey(f.Edges.Funder), optKey(f.Edges.Recipient),
				agreement, optStr(f.Note), timeCell(f.CreatedAt), timeCell(f.UpdatedAt),
				optEnum(f.TransactionType), {joinStrings(sectors), sectors},
			}
			if err := out.row(cols, cells); err != nil {
				return err
			}
		}
		last = page[len(page)-1].ID
		if err := flush(); err != nil {
			return err
		}
	}
}

func organisationRows(ctx context.Context, client *ent.Client, where string, out rowWriter, flush func() error) error {
	w, err := ParseWhere[ent.OrganisationWhereInput](where)
	if err != nil {
		return err
	}
	// An organisation merged into another is exported as that one.
	q := client.Organisation.Query().Where(organisation.MergedIntoIDIsNil())
	if w != nil {
		if q, err = w.Filter(q); err != nil {
			return whereError(err)
		}
	}
	cols := Columns[Organisations]
	last := 0
	for {
		page, err := q.Clone().Where(organisation.IDGT(last)).Order(organisation.ByID()).Limit(pageSize).
			WithHeadquarters().WithParent().
			All(ctx)
		if err != nil || len(page) == 0 {
			return err
		}
		for _, o := range page {
			hq := cell{"", nil}
			if o.Edges.Headquarters != nil {
				hq = str(o.Edges.Headquarters.Iso2)
			}
			cells := []cell{
				idCell(o.ID), str(o.Name), optStr(o.Acronym), str(string(o.Kind)), optStr(o.IatiRef),
				optStr(o.Website), hq, optKey(o.Edges.Parent), timeCell(o.CreatedAt), timeCell(o.UpdatedAt),
			}
			if err := out.row(cols, cells); err != nil {
				return err
			}
		}
		last = page[len(page)-1].ID
		if err := flush(); err != nil {
			return err
		}
	}
}
