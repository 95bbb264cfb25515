package interchange

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/sqlgraph"
	"entgo.io/ent/schema/field"
	"github.com/shopspring/decimal"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/activitylink"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/programmecountry"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/audit"
	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/identity"
	"github.com/aidregistry/registry/internal/money"
	"github.com/aidregistry/registry/internal/orgname"
	"github.com/aidregistry/registry/internal/validate"
)

// activityWriter brings the store in line with one activity, inside that
// activity's transaction. It reads what the store holds first and writes
// only what differs, so importing the same activity again writes nothing
// and the history records only real changes.
type activityWriter struct {
	im   *importer
	c    *ent.Client
	a    *iati.Activity
	orgs *orgWriter

	// skips are the elements left out, with their reasons.
	skips []Skip
	// writes counts the mutations made; created says the programme is new.
	writes  int
	created bool
	// newSources are the Source rows this activity found or made, by URL.
	newSources map[string]int
	// batched are the writes the batch's later activities must know of.
	batched batchWrites
	// rows, when set, takes the activity's new rows, for its batch to
	// insert with the others' (see importer.optimistic); nil inserts them
	// as the activity goes.
	rows *newRows

	old *ent.Programme
	id  int

	// now is when this import writes the activity: every record it writes
	// gets it as updated_at and iati_synced_at.
	now time.Time
	// held shares the activity's elements out among its records.
	held *held
	// notes are the programme's quality notes; fundingNotes count those of
	// its fundings, for the summary.
	notes        notes
	fundingNotes []iati.QualityNote
	// fundingRows are the fundings as written, for their sectors.
	fundingRows []writtenFunding
	// update holds the changes to a stored programme's fields until its
	// elements are known; updated says there are some.
	update  *ent.ProgrammeUpdateOne
	updated bool
	// heldRow is the created programme's row when its batch holds it.
	heldRow *heldRow
}

// writtenFunding is a funding the import wrote or kept, with the
// transaction element it holds and the sector rows it had.
type writtenFunding struct {
	// id is the funding's, known once it is inserted.
	id      *int
	element *iati.Element
	sectors []*ent.Sector
}

func newActivityWriter(im *importer, c *ent.Client, a *iati.Activity) *activityWriter {
	w := &activityWriter{im: im, c: c, a: a, newSources: map[string]int{}}
	im.orgs.rollback()
	w.orgs = &orgWriter{c: c, cache: im.orgs, wrote: &w.writes, publisher: orgname.Ref(a.ReportingOrg.Ref)}
	if im.batch != nil {
		w.orgs.absent = im.batch.orgs
	}
	if im.rows != nil {
		w.rows = &newRows{}
		if im.batch != nil && im.batch.dialect == dialect.Postgres && im.units.holds() {
			w.orgs.hold = &orgHold{own: w.rows, batch: im.rows, ids: &im.orgIDs}
		}
	}
	return w
}

func (w *activityWriter) skip(elem, format string, args ...any) {
	w.skips = append(w.skips, Skip{Element: elem, Reason: fmt.Sprintf(format, args...)})
}

// refused turns a write the registry's rules refuse (a validation hook's
// BAD_USER_INPUT or CONFLICT, or an ent field validator) into a skipped
// element. Such refusals come before any SQL runs, so the transaction goes
// on. Any other error is returned, and fails the activity.
func (w *activityWriter) refused(elem string, err error) error {
	if reason, ok := refusal(err); ok {
		w.skip(elem, "%s; skipped", reason)
		return nil
	}
	return err
}

// refusal is the reason the registry's rules refuse a write: a validation
// hook's BAD_USER_INPUT or CONFLICT, or an ent field validator.
func refusal(err error) (string, bool) {
	if e, ok := apperr.As(err); ok && (e.Code == apperr.BadUserInput || e.Code == apperr.Conflict) {
		return e.Message, true
	}
	var ve *ent.ValidationError
	if errors.As(err, &ve) {
		return ve.Error(), true
	}
	return "", false
}

func (w *activityWriter) write(ctx context.Context) error {
	ctx = validate.AsPublished(ctx)
	a := w.a
	w.now = time.Now().UTC().Truncate(time.Microsecond)
	w.held = newHeld(a.Element)
	for _, p := range a.Problems {
		if p.Element != "iati-identifier" {
			w.notes.add(iati.NoteInvalidElement, p.Element, "%s", p.Reason)
		}
	}
	activityNotes(a.Element, &w.notes)
	old, err := w.im.batch.programme(ctx, w.c, a.Identifier)
	if err != nil {
		return err
	}
	w.old = old

	fields, ok := w.programmeFields()
	if !ok {
		return errSkipActivity{"title: no narrative, and a programme needs a title"}
	}
	if err := w.resolveReportingOrg(ctx); err != nil {
		return err
	}
	sourceIDs, err := w.sourceIDs(ctx)
	if err != nil {
		return err
	}
	rel, err := w.related(ctx)
	if err != nil {
		return err
	}
	if err := w.saveProgramme(ctx, fields, sourceIDs, rel); err != nil {
		return err
	}
	w.batched.code, w.batched.id, w.batched.sources = a.Identifier, w.id, w.newSources
	for _, step := range []func(context.Context) error{
		w.participations, w.countries, w.fundings, w.contacts,
	} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	if err := w.links(ctx, rel); err != nil {
		return err
	}
	if err := w.keepElements(ctx); err != nil {
		return err
	}
	return w.projections(ctx)
}

// keepElements stores on the programme what it holds of the activity (its
// attributes and every element no row took) and its quality notes, with
// the changes to its fields, in one update.
func (w *activityWriter) keepElements(ctx context.Context) error {
	elems := w.held.programme()
	if w.created && w.heldRow != nil && !w.heldRow.inserted {
		// Part of the programme's creation, whose history entry already
		// says what it holds: in its row, still held.
		spec := w.heldRow.spec
		setSpecField(spec, programme.FieldIatiElements, field.TypeJSON, elems)
		setSpecField(spec, programme.FieldQualityNotes, field.TypeJSON, []iati.QualityNote(w.notes))
		setSpecField(spec, programme.FieldHasQualityNotes, field.TypeBool, len(w.notes) > 0)
		return nil
	}
	if w.created {
		// Part of the programme's creation, whose history entry already
		// says what it holds: written with the batch's others.
		w.batched.kept = &kept{id: w.id, elems: elems, notes: w.notes, at: w.now}
		return nil
	}
	u := w.update
	sameElems := w.old != nil && iati.EqualElements(w.old.IatiElements, elems) && slices.Equal(w.old.QualityNotes, []iati.QualityNote(w.notes))
	if sameElems && !w.updated {
		return nil
	}
	if !sameElems {
		u.SetIatiElements(elems).SetQualityNotes(w.notes).SetHasQualityNotes(len(w.notes) > 0)
	}
	w.writes++
	return u.SetUpdatedAt(w.now).SetIatiSyncedAt(w.now).Exec(ctx)
}

// setSpecField sets a column of a held row, replacing the value its
// create gave it, if any.
func setSpecField(spec *sqlgraph.CreateSpec, column string, t field.Type, v any) {
	for _, f := range spec.Fields {
		if f.Column == column {
			f.Type, f.Value = t, v
			return
		}
	}
	spec.SetField(column, t, v)
}

// errSkipActivity skips the whole activity with a reason.
type errSkipActivity struct{ reason string }

func (e errSkipActivity) Error() string { return e.reason }

// programmeFields are the programme's own fields as the activity gives
// them.
type programmeFields struct {
	title, language string
	description     *string
	titleTr, descTr []iati.Narrative
	status          *programme.Status
	start, end      *string
	budget          *money.Money
	regions         []iati.RecipientRegion
	region          *string // nil: leave the stored region as it is
	dates           []iati.ActivityDate
	budgetPeriods   []iati.Budget
	reporting       *iati.ReportingOrg
}

func (w *activityWriter) programmeFields() (programmeFields, bool) {
	a := w.a
	var f programmeFields
	main := mainNarrative(a.Title, a.Lang)
	if main < 0 {
		return f, false
	}
	f.title = a.Title[main].Text
	f.language = a.Title[main].Lang
	f.titleTr = without(a.Title, main)

	if len(a.Descriptions) > 0 {
		d := a.Descriptions[0]
		for _, x := range a.Descriptions {
			if x.Type == "1" {
				d = x
				break
			}
		}
		i := mainNarrative(d.Narratives, f.language)
		f.description = &d.Narratives[i].Text
		f.descTr = without(d.Narratives, i)
	}
	if a.Status != "" {
		s := programme.Status(iati.ProgrammeStatusByStatus[a.Status])
		f.status = &s
	}
	f.start, f.end = startEnd(a.Dates)
	if f.start != nil && f.end != nil {
		n := min(len(*f.start), len(*f.end))
		if (*f.end)[:n] < (*f.start)[:n] {
			w.notes.add(iati.NoteEndBeforeStart, "activity-date", "the end %s is before the start %s; kept as published", *f.end, *f.start)
		}
	}
	f.budget = w.budget()
	if f.budget != nil {
		f.budgetPeriods = a.Budgets
	}
	f.dates = a.Dates
	if len(a.RecipientRegions) > 0 {
		f.regions = a.RecipientRegions
		f.region = regionName(a)
	}
	if a.ReportingOrg.Ref != "" || len(a.ReportingOrg.Name) > 0 {
		ro := a.ReportingOrg
		f.reporting = &ro
	}
	return f, true
}

// mainNarrative is the index of the narrative in lang, else the first; -1
// when there is none.
func mainNarrative(ns []iati.Narrative, lang string) int {
	if len(ns) == 0 {
		return -1
	}
	for i, n := range ns {
		if lang != "" && n.Lang == lang {
			return i
		}
	}
	return 0
}

func without(ns []iati.Narrative, i int) []iati.Narrative {
	var out []iati.Narrative
	for j, n := range ns {
		if j != i {
			out = append(out, n)
		}
	}
	return out
}

// startEnd gives the programme's start and end from activity-dates: the
// actual ones where given, else the planned ones.
func startEnd(dates []iati.ActivityDate) (start, end *string) {
	return activityDate(dates, false, iati.ActivityDateActualStart, iati.ActivityDatePlannedStart),
		activityDate(dates, true, iati.ActivityDateActualEnd, iati.ActivityDatePlannedEnd)
}

// activityDate picks the first date of the given types. The exporter
// writes a registry date known only to the year or month as the period's
// first (a start) or last (an end) day with the partial date as the
// activity-date's narrative ("2007"); such a narrative gives the date
// back its precision.
func activityDate(dates []iati.ActivityDate, end bool, types ...string) *string {
	for _, t := range types {
		for _, d := range dates {
			if d.Type != t {
				continue
			}
			day := d.Date
			for _, n := range d.Narratives {
				if p := strings.TrimSpace(n.Text); isPartialOf(p, day, end) {
					return &p
				}
			}
			return &day
		}
	}
	return nil
}

// budget totals the activity's budgets (budgetTotal) into the programme's
// budget, noting a total that breaks the registry's rules, and the budgets
// that cannot be added into one (the elements stay, as published).
func (w *activityWriter) budget() *money.Money {
	m, problem := budgetTotal(w.a.Budgets)
	if problem != "" {
		w.notes.add(iati.NoteBudgetNotTotalled, "budget", "%s; the budgets are kept as published, the programme has no budget total", problem)
		return nil
	}
	if m != nil {
		w.notes.departures("budget", validate.MoneyDepartures(m.Amount, m.Currency, false))
	}
	return m
}

// budgetTotal is one amount per budget period, the revised budget where a
// period has one, else the original, summed; all must be in one currency.
// nil when there are none; a problem when the total is not a budget the
// registry keeps.
func budgetTotal(budgets []iati.Budget) (*money.Money, string) {
	if len(budgets) == 0 {
		return nil, ""
	}
	type period struct{ start, end string }
	var order []period
	chosen := map[period]iati.Budget{}
	for _, b := range budgets {
		p := period{b.PeriodStart, b.PeriodEnd}
		prev, seen := chosen[p]
		if !seen {
			order = append(order, p)
		}
		if !seen || b.Type == "2" || prev.Type != "2" {
			chosen[p] = b
		}
	}
	var total decimal.Decimal
	scale := 0
	currency := ""
	for _, p := range order {
		v := chosen[p].Value
		if currency != "" && v.Currency != currency {
			return nil, fmt.Sprintf("budgets in more than one currency (%s, %s): the registry keeps one budget", currency, v.Currency)
		}
		currency = v.Currency
		total = total.Add(v.Amount.Decimal())
		scale = max(scale, v.Amount.Scale())
	}
	amount, err := money.Parse(total.StringFixed(int32(scale)))
	if err != nil {
		return nil, fmt.Sprintf("the total %s cannot be kept: %v", total.String(), err)
	}
	return &money.Money{Amount: amount, Currency: currency}, ""
}

func (w *activityWriter) resolveReportingOrg(ctx context.Context) error {
	ro := w.a.ReportingOrg
	if ro.Ref == "" && len(ro.Name) == 0 {
		return nil
	}
	id, err := w.orgs.resolveAs(ctx, "reporting-org", ro.Ref, ro.Type, pick(ro.Name, w.a.Lang))
	if err != nil {
		return w.refused("reporting-org", err)
	}
	// An other-identifier of type B1 is the reporting organisation's
	// previous identifier: elements naming it name this organisation.
	for _, oi := range w.a.Element.All("other-identifier") {
		if attr(oi, "type") != "B1" {
			continue
		}
		if prev, ok := identity.Canonical(attr(oi, "ref")); ok && prev != orgname.Ref(ro.Ref) {
			if err := w.orgs.previous(ctx, id, prev); err != nil {
				return err
			}
		}
	}
	return nil
}

// sourceIDs finds or makes a Source for each document-link, by URL. A
// source found is left as it is: others may cite it under their own title.
// The activity's new sources are made in one statement; should the rules
// refuse one, they are made one at a time, so only that one is left out.
func (w *activityWriter) sourceIDs(ctx context.Context) ([]int, error) {
	fresh, err := w.findSources(ctx)
	if err != nil {
		return nil, err
	}
	if err := w.makeSources(ctx, fresh); err != nil {
		if _, refused := refusal(err); !refused {
			return nil, err
		}
		return w.sourceIDsOneByOne(ctx)
	}
	var ids []int
	for _, d := range w.a.DocumentLinks {
		if id := w.newSources[d.URL]; !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// findSources takes the stored sources of the document-links into
// newSources; the links whose URL has none yet are returned, the first of
// each URL.
func (w *activityWriter) findSources(ctx context.Context) ([]iati.DocumentLink, error) {
	var fresh []iati.DocumentLink
	for _, d := range w.a.DocumentLinks {
		if _, ok := w.newSources[d.URL]; ok || slices.ContainsFunc(fresh, func(f iati.DocumentLink) bool { return f.URL == d.URL }) {
			continue
		}
		found, exists, err := w.im.batch.source(ctx, w.c, d.URL)
		switch {
		case err != nil:
			return nil, err
		case found < 0 && w.old != nil:
			// Held with the batch, not inserted: an update cites it
			// at once, so the batch is written again, each source
			// inserted as it comes.
			return nil, errors.New("a source made earlier in the batch is not inserted yet")
		case exists:
			w.newSources[d.URL] = found
		default:
			fresh = append(fresh, d)
		}
	}
	return fresh, nil
}

// makeSources makes a Source for each link, in one statement.
func (w *activityWriter) makeSources(ctx context.Context, links []iati.DocumentLink) error {
	if len(links) == 0 {
		return nil
	}
	if !w.immediate() && w.old == nil {
		// A created programme's sources are cited with the batch's
		// others, in one statement: they are inserted with the batch too,
		// before it, rather than in a statement of the activity's own.
		for _, d := range links {
			placeholder, id := w.im.pendingSource(w.rows)
			w.rows.sources.add(func() *ent.SourceCreate { return w.sourceCreate(d) }, func(s *ent.Source) { *id = s.ID })
			w.newSources[d.URL] = placeholder
			w.writes++
		}
		return nil
	}
	bs := make([]*ent.SourceCreate, len(links))
	for i, d := range links {
		bs[i] = w.sourceCreate(d)
	}
	made, err := w.c.Source.CreateBulk(bs...).Save(ctx)
	if err != nil {
		return err
	}
	for i, s := range made {
		w.newSources[links[i].URL] = s.ID
		w.writes++
	}
	return nil
}

func (w *activityWriter) sourceCreate(d iati.DocumentLink) *ent.SourceCreate {
	title := pick(d.Title, w.a.Lang)
	if strings.TrimSpace(title) == "" {
		title = d.URL
	}
	b := w.c.Source.Create().SetTitle(title).SetURL(d.URL)
	if d.Date != "" {
		b.SetPublishedOn(d.Date)
	}
	return b
}

// sourceIDsOneByOne makes the new sources one at a time, leaving out with
// its reason each the rules refuse.
func (w *activityWriter) sourceIDsOneByOne(ctx context.Context) ([]int, error) {
	var ids []int
	for _, d := range w.a.DocumentLinks {
		elem := "document-link " + d.URL
		id, ok := w.newSources[d.URL]
		if !ok {
			found, exists, err := w.im.batch.source(ctx, w.c, d.URL)
			switch {
			case err != nil:
				return nil, err
			case exists:
				id = found
			default:
				s, err := w.sourceCreate(d).Save(ctx)
				if err := w.refused(elem, err); err != nil {
					return nil, err
				}
				if s == nil {
					continue
				}
				w.writes++
				id = s.ID
			}
			w.newSources[d.URL] = id
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func loc(name string, i int) string { return fmt.Sprintf("%s[%d]", name, i+1) }

// saveProgramme creates the programme or updates the fields that differ.
func (w *activityWriter) saveProgramme(ctx context.Context, f programmeFields, sourceIDs []int, rel *relations) error {
	a := w.a
	var amount *money.Decimal
	var currency *string
	if f.budget != nil {
		amount, currency = &f.budget.Amount, &f.budget.Currency
	}
	lang := nonEmpty(f.language)
	if w.old == nil {
		b := w.c.Programme.Create().
			SetCode(a.Identifier).SetTitle(f.title).SetNillableDescription(f.description).
			SetNillableStatus(f.status).SetNillableStartDate(f.start).SetNillableEndDate(f.end).
			SetNillableBudgetAmount(amount).SetNillableBudgetCurrency(currency).
			SetNillableLanguage(lang).SetNillableRegion(f.region).
			SetNillableParentID(rel.parent).
			SetCreatedAt(w.now).SetUpdatedAt(w.now).SetIatiSyncedAt(w.now)
		if w.immediate() {
			b.AddSourceIDs(sourceIDs...)
		}
		if len(f.titleTr) > 0 {
			b.SetTitleTranslations(f.titleTr)
		}
		if len(f.descTr) > 0 {
			b.SetDescriptionTranslations(f.descTr)
		}
		if len(f.regions) > 0 {
			b.SetRecipientRegions(f.regions)
		}
		if f.reporting != nil {
			b.SetReportingOrg(f.reporting)
		}
		if len(f.dates) > 0 {
			b.SetActivityDates(f.dates)
		}
		if len(f.budgetPeriods) > 0 {
			b.SetBudgetPeriods(f.budgetPeriods)
		}
		if w.im.batch.codeFree(a.Identifier) {
			ctx = validate.CodeFree(ctx, a.Identifier)
		}
		p, err := w.create(ctx, b)
		if err != nil {
			return err
		}
		w.writes++
		w.created = true
		w.id = p.ID
		if !w.immediate() {
			// Cited with the batch's other new rows, in one statement.
			for _, s := range sourceIDs {
				w.rows.cites = append(w.rows.cites, [2]int{p.ID, s})
			}
		}
		return nil
	}
	old := w.old
	w.id = old.ID
	u := w.c.Programme.UpdateOneID(old.ID)
	n := 0
	if old.Title != f.title {
		u.SetTitle(f.title)
		n++
	}
	n += setString(old.Description, f.description, u.SetDescription, u.ClearDescription)
	n += setString(old.Language, lang, u.SetLanguage, u.ClearLanguage)
	n += setString(old.StartDate, f.start, u.SetStartDate, u.ClearStartDate)
	n += setString(old.EndDate, f.end, u.SetEndDate, u.ClearEndDate)
	if f.region != nil {
		n += setString(old.Region, f.region, u.SetRegion, u.ClearRegion)
	}
	if !equalPtr(old.Status, f.status) {
		if f.status == nil {
			u.ClearStatus()
		} else {
			u.SetStatus(*f.status)
		}
		n++
	}
	if !equalDecimal(old.BudgetAmount, amount) || !equalPtr(old.BudgetCurrency, currency) {
		if amount == nil {
			u.ClearBudgetAmount().ClearBudgetCurrency()
		} else {
			u.SetBudgetAmount(*amount).SetBudgetCurrency(*currency)
		}
		n++
	}
	n += setJSON(old.TitleTranslations, f.titleTr, u.SetTitleTranslations, u.ClearTitleTranslations)
	n += setJSON(old.DescriptionTranslations, f.descTr, u.SetDescriptionTranslations, u.ClearDescriptionTranslations)
	if !equalRegions(old.RecipientRegions, f.regions) {
		if len(f.regions) == 0 {
			u.ClearRecipientRegions()
		} else {
			u.SetRecipientRegions(f.regions)
		}
		n++
	}
	if !equalReporting(old.ReportingOrg, f.reporting) {
		if f.reporting == nil {
			u.ClearReportingOrg()
		} else {
			u.SetReportingOrg(f.reporting)
		}
		n++
	}
	if !equalDates(old.ActivityDates, f.dates) {
		if len(f.dates) == 0 {
			u.ClearActivityDates()
		} else {
			u.SetActivityDates(f.dates)
		}
		n++
	}
	if !equalBudgets(old.BudgetPeriods, f.budgetPeriods) {
		if len(f.budgetPeriods) == 0 {
			u.ClearBudgetPeriods()
		} else {
			u.SetBudgetPeriods(f.budgetPeriods)
		}
		n++
	}
	// Sources: those of this activity's document-links; a programme's
	// sources without a URL (files) are not the activity's to remove.
	var add, remove []int
	for _, id := range sourceIDs {
		if !slices.ContainsFunc(old.Edges.Sources, func(s *ent.Source) bool { return s.ID == id }) {
			add = append(add, id)
		}
	}
	for _, s := range old.Edges.Sources {
		if s.URL != nil && !slices.Contains(sourceIDs, s.ID) {
			remove = append(remove, s.ID)
		}
	}
	if len(add) > 0 || len(remove) > 0 {
		u.AddSourceIDs(add...).RemoveSourceIDs(remove...)
		n++
	}
	// Written with the elements the programme keeps, once the rows have
	// taken theirs (keepElements): one update.
	w.update, w.updated = u, n > 0
	// The parent apart, so that a link the rules refuse (a cycle) skips
	// only itself.
	if rel.parent != nil && !equalPtr(old.ParentID, rel.parent) {
		// The parent may be one the batch holds: the rules read it.
		if err := w.flushHeld(ctx); err != nil {
			return err
		}
		err := w.c.Programme.UpdateOneID(old.ID).SetParentID(*rel.parent).
			SetUpdatedAt(w.now).SetIatiSyncedAt(w.now).Exec(ctx)
		if err == nil {
			w.writes++
		}
		return w.refused(rel.parentElem, err)
	}
	return nil
}

// create saves a new programme: at once, or, with an id reserved for the
// batch, through its hooks with its row held, to be inserted with the
// batch's others (and its kept elements with it).
func (w *activityWriter) create(ctx context.Context, b *ent.ProgrammeCreate) (*ent.Programme, error) {
	if w.immediate() {
		return b.Save(ctx)
	}
	id, ok := w.im.batch.takeID()
	if !ok {
		return b.Save(ctx)
	}
	p, spec, err := b.SaveHeld(ctx, id)
	if err != nil {
		return nil, err
	}
	w.heldRow = &heldRow{spec: spec}
	w.rows.programmes = append(w.rows.programmes, w.heldRow)
	return p, nil
}

// flushHeld inserts the programmes the batch holds, this activity's too:
// before a statement that names them.
func (w *activityWriter) flushHeld(ctx context.Context) error {
	if w.immediate() {
		return nil
	}
	if err := w.im.rows.insertProgrammes(ctx, w.c); err != nil {
		return err
	}
	return w.rows.insertProgrammes(ctx, w.c)
}

func setString(old, new *string, set func(string) *ent.ProgrammeUpdateOne, clear func() *ent.ProgrammeUpdateOne) int {
	if equalPtr(old, new) {
		return 0
	}
	if new == nil {
		clear()
	} else {
		set(*new)
	}
	return 1
}

func setJSON(old, new []iati.Narrative, set func([]iati.Narrative) *ent.ProgrammeUpdateOne, clear func() *ent.ProgrammeUpdateOne) int {
	if slices.Equal(old, new) {
		return 0
	}
	if len(new) == 0 {
		if len(old) == 0 {
			return 0
		}
		clear()
	} else {
		set(new)
	}
	return 1
}

func equalPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// equalDecimal compares amounts as written: "100" and "100.00" differ, so
// a publisher's change of scale is kept.
func equalDecimal(a, b *money.Decimal) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.String() == b.String()
}

func equalRegions(a, b []iati.RecipientRegion) bool {
	return slices.EqualFunc(a, b, func(x, y iati.RecipientRegion) bool {
		return x.Code == y.Code && x.Vocabulary == y.Vocabulary && x.VocabularyURI == y.VocabularyURI &&
			equalDecimal(x.Percentage, y.Percentage) && slices.Equal(x.Narratives, y.Narratives)
	})
}

func equalDates(a, b []iati.ActivityDate) bool {
	return slices.EqualFunc(a, b, func(x, y iati.ActivityDate) bool {
		return x.Type == y.Type && x.Date == y.Date && slices.Equal(x.Narratives, y.Narratives)
	})
}

func equalBudgets(a, b []iati.Budget) bool {
	return slices.EqualFunc(a, b, func(x, y iati.Budget) bool {
		return x.Type == y.Type && x.Status == y.Status && x.PeriodStart == y.PeriodStart && x.PeriodEnd == y.PeriodEnd &&
			x.Value.Amount.String() == y.Value.Amount.String() && x.Value.Currency == y.Value.Currency && x.Value.Date == y.Value.Date
	})
}

func equalReporting(a, b *iati.ReportingOrg) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Ref == b.Ref && a.Type == b.Type && slices.Equal(a.Name, b.Name)
}

// participations makes the programme's participations in roles 1-4 those
// of the activity's participating-orgs, each holding the elements it was
// made of. PARTNER participations, which IATI cannot express, are left
// alone.
func (w *activityWriter) participations(ctx context.Context) error {
	type key struct {
		org  int
		role participation.Role
	}
	type want struct {
		key
		elems []*iati.Element
	}
	var wants []*want
	for _, p := range w.a.ParticipatingOrgs {
		elem := "participating-org " + cmp.Or(pick(p.Name, w.a.Lang), p.Ref)
		org, err := w.orgs.resolveAs(ctx, "participating-org", participantRef(p), p.Type, pick(p.Name, w.a.Lang))
		if err != nil {
			if err := w.refused(elem, err); err != nil {
				return err
			}
			continue
		}
		k := key{org, participation.Role(iati.ParticipationRoleByRole[p.Role])}
		el := w.held.take("participating-org", p.Elem)
		if i := slices.IndexFunc(wants, func(x *want) bool { return x.key == k }); i >= 0 {
			wants[i].elems = append(wants[i].elems, el)
			continue
		}
		wants = append(wants, &want{k, []*iati.Element{el}})
	}
	have := map[key]*ent.Participation{}
	if w.old != nil {
		for _, p := range w.old.Edges.Participations {
			if p.Role == participation.RolePARTNER {
				continue
			}
			k := key{p.OrganisationID, p.Role}
			if !slices.ContainsFunc(wants, func(x *want) bool { return x.key == k }) {
				if err := w.c.Participation.DeleteOneID(p.ID).Exec(ctx); err != nil {
					return err
				}
				w.writes++
				continue
			}
			have[k] = p
		}
	}
	var create []*want
	for _, x := range wants {
		p, ok := have[x.key]
		if !ok {
			create = append(create, x)
			continue
		}
		if iati.EqualElements(p.IatiElements, x.elems) {
			continue
		}
		err := w.c.Participation.UpdateOneID(p.ID).SetIatiElements(x.elems).
			SetUpdatedAt(w.now).SetIatiSyncedAt(w.now).Exec(ctx)
		if err == nil {
			w.writes++
		} else {
			w.held.release(x.elems...)
		}
		if err := w.refused("participating-org", err); err != nil {
			return err
		}
	}
	return createAll(ctx, w, len(create), func(r *newRows) *pendingTable[*ent.ParticipationCreate, *ent.Participation] { return &r.participations },
		func(i int) *ent.ParticipationCreate {
			x := create[i]
			return w.c.Participation.Create().SetProgrammeID(w.id).SetOrganisationID(x.org).SetRole(x.role).
				SetIatiElements(x.elems).SetCreatedAt(w.now).SetUpdatedAt(w.now).SetIatiSyncedAt(w.now)
		},
		w.c.Participation.CreateBulk, func(_ int, _ *ent.Participation) {},
		func(i int) (string, []*iati.Element) { return "participating-org", create[i].elems })
}

// participantRef is the identifier a participating-org names: its ref,
// or, when that is missing or not an identifier (a publisher's own code),
// the XM-DAC- identifier of its crs-channel-code where the CRS list names
// an organisation by it (not a class of channel, such as 22000).
func participantRef(p iati.ParticipatingOrg) string {
	if p.CRSChannelCode == "" || IsOrganisationIdentifier(p.Ref) {
		return p.Ref
	}
	if id, ok := identity.Canonical(p.CRSChannelCode); ok {
		return id
	}
	return p.Ref
}

// countries makes the programme's BENEFICIARY countries those of the
// activity's recipient-countries, with their percentages as shares, as
// published (shares that do not add up are noted on the programme).
// DIASPORA_HOST rows, which IATI cannot express, are left alone.
func (w *activityWriter) countries(ctx context.Context) error {
	type want struct {
		country int
		share   *money.Decimal
		elems   []*iati.Element
	}
	byCountry := map[int]*ent.ProgrammeCountry{}
	if w.old != nil {
		for _, r := range w.old.Edges.Countries {
			if r.Role == programmecountry.RoleBENEFICIARY {
				byCountry[r.CountryID] = r
			}
		}
	}
	var wants []want
	for _, rc := range w.a.RecipientCountries {
		elem := "recipient-country " + rc.Code
		id, ok := w.im.countries[rc.Code]
		if !ok {
			w.skip(elem, "country %s is not in the registry's ISO 3166-1 list; kept in the activity, no country row", rc.Code)
			continue
		}
		if slices.ContainsFunc(wants, func(x want) bool { return x.country == id }) {
			w.skip(elem, "country %s is named twice; the second is kept in the activity, no second row", rc.Code)
			continue
		}
		wants = append(wants, want{id, rc.Percentage, []*iati.Element{w.held.take("recipient-country", rc.Elem)}})
	}
	for cid, r := range byCountry {
		if !slices.ContainsFunc(wants, func(x want) bool { return x.country == cid }) {
			if err := w.c.ProgrammeCountry.DeleteOneID(r.ID).Exec(ctx); err != nil {
				return err
			}
			w.writes++
		}
	}
	var create []want
	for _, x := range wants {
		r, ok := byCountry[x.country]
		if !ok {
			create = append(create, x)
			continue
		}
		if equalDecimal(r.SharePercent, x.share) && iati.EqualElements(r.IatiElements, x.elems) {
			continue
		}
		u := w.c.ProgrammeCountry.UpdateOneID(r.ID).SetIatiElements(x.elems).
			SetUpdatedAt(w.now).SetIatiSyncedAt(w.now)
		setOrClear(x.share, u.SetSharePercent, u.ClearSharePercent)
		err := u.Exec(ctx)
		if err == nil {
			w.writes++
		} else {
			w.held.release(x.elems...)
		}
		if err := w.refused("recipient-country", err); err != nil {
			return err
		}
	}
	return createAll(ctx, w, len(create), func(r *newRows) *pendingTable[*ent.ProgrammeCountryCreate, *ent.ProgrammeCountry] {
		return &r.countries
	},
		func(i int) *ent.ProgrammeCountryCreate {
			x := create[i]
			return w.c.ProgrammeCountry.Create().SetProgrammeID(w.id).SetCountryID(x.country).
				SetRole(programmecountry.RoleBENEFICIARY).SetNillableSharePercent(x.share).
				SetIatiElements(x.elems).SetCreatedAt(w.now).SetUpdatedAt(w.now).SetIatiSyncedAt(w.now)
		},
		w.c.ProgrammeCountry.CreateBulk, func(_ int, _ *ent.ProgrammeCountry) {},
		func(i int) (string, []*iati.Element) { return "recipient-country", create[i].elems })
}

// fundingRow is a Funding as the importer compares it.
type fundingRow struct {
	kind              *funding.Kind
	ttype             *funding.TransactionType
	date              *string
	amount            *money.Decimal
	currency          *string
	funder, recipient *int
	note              *string
	elems             []*iati.Element
	notes             []iati.QualityNote
}

func (r fundingRow) equal(o fundingRow) bool {
	return equalPtr(r.kind, o.kind) && equalPtr(r.ttype, o.ttype) && equalPtr(r.date, o.date) &&
		equalDecimal(r.amount, o.amount) && equalPtr(r.currency, o.currency) && equalPtr(r.funder, o.funder) &&
		equalPtr(r.recipient, o.recipient) && equalPtr(r.note, o.note) &&
		iati.EqualElements(r.elems, o.elems) && slices.Equal(r.notes, o.notes)
}

// fundings makes the programme's fundings those of the activity's
// transactions, each as published (negative values and extra decimals
// noted on the funding) and holding its transaction element: rows equal to
// a transaction stay, others are updated in order to the transactions
// left, and the rest deleted or created.
func (w *activityWriter) fundings(ctx context.Context) error {
	a := w.a
	var want []fundingRow
	var elems []string
	for _, t := range a.Transactions {
		elem := loc("transaction", t.Elem)
		tt := funding.TransactionType(iati.TransactionTypeNames[t.Type])
		amount, currency, date := t.Value.Amount, t.Value.Currency, t.Date
		row := fundingRow{ttype: &tt, date: &date, amount: &amount, currency: &currency,
			note:  nonEmpty(pick(t.Description, a.Lang)),
			elems: []*iati.Element{w.held.take("transaction", t.Elem)}}
		if kind, ok := iati.FundingKindByTransactionType[t.Type]; ok {
			k := funding.Kind(kind)
			row.kind = &k
		}
		var ns notes
		ns.departures(elem+"/value", validate.MoneyDepartures(amount, currency,
			row.kind != nil && (*row.kind == funding.KindDISBURSEMENT || *row.kind == funding.KindEXPENDITURE)))
		sectorNotes(row.elems[0].All("sector"), elem+"/sector", &ns)
		row.notes = ns
		var err error
		if row.funder, err = w.transactionOrg(ctx, t.Provider); err != nil {
			if err := w.refused(elem+"/provider-org", err); err != nil {
				return err
			}
		}
		if row.recipient, err = w.transactionOrg(ctx, t.Receiver); err != nil {
			if err := w.refused(elem+"/receiver-org", err); err != nil {
				return err
			}
		}
		want = append(want, row)
		elems = append(elems, elem)
	}
	var have []*ent.Funding
	if w.old != nil {
		have = w.old.Edges.Fundings
	}
	haveRows := make([]fundingRow, len(have))
	for i, f := range have {
		haveRows[i] = fundingRow{kind: f.Kind, ttype: f.TransactionType, date: f.Date, amount: f.ValueAmount,
			currency: f.ValueCurrency, funder: f.FunderID, recipient: f.RecipientID, note: f.Note,
			elems: f.IatiElements, notes: f.QualityNotes}
	}
	written := func(id *int, x fundingRow, old []*ent.Sector) {
		w.fundingRows = append(w.fundingRows, writtenFunding{id: id, element: x.elems[0], sectors: old})
		w.fundingNotes = append(w.fundingNotes, x.notes...)
	}
	keep, update, remove, create := pair(haveRows, want, fundingRow.equal)
	if len(update) > 0 {
		// An update may name an organisation held: inserted first.
		if err := w.orgs.flushOrgs(ctx); err != nil {
			return err
		}
	}
	for _, p := range keep {
		written(&have[p[0]].ID, want[p[1]], have[p[0]].Edges.Sectors)
	}
	for _, p := range update {
		x, f := want[p[1]], have[p[0]]
		u := w.c.Funding.UpdateOneID(f.ID).
			SetDate(*x.date).SetValueAmount(*x.amount).SetValueCurrency(*x.currency).
			SetIatiElements(x.elems).SetQualityNotes(x.notes).SetHasQualityNotes(len(x.notes) > 0).
			SetUpdatedAt(w.now).SetIatiSyncedAt(w.now)
		setOrClear(x.kind, u.SetKind, u.ClearKind)
		setOrClear(x.ttype, u.SetTransactionType, u.ClearTransactionType)
		setOrClear(x.funder, u.SetFunderID, u.ClearFunderID)
		setOrClear(x.recipient, u.SetRecipientID, u.ClearRecipientID)
		setOrClear(x.note, u.SetNote, u.ClearNote)
		err := u.Exec(ctx)
		if err == nil {
			w.writes++
			written(&f.ID, x, f.Edges.Sectors)
		} else {
			w.held.release(x.elems...)
		}
		if err := w.refused(elems[p[1]], err); err != nil {
			return err
		}
	}
	for _, i := range remove {
		if err := w.c.Funding.DeleteOneID(have[i].ID).Exec(ctx); err != nil {
			return err
		}
		w.writes++
	}
	// Rows left to the batch are known to be written (or the batch is
	// written again, each row at once); their ids come with the insert.
	ids := make([]*int, len(create))
	if !w.immediate() {
		for i, j := range create {
			ids[i] = new(int)
			written(ids[i], want[j], nil)
		}
	}
	return createAll(ctx, w, len(create), func(r *newRows) *pendingTable[*ent.FundingCreate, *ent.Funding] { return &r.fundings },
		func(i int) *ent.FundingCreate {
			x := want[create[i]]
			return w.c.Funding.Create().SetProgrammeID(w.id).SetNillableKind(x.kind).
				SetNillableTransactionType(x.ttype).SetNillableDate(x.date).
				SetNillableValueAmount(x.amount).SetNillableValueCurrency(x.currency).
				SetNillableFunderID(x.funder).SetNillableRecipientID(x.recipient).SetNillableNote(x.note).
				SetIatiElements(x.elems).SetQualityNotes(x.notes).SetHasQualityNotes(len(x.notes) > 0).
				SetCreatedAt(w.now).SetUpdatedAt(w.now).SetIatiSyncedAt(w.now)
		},
		w.c.Funding.CreateBulk, func(i int, f *ent.Funding) {
			if ids[i] != nil {
				*ids[i] = f.ID
				return
			}
			written(&f.ID, want[create[i]], nil)
		},
		func(i int) (string, []*iati.Element) { return elems[create[i]], want[create[i]].elems })
}

// saver is an ent create builder; bulkSaver an ent CreateBulk builder.
type saver[E any] interface {
	Save(context.Context) (E, error)
}

type bulkSaver[E any] interface {
	Save(context.Context) ([]E, error)
}

// createAll writes n new rows of one table in one statement (the hooks
// still see each). Should the rules refuse one, nothing has been written
// yet (refusals come before the insert), and the rows are written one by
// one so that only the refused one is left out, with its reason, its
// elements going back to the programme.
//
// An activity writing optimistically leaves the rows to its batch, which
// inserts them with the other activities' (a refusal then has the batch
// written again, each activity's rows at once).
func createAll[B saver[E], E any, S bulkSaver[E]](
	ctx context.Context, w *activityWriter, n int, table func(*newRows) *pendingTable[B, E], build func(i int) B, bulk func(...B) S,
	done func(i int, e E), what func(i int) (string, []*iati.Element),
) error {
	if n == 0 {
		return nil
	}
	if !w.immediate() {
		q := table(w.rows)
		for i := range n {
			q.add(func() B { return build(i) }, func(e E) { done(i, e) })
			w.writes++
		}
		return nil
	}
	bs := make([]B, n)
	for i := range bs {
		bs[i] = build(i)
	}
	made, err := bulk(bs...).Save(ctx)
	if err == nil {
		for i := range made {
			w.writes++
			done(i, made[i])
		}
		return nil
	}
	if _, refused := refusal(err); !refused {
		return err
	}
	for i := range n {
		e, err := build(i).Save(ctx)
		elem, elems := what(i)
		if err == nil {
			w.writes++
			done(i, e)
		} else {
			w.held.release(elems...)
		}
		if err := w.refused(elem, err); err != nil {
			return err
		}
	}
	return nil
}

// setOrClear sets an optional field to v, or clears it when v is nil.
func setOrClear[T, U any](v *T, set func(T) U, clear func() U) {
	if v != nil {
		set(*v)
	} else {
		clear()
	}
}

func (w *activityWriter) transactionOrg(ctx context.Context, o *iati.TransactionOrg) (*int, error) {
	if o == nil || (o.Ref == "" && len(o.Name) == 0) {
		return nil, nil
	}
	id, err := w.orgs.resolveAs(ctx, "transaction", o.Ref, o.Type, pick(o.Name, w.a.Lang))
	if err != nil {
		return nil, err
	}
	return &id, nil
}

// pair matches the rows a store holds with those wanted: equal rows are
// kept; the rest are paired in order for updates; what is left is removed
// or created. It returns indexes into have and want.
func pair[T any](have, want []T, equal func(T, T) bool) (keep, update [][2]int, remove, create []int) {
	usedHave := make([]bool, len(have))
	usedWant := make([]bool, len(want))
	for j, x := range want {
		for i, h := range have {
			if !usedHave[i] && equal(h, x) {
				usedHave[i], usedWant[j] = true, true
				keep = append(keep, [2]int{i, j})
				break
			}
		}
	}
	var restHave, restWant []int
	for i := range have {
		if !usedHave[i] {
			restHave = append(restHave, i)
		}
	}
	for j := range want {
		if !usedWant[j] {
			restWant = append(restWant, j)
		}
	}
	n := min(len(restHave), len(restWant))
	for k := 0; k < n; k++ {
		update = append(update, [2]int{restHave[k], restWant[k]})
	}
	return keep, update, restHave[n:], restWant[n:]
}

// contactRow is a Contact as the importer compares it.
type contactRow struct {
	name, email, phone, office *string
	elems                      []*iati.Element
}

func (r contactRow) equal(o contactRow) bool {
	return equalPtr(r.name, o.name) && equalPtr(r.email, o.email) && equalPtr(r.phone, o.phone) &&
		equalPtr(r.office, o.office) && iati.EqualElements(r.elems, o.elems)
}

// contacts makes the programme's contacts those of the activity's
// contact-info: person-name, the first email and telephone, and the
// organisation and department as the office; each holds its element.
func (w *activityWriter) contacts(ctx context.Context) error {
	a := w.a
	var want []contactRow
	for _, ci := range a.Contacts {
		office := strings.Join(slices.DeleteFunc([]string{pick(ci.Organisation, a.Lang), pick(ci.Department, a.Lang)},
			func(s string) bool { return strings.TrimSpace(s) == "" }), ", ")
		row := contactRow{name: nonEmpty(pick(ci.PersonName, a.Lang)), office: nonEmpty(office)}
		if len(ci.Email) > 0 {
			row.email = nonEmpty(ci.Email[0])
		}
		if len(ci.Telephone) > 0 {
			row.phone = nonEmpty(ci.Telephone[0])
		}
		if row.name == nil && row.email == nil && row.phone == nil && row.office == nil {
			w.skip(loc("contact-info", ci.Elem), "no person-name, organisation, department, email or telephone; kept in the activity, no contact row")
			continue
		}
		row.elems = []*iati.Element{w.held.take("contact-info", ci.Elem)}
		want = append(want, row)
	}
	var have []*ent.Contact
	if w.old != nil {
		have = w.old.Edges.Contacts
		slices.SortFunc(have, func(x, y *ent.Contact) int { return x.ID - y.ID })
	}
	haveRows := make([]contactRow, len(have))
	for i, c := range have {
		haveRows[i] = contactRow{c.Name, c.Email, c.Phone, c.Office, c.IatiElements}
	}
	_, update, remove, create := pair(haveRows, want, contactRow.equal)
	for _, p := range update {
		x := want[p[1]]
		u := w.c.Contact.UpdateOneID(have[p[0]].ID).SetIatiElements(x.elems).
			SetUpdatedAt(w.now).SetIatiSyncedAt(w.now)
		setOrClear(x.name, u.SetName, u.ClearName)
		setOrClear(x.email, u.SetEmail, u.ClearEmail)
		setOrClear(x.phone, u.SetPhone, u.ClearPhone)
		setOrClear(x.office, u.SetOffice, u.ClearOffice)
		if err := u.Exec(ctx); err != nil {
			return err
		}
		w.writes++
	}
	for _, i := range remove {
		if err := w.c.Contact.DeleteOneID(have[i].ID).Exec(ctx); err != nil {
			return err
		}
		w.writes++
	}
	builds := make([]func() *ent.ContactCreate, len(create))
	for i, j := range create {
		x := want[j]
		builds[i] = func() *ent.ContactCreate {
			return w.c.Contact.Create().SetProgrammeID(w.id).SetNillableName(x.name).SetNillableEmail(x.email).
				SetNillablePhone(x.phone).SetNillableOffice(x.office).
				SetIatiElements(x.elems).SetCreatedAt(w.now).SetUpdatedAt(w.now).SetIatiSyncedAt(w.now)
		}
	}
	w.writes += len(create)
	return insert(ctx, w, func(r *newRows) *pendingTable[*ent.ContactCreate, *ent.Contact] { return &r.contacts },
		w.c.Contact.CreateBulk, builds)
}

// relations are the activity's related-activities, resolved against the
// store.
type relations struct {
	// parent is the programme's parent when the activity names one that is
	// in the store (type 1), or when a stored activity names this one as
	// its child; nil leaves the parent as it is.
	parent     *int
	parentElem string
	// children are stored programmes the activity names as its children.
	children []int
	// links are the related-activities kept as ActivityLink rows: types
	// 3-5, and parents or children not in the store yet; linked holds
	// them too, to be looked up (an activity may name hundreds).
	links  []linkKey
	linked map[linkKey]bool
	// pending are stored links from other activities to this one, resolved
	// now that it is here.
	pendingParents  []*ent.ActivityLink // others naming this one as their parent
	pendingChildren []*ent.ActivityLink // others naming this one as their child
}

type linkKey struct{ ref, typ string }

// link keeps k among the links.
func (rel *relations) link(k linkKey) {
	if rel.linked == nil {
		rel.linked = map[linkKey]bool{}
	}
	rel.links = append(rel.links, k)
	rel.linked[k] = true
}

func (w *activityWriter) related(ctx context.Context) (*relations, error) {
	a := w.a
	rel := &relations{}
	for _, ra := range a.RelatedActivities {
		elem := "related-activity " + ra.Ref
		if ra.Ref == a.Identifier {
			w.skip(elem, "names the activity itself; skipped")
			continue
		}
		k := linkKey{ra.Ref, ra.Type}
		if rel.linked[k] {
			continue
		}
		link := iati.LinkByRelatedType[ra.Type]
		if link == "" {
			rel.link(k)
			continue
		}
		id, ok, err := w.im.batch.programmeID(ctx, w.c, ra.Ref)
		if err != nil {
			return nil, err
		}
		if !ok {
			rel.link(k) // kept until the activity arrives
			continue
		}
		switch {
		case link == iati.LinkParent && rel.parent == nil:
			rel.parent, rel.parentElem = &id, elem
		case link == iati.LinkParent:
			w.skip(elem, "a second parent (%s); a programme has one parent; skipped", ra.Ref)
		default:
			if !slices.Contains(rel.children, id) {
				rel.children = append(rel.children, id)
			}
		}
	}
	for _, l := range w.im.batch.live(w.im.batch.pending[a.Identifier]) {
		if l.Type == iati.RelatedParent {
			rel.pendingParents = append(rel.pendingParents, l)
			continue
		}
		rel.pendingChildren = append(rel.pendingChildren, l)
		if rel.parent == nil {
			id, ok, err := w.im.batch.programmeID(ctx, w.c, l.ProgrammeCode)
			if err != nil {
				return nil, err
			}
			if ok {
				rel.parent, rel.parentElem = &id, "related-activity"
			}
		}
	}
	return rel, nil
}

// links sets the children the activity names, links the activities that
// were waiting for this one, and keeps the rest as ActivityLink rows.
// ActivityLink rows are the importer's bookkeeping: their writes are not
// recorded in the history (the parent links they become are).
func (w *activityWriter) links(ctx context.Context, rel *relations) error {
	b := w.im.batch
	children := slices.Clone(rel.children)
	for _, l := range rel.pendingParents {
		id, ok, err := b.programmeID(ctx, w.c, l.ProgrammeCode)
		if err != nil {
			return err
		}
		if ok && !slices.Contains(children, id) {
			children = append(children, id)
		}
	}
	if err := w.adopt(ctx, children); err != nil {
		return err
	}
	gone := slices.Concat(rel.pendingParents, rel.pendingChildren)
	have := b.live(b.own[w.a.Identifier])
	for _, l := range have {
		if !rel.linked[linkKey{l.Ref, l.Type}] && !slices.ContainsFunc(gone, sameLink(l)) {
			gone = append(gone, l)
			w.writes++
		}
	}
	if err := w.unlink(ctx, gone); err != nil {
		return err
	}
	stored := make(map[linkKey]bool, len(have))
	for _, l := range have {
		stored[linkKey{l.Ref, l.Type}] = true
	}
	var fresh []linkKey
	for _, k := range rel.links {
		if !stored[k] {
			fresh = append(fresh, k)
		}
	}
	w.writes += len(fresh)
	if !w.immediate() {
		// Inserted with the batch's other new rows; their ids are set
		// then, and until then a later activity of the batch that
		// resolves one drops it from the insert.
		for _, k := range fresh {
			l := &ent.ActivityLink{ProgrammeCode: w.a.Identifier, Ref: k.ref, Type: k.typ}
			w.rows.links = append(w.rows.links, l)
			w.batched.links = append(w.batched.links, l)
		}
		return nil
	}
	// New links in one statement: an activity may name hundreds.
	creates := make([]*ent.ActivityLinkCreate, len(fresh))
	for i, k := range fresh {
		creates[i] = w.c.ActivityLink.Create().SetProgrammeCode(w.a.Identifier).SetRef(k.ref).SetType(k.typ)
	}
	for chunk := range slices.Chunk(creates, maxIn) {
		made, err := w.c.ActivityLink.CreateBulk(chunk...).Save(audit.Skip(ctx))
		if err != nil {
			return err
		}
		w.batched.links = append(w.batched.links, made...)
	}
	return nil
}

// sameLink says whether x is link l: the same stored row, or the same
// link of the batch not inserted yet (no id).
func sameLink(l *ent.ActivityLink) func(x *ent.ActivityLink) bool {
	return func(x *ent.ActivityLink) bool { return x == l || (l.ID != 0 && x.ID == l.ID) }
}

// unlink deletes the stored links gone, and drops those of the batch not
// inserted yet from its insert.
func (w *activityWriter) unlink(ctx context.Context, gone []*ent.ActivityLink) error {
	var ids []int
	for _, l := range gone {
		if l.ID == 0 {
			w.batched.dropped = append(w.batched.dropped, l)
			continue
		}
		ids = append(ids, l.ID)
	}
	for chunk := range slices.Chunk(ids, maxIn) {
		if _, err := w.c.ActivityLink.Delete().Where(activitylink.IDIn(chunk...)).Exec(audit.Skip(ctx)); err != nil {
			return err
		}
	}
	w.batched.deleted = ids
	return nil
}

// adopt makes the programme the parent of children: a few at a time (their
// history holds each before and after), in one update for those still as
// imported (their updated_at follows the files) and one for those changed
// through the API since. A child that is an ancestor of the programme is
// left out: it would make a cycle.
func (w *activityWriter) adopt(ctx context.Context, children []int) error {
	if len(children) == 0 {
		return nil
	}
	// The children's history holds them whole, elements included; their
	// rows, and this programme's, are read and updated.
	if err := w.flushHeld(ctx); err != nil {
		return err
	}
	if err := w.im.batch.flushKept(ctx, w.c); err != nil {
		return err
	}
	ancestors, err := w.ancestors(ctx)
	if err != nil {
		return err
	}
	for chunk := range slices.Chunk(children, adoptChunk) {
		// Only what tells how to adopt them: the update's history reads
		// them whole anyway.
		kids, err := w.c.Programme.Query().Where(programme.IDIn(chunk...)).Order(programme.ByID()).
			Select(programme.FieldParentID, programme.FieldIatiSyncedAt, programme.FieldUpdatedAt).All(ctx)
		if err != nil {
			return err
		}
		var synced, edited []int
		for _, p := range kids {
			switch {
			case p.ParentID != nil && *p.ParentID == w.id:
			case ancestors[p.ID]:
				w.skip("related-activity", "a programme cannot be its own ancestor; skipped")
			case p.IatiSyncedAt != nil && p.IatiSyncedAt.Equal(p.UpdatedAt):
				// The link comes from the files, not from a person: the
				// child stays as imported.
				synced = append(synced, p.ID)
			default:
				edited = append(edited, p.ID)
			}
		}
		if len(synced) > 0 {
			if err := w.c.Programme.Update().Where(programme.IDIn(synced...)).SetParentID(w.id).
				SetUpdatedAt(w.now).SetIatiSyncedAt(w.now).Exec(ctx); err != nil {
				return err
			}
		}
		if len(edited) > 0 {
			if err := w.c.Programme.Update().Where(programme.IDIn(edited...)).SetParentID(w.id).Exec(ctx); err != nil {
				return err
			}
		}
		w.writes += len(synced) + len(edited)
		w.batched.touched = slices.Concat(w.batched.touched, synced, edited)
	}
	return nil
}

// adoptChunk bounds the children adopted by one update.
const adoptChunk = 500

// ancestors are the programme and those above it, walked up its parents.
func (w *activityWriter) ancestors(ctx context.Context) (map[int]bool, error) {
	seen := map[int]bool{}
	for id := w.id; id != 0 && !seen[id] && len(seen) < maxDepth; {
		seen[id] = true
		parents, err := w.c.Programme.Query().Where(programme.ID(id), programme.ParentIDNotNil()).
			Select(programme.FieldParentID).Ints(ctx)
		if err != nil {
			return nil, err
		}
		if len(parents) == 0 {
			break
		}
		id = parents[0]
	}
	return seen, nil
}

// maxDepth bounds the walk up a programme's parents.
const maxDepth = 1000
