package interchange

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/activitylink"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/programmecountry"
	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/money"
)

// pageSize is how many records an export reads at a time: memory holds a
// page, never the export.
const pageSize = 200

// IATIOptions tune an IATI export.
type IATIOptions struct {
	// Where filters the programmes as the GraphQL `programmes` connection
	// would (see ParseWhere); nil exports all.
	Where *ent.ProgrammeWhereInput
	// Publisher is the reporting-org of programmes that were not imported
	// from IATI and have no ACCOUNTABLE, EXTENDING, FUNDING or IMPLEMENTING
	// organisation with an identifier to stand for it. Without it such
	// programmes are left out.
	Publisher *iati.ReportingOrg
	// Generated, when set, is written as the file's generated-datetime.
	// Left zero, the same store always gives the same bytes.
	Generated time.Time
	// Flush, when set, is called after each page: a streamed response's.
	Flush func()
	// Skipped, when set, is given what is left out as it happens, and the
	// result's list stays empty.
	Skipped func(Skip)
}

// ExportResult says what an export wrote and what it left out.
type ExportResult struct {
	// Written and LeftOut count programmes.
	Written, LeftOut int
	// Skipped lists programmes (Element "iati-activity") or their elements
	// that IATI 2.03 cannot carry, with the reason.
	Skipped []Skip
}

func (r *ExportResult) skip(opts IATIOptions, s Skip) {
	if opts.Skipped != nil {
		opts.Skipped(s)
		return
	}
	r.Skipped = append(r.Skipped, s)
}

// ExportIATI writes the programmes as an IATI 2.03 activity file, one
// page of programmes at a time, in id order. A programme IATI's schema
// would refuse (no status, no date, no organisation) is left out and
// listed in the result; the document written validates against the
// official schema whenever it holds at least one activity.
func ExportIATI(ctx context.Context, client *ent.Client, w io.Writer, opts IATIOptions) (ExportResult, error) {
	var res ExportResult
	q := client.Programme.Query()
	if opts.Where != nil {
		var err error
		if q, err = opts.Where.Filter(q); err != nil {
			return res, whereError(err)
		}
	}
	xw := iati.NewWriter(w)
	xw.Generated = opts.Generated
	ex := &exporter{c: client, publisher: opts.Publisher, kinds: map[string]string{}}
	last := 0
	for {
		page, err := q.Clone().Where(programme.IDGT(last)).Order(programme.ByID()).Limit(pageSize).
			WithParent().
			WithChildren(func(q *ent.ProgrammeQuery) { q.Order(programme.ByCode()) }).
			WithParticipations(func(q *ent.ParticipationQuery) { q.WithOrganisation() }).
			WithCountries(func(q *ent.ProgrammeCountryQuery) { q.WithCountry() }).
			WithFundings(func(q *ent.FundingQuery) { q.WithFunder().WithRecipient() }).
			WithContacts().
			WithSources().
			All(ctx)
		if err != nil {
			return res, err
		}
		if len(page) == 0 {
			break
		}
		codes := make([]string, len(page))
		for i, p := range page {
			codes[i] = p.Code
		}
		links, err := client.ActivityLink.Query().Where(activitylink.ProgrammeCodeIn(codes...)).All(ctx)
		if err != nil {
			return res, err
		}
		byCode := map[string][]*ent.ActivityLink{}
		for _, l := range links {
			byCode[l.ProgrammeCode] = append(byCode[l.ProgrammeCode], l)
		}
		for _, p := range page {
			if len(p.IatiElements) > 0 {
				e, notes, err := ex.published(ctx, p, byCode[p.Code])
				if err != nil {
					return res, err
				}
				for _, n := range notes {
					res.skip(opts, Skip{Record: p.Code, Element: n.Element, Reason: n.Reason})
				}
				if err := xw.WriteElement(e); err != nil {
					return res, err
				}
				res.Written++
				continue
			}
			a, notes, err := ex.activity(ctx, p, byCode[p.Code])
			if err != nil {
				return res, err
			}
			for _, n := range notes {
				res.skip(opts, Skip{Record: p.Code, Element: n.Element, Reason: n.Reason})
			}
			err = xw.WriteActivity(a)
			var invalid *iati.InvalidActivityError
			if errors.As(err, &invalid) {
				res.LeftOut++
				res.skip(opts, Skip{Record: p.Code, Element: wholeActivity,
					Reason: "not exported: IATI 2.03 needs what the programme lacks: " + strings.Join(invalid.Reasons, "; ")})
				continue
			}
			if err != nil {
				return res, err
			}
			res.Written++
		}
		last = page[len(page)-1].ID
		if opts.Flush != nil {
			if err := xw.Flush(); err != nil {
				return res, err
			}
			opts.Flush()
		}
	}
	return res, xw.Close()
}

type exporter struct {
	c         *ent.Client
	publisher *iati.ReportingOrg
	// kinds caches the OrganisationType of stored reporting-orgs by ref.
	kinds map[string]string
}

// roleOrder is the order in which a participant stands in for a missing
// reporting-org.
var roleOrder = []participation.Role{
	participation.RoleACCOUNTABLE, participation.RoleEXTENDING,
	participation.RoleFUNDING, participation.RoleIMPLEMENTING,
}

// activity maps a programme to an IATI activity. Elements IATI cannot
// carry are left out and noted; the writer checks the rest.
func (ex *exporter) activity(ctx context.Context, p *ent.Programme, links []*ent.ActivityLink) (*iati.Activity, []Skip, error) {
	a, _, notes, err := ex.render(ctx, p, links)
	return a, notes, err
}

// rowIDs says, per element family a record kind holds, which record each
// of the typed activity's entries of that family was made of, in order.
type rowIDs map[string][]int

// render maps a programme to an IATI activity, and says which record made
// each participating-org, recipient-country, contact-info and transaction.
func (ex *exporter) render(ctx context.Context, p *ent.Programme, links []*ent.ActivityLink) (*iati.Activity, rowIDs, []Skip, error) {
	rows := rowIDs{}
	var notes []Skip
	note := func(elem, format string, args ...any) {
		notes = append(notes, Skip{Element: elem, Reason: fmt.Sprintf(format, args...)})
	}
	lang := deref(p.Language)
	a := &iati.Activity{Identifier: p.Code, Lang: lang}

	ro, err := ex.reportingOrg(ctx, p)
	if err != nil {
		return nil, nil, nil, err
	}
	a.ReportingOrg = ro

	a.Title = append([]iati.Narrative{{Lang: lang, Text: p.Title}}, p.TitleTranslations...)
	if p.Description != nil {
		a.Descriptions = []iati.Description{{Narratives: append([]iati.Narrative{{Lang: lang, Text: *p.Description}}, p.DescriptionTranslations...)}}
	} else {
		// IATI wants a description: the title stands in for it.
		a.Descriptions = []iati.Description{{Narratives: a.Title}}
	}

	parts := slices.Clone(p.Edges.Participations)
	slices.SortFunc(parts, func(x, y *ent.Participation) int {
		return cmp.Or(cmp.Compare(iati.RoleByParticipationRole[string(x.Role)], iati.RoleByParticipationRole[string(y.Role)]),
			cmp.Compare(orgRef(x.Edges.Organisation), orgRef(y.Edges.Organisation)),
			cmp.Compare(x.Edges.Organisation.Name, y.Edges.Organisation.Name))
	})
	for _, pa := range parts {
		role, ok := iati.RoleByParticipationRole[string(pa.Role)]
		if !ok {
			note("participating-org", "%s is a PARTNER, a role IATI has no code for; left out", pa.Edges.Organisation.Name)
			continue
		}
		o := pa.Edges.Organisation
		rows["participating-org"] = append(rows["participating-org"], pa.ID)
		a.ParticipatingOrgs = append(a.ParticipatingOrgs, iati.ParticipatingOrg{
			Ref: orgRef(o), Type: iati.OrganisationTypeByKind[string(o.Kind)], Role: role,
			Name: []iati.Narrative{{Text: o.Name}},
		})
	}

	if p.Status != nil {
		a.Status = iati.StatusByProgrammeStatus[string(*p.Status)]
	}
	if start, end := startEnd(p.ActivityDates); len(p.ActivityDates) > 0 && equalPtr(start, p.StartDate) && equalPtr(end, p.EndDate) {
		a.Dates = p.ActivityDates // as imported, planned and actual
	} else {
		a.Dates = datesOf(p)
	}

	contacts := slices.Clone(p.Edges.Contacts)
	slices.SortFunc(contacts, func(x, y *ent.Contact) int {
		return cmp.Or(cmp.Compare(deref(x.Name), deref(y.Name)), cmp.Compare(deref(x.Email), deref(y.Email)),
			cmp.Compare(deref(x.Phone), deref(y.Phone)), cmp.Compare(deref(x.Office), deref(y.Office)))
	})
	for _, c := range contacts {
		ci := iati.ContactInfo{}
		if c.Office != nil {
			ci.Organisation = []iati.Narrative{{Text: *c.Office}}
		}
		if c.Name != nil {
			ci.PersonName = []iati.Narrative{{Text: *c.Name}}
		}
		if c.Phone != nil {
			ci.Telephone = []string{*c.Phone}
		}
		if c.Email != nil {
			ci.Email = []string{*c.Email}
		}
		a.Contacts = append(a.Contacts, ci)
		rows["contact-info"] = append(rows["contact-info"], c.ID)
	}

	countries := slices.Clone(p.Edges.Countries)
	slices.SortFunc(countries, func(x, y *ent.ProgrammeCountry) int {
		return cmp.Compare(x.Edges.Country.Iso2, y.Edges.Country.Iso2)
	})
	for _, c := range countries {
		if c.Role != programmecountry.RoleBENEFICIARY {
			note("recipient-country", "%s is a %s, which IATI has no element for; left out", c.Edges.Country.Iso2, c.Role)
			continue
		}
		a.RecipientCountries = append(a.RecipientCountries, iati.RecipientCountry{Code: c.Edges.Country.Iso2, Percentage: c.SharePercent})
		rows["recipient-country"] = append(rows["recipient-country"], c.ID)
	}
	a.RecipientRegions = p.RecipientRegions

	budget := money.New(p.BudgetAmount, p.BudgetCurrency)
	if total, _ := budgetTotal(p.BudgetPeriods); budget != nil && total != nil &&
		total.Amount.String() == budget.Amount.String() && total.Currency == budget.Currency {
		a.Budgets = p.BudgetPeriods // as imported, by period
	} else if budget != nil {
		if p.StartDate == nil || p.EndDate == nil {
			note("budget", "IATI gives a budget a period, and the programme has no start and end date; left out")
		} else {
			a.Budgets = []iati.Budget{{
				PeriodStart: firstDay(*p.StartDate), PeriodEnd: lastDay(*p.EndDate),
				Value: iati.Value{Amount: *p.BudgetAmount, Currency: *p.BudgetCurrency},
			}}
		}
	}

	type tx struct {
		t   iati.Transaction
		key string
		id  int
	}
	var txs []tx
	for _, f := range p.Edges.Fundings {
		elem := fmt.Sprintf("transaction (funding of %s)", orgName(f.Edges.Funder))
		typ := transactionTypeOf(f)
		switch {
		case typ == "":
			note(elem, "no kind; IATI needs a transaction type; left out")
			continue
		case f.Date == nil:
			note(elem, "no date; IATI needs a transaction date; left out")
			continue
		case f.ValueAmount == nil || f.ValueCurrency == nil:
			note(elem, "no value; IATI needs one; left out")
			continue
		}
		t := iati.Transaction{
			Type:     typ,
			Date:     firstDay(*f.Date),
			Value:    iati.Value{Amount: *f.ValueAmount, Currency: *f.ValueCurrency},
			Provider: transactionOrgOf(f.Edges.Funder),
			Receiver: transactionOrgOf(f.Edges.Recipient),
		}
		if f.Note != nil {
			t.Description = []iati.Narrative{{Text: *f.Note}}
		}
		key := strings.Join([]string{t.Date, fmt.Sprintf("%02s", t.Type), t.Value.Currency, t.Value.Amount.String(),
			orgRef(f.Edges.Funder), orgName(f.Edges.Funder), orgRef(f.Edges.Recipient), orgName(f.Edges.Recipient), deref(f.Note)}, "\x00")
		txs = append(txs, tx{t, key, f.ID})
	}
	slices.SortStableFunc(txs, func(x, y tx) int { return cmp.Compare(x.key, y.key) })
	for _, t := range txs {
		a.Transactions = append(a.Transactions, t.t)
		rows["transaction"] = append(rows["transaction"], t.id)
	}

	sources := slices.Clone(p.Edges.Sources)
	slices.SortFunc(sources, func(x, y *ent.Source) int {
		return cmp.Or(cmp.Compare(deref(x.URL), deref(y.URL)), cmp.Compare(x.ID, y.ID))
	})
	for _, s := range sources {
		if s.URL == nil {
			continue // a file, which a document-link cannot point to
		}
		d := iati.DocumentLink{
			URL: *s.URL, Format: formatOf(*s.URL),
			Title:      []iati.Narrative{{Text: s.Title}},
			Categories: []string{documentCategory},
		}
		if s.PublishedOn != nil && len(*s.PublishedOn) == 10 {
			d.Date = *s.PublishedOn
		}
		a.DocumentLinks = append(a.DocumentLinks, d)
	}

	if p.Edges.Parent != nil {
		a.RelatedActivities = append(a.RelatedActivities, iati.RelatedActivity{Ref: p.Edges.Parent.Code, Type: iati.RelatedParent})
	}
	for _, c := range p.Edges.Children {
		a.RelatedActivities = append(a.RelatedActivities, iati.RelatedActivity{Ref: c.Code, Type: iati.RelatedChild})
	}
	links = slices.Clone(links)
	slices.SortFunc(links, func(x, y *ent.ActivityLink) int {
		return cmp.Or(cmp.Compare(x.Type, y.Type), cmp.Compare(x.Ref, y.Ref))
	})
	for _, l := range links {
		a.RelatedActivities = append(a.RelatedActivities, iati.RelatedActivity{Ref: l.Ref, Type: l.Type})
	}
	return a, rows, notes, nil
}

// transactionTypeOf is the IATI TransactionType a funding is written with:
// its own, when it has one (an imported funding), else its kind's.
func transactionTypeOf(f *ent.Funding) string {
	if f.TransactionType != nil {
		return iati.TransactionTypeByName[string(*f.TransactionType)]
	}
	if f.Kind != nil {
		return iati.TransactionTypeByFundingKind[string(*f.Kind)]
	}
	return ""
}

// datesOf gives a programme's start and end as activity-dates: actual once
// the programme is under way (an actual end once it is finalising or
// closed), planned before.
func datesOf(p *ent.Programme) []iati.ActivityDate {
	var dates []iati.ActivityDate
	if p.StartDate != nil {
		typ := iati.ActivityDatePlannedStart
		if p.Status != nil && *p.Status != programme.StatusPIPELINE && *p.Status != programme.StatusCANCELLED {
			typ = iati.ActivityDateActualStart
		}
		dates = append(dates, activityDateOf(typ, *p.StartDate, false))
	}
	if p.EndDate != nil {
		typ := iati.ActivityDatePlannedEnd
		if p.Status != nil && (*p.Status == programme.StatusCLOSED || *p.Status == programme.StatusFINALISATION) {
			typ = iati.ActivityDateActualEnd
		}
		dates = append(dates, activityDateOf(typ, *p.EndDate, true))
	}

	return dates
}

// documentCategory is written for every document-link: IATI requires a
// category, and the registry keeps none (A12 is "Activity web page").
const documentCategory = "A12"

// reportingOrg is the stored reporting-org of an imported activity; else a
// participant with an identifier, in roleOrder; else the publisher. An
// empty one makes the writer refuse the activity, naming what is missing.
func (ex *exporter) reportingOrg(ctx context.Context, p *ent.Programme) (iati.ReportingOrg, error) {
	if ro := p.ReportingOrg; ro != nil && ro.Ref != "" {
		out := *ro
		if out.Type == "" {
			typ, ok := ex.kinds[ro.Ref]
			if !ok {
				o, err := ex.c.Organisation.Query().Where(organisation.IatiRef(ro.Ref)).Only(ctx)
				switch {
				case err == nil:
					typ = iati.OrganisationTypeByKind[string(o.Kind)]
				case ent.IsNotFound(err):
					typ = iati.OrgTypeOther
				default:
					return out, err
				}
				ex.kinds[ro.Ref] = typ
			}
			out.Type = typ
		}
		if len(out.Name) == 0 {
			out.Name = []iati.Narrative{{Text: ro.Ref}}
		}
		return out, nil
	}
	for _, role := range roleOrder {
		for _, pa := range p.Edges.Participations {
			if o := pa.Edges.Organisation; pa.Role == role && o.IatiRef != nil && IsOrganisationIdentifier(*o.IatiRef) {
				return iati.ReportingOrg{Ref: *o.IatiRef, Type: iati.OrganisationTypeByKind[string(o.Kind)],
					Name: []iati.Narrative{{Text: o.Name}}}, nil
			}
		}
	}
	if ex.publisher != nil {
		return *ex.publisher, nil
	}
	return iati.ReportingOrg{}, nil
}

// activityDateOf writes a registry date as an activity-date: a partial
// date as its period's first (last, for an end) day, with the partial date
// as the narrative so that an import gives it back its precision.
func activityDateOf(typ, d string, end bool) iati.ActivityDate {
	ad := iati.ActivityDate{Type: typ, Date: day(d, end)}
	if p := partial(d); p != "" {
		ad.Narratives = []iati.Narrative{{Text: p}}
	}
	return ad
}

func transactionOrgOf(o *ent.Organisation) *iati.TransactionOrg {
	if o == nil {
		return nil
	}
	return &iati.TransactionOrg{Ref: orgRef(o), Type: iati.OrganisationTypeByKind[string(o.Kind)],
		Name: []iati.Narrative{{Text: o.Name}}}
}

func orgRef(o *ent.Organisation) string {
	if o == nil || o.IatiRef == nil {
		return ""
	}
	return *o.IatiRef
}

func orgName(o *ent.Organisation) string {
	if o == nil {
		return ""
	}
	return o.Name
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// mediaTypes are the IANA media types of common document extensions;
// IATI wants one for every document-link, and the registry keeps a URL.
var mediaTypes = map[string]string{
	".pdf": "application/pdf", ".doc": "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xls":  "application/vnd.ms-excel",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".ppt":  "application/vnd.ms-powerpoint",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
	".csv": "text/csv", ".txt": "text/plain", ".xml": "application/xml", ".json": "application/json",
	".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
	".zip": "application/zip", ".htm": "text/html", ".html": "text/html",
}

// formatOf guesses a document's media type from its URL's extension; a
// page (text/html) when there is none it knows.
func formatOf(url string) string {
	u := url
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if t, ok := mediaTypes[strings.ToLower(path.Ext(u))]; ok {
		return t
	}
	return "text/html"
}
