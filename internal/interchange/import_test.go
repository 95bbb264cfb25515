package interchange_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/activitylink"
	"github.com/aidregistry/registry/ent/change"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/organisationalias"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/interchange"
	"github.com/aidregistry/registry/internal/store"
)

const (
	greatLakes = "XM-DAC-47066-MIDA-GL"
	mida       = "XM-DAC-47066-MIDA"
)

// loadProgramme reads a programme with everything the importer writes.
func loadProgramme(t testing.TB, c *ent.Client, code string) *ent.Programme {
	t.Helper()
	p, err := c.Programme.Query().Where(programme.Code(code)).
		WithParent().
		WithParticipations(func(q *ent.ParticipationQuery) { q.WithOrganisation() }).
		WithCountries(func(q *ent.ProgrammeCountryQuery) { q.WithCountry() }).
		WithFundings(func(q *ent.FundingQuery) { q.WithFunder().WithRecipient() }).
		WithContacts().WithSources().
		Only(context.Background())
	if err != nil {
		t.Fatalf("programme %s: %v", code, err)
	}
	return p
}

func str(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func participations(p *ent.Programme) []string {
	var out []string
	for _, pa := range p.Edges.Participations {
		o := pa.Edges.Organisation
		out = append(out, fmt.Sprintf("%s %s (%s, %s)", pa.Role, o.Name, str(o.IatiRef), o.Kind))
	}
	slices.Sort(out)
	return out
}

func countriesOf(p *ent.Programme) []string {
	var out []string
	for _, c := range p.Edges.Countries {
		share := "-"
		if c.SharePercent != nil {
			share = c.SharePercent.String()
		}
		out = append(out, fmt.Sprintf("%s %s %s", c.Role, c.Edges.Country.Iso2, share))
	}
	slices.Sort(out)
	return out
}

func fundingsOf(p *ent.Programme) []string {
	var out []string
	for _, f := range p.Edges.Fundings {
		name := func(o *ent.Organisation) string {
			if o == nil {
				return "-"
			}
			return o.Name
		}
		kind := "-"
		if f.Kind != nil {
			kind = string(*f.Kind)
		}
		out = append(out, fmt.Sprintf("%s/%s %s %s %s %s->%s %s", str((*string)(f.TransactionType)), kind, str(f.Date), f.ValueAmount, str(f.ValueCurrency),
			name(f.Edges.Funder), name(f.Edges.Recipient), str(f.Note)))
	}
	slices.Sort(out)
	return out
}

func TestImportEveryElement(t *testing.T) {
	each(t, func(t *testing.T, st *store.Store) {
		c := st.Client
		sum := importFile(t, c, "testdata/elements.xml")
		if sum.Created != 2 || sum.Updated != 0 || sum.Unchanged != 0 {
			t.Errorf("summary %+v, want 2 created", sum)
		}
		if got := skipsOf(sum, greatLakes, "transaction"); len(got) != 0 {
			t.Errorf("no transaction should be skipped, got %v", got)
		}
		p := loadProgramme(t, c, greatLakes)
		checks := []struct {
			name      string
			got, want any
		}{
			{"title", p.Title, "MIDA Great Lakes"},
			{"language", str(p.Language), "en"},
			{"title translations", p.TitleTranslations, []iati.Narrative{{Lang: "fr", Text: "MIDA Grands Lacs"}}},
			{"description (the general one)", str(p.Description), "Diaspora experts return for short missions to rebuild institutions."},
			{"description translations", p.DescriptionTranslations, []iati.Narrative{{Lang: "fr", Text: "Des experts de la diaspora reviennent pour de courtes missions."}}},
			{"status", fmt.Sprint(*p.Status), "IMPLEMENTATION"},
			{"start (actual over planned)", str(p.StartDate), "2008-02-15"},
			{"end (planned)", str(p.EndDate), "2012-12-31"},
			{"budget (2008 revised + 2009, in the default currency)", p.BudgetAmount.String() + " " + str(p.BudgetCurrency), "200000.50 EUR"},
			{"region", str(p.Region), "Eastern Africa, regional"},
			{"regions", len(p.RecipientRegions), 1},
			{"reporting-org kept", p.ReportingOrg.Ref, "XM-DAC-47066"},
			{"participations", participations(p), []string{
				"ACCOUNTABLE International Organization for Migration (XM-DAC-47066, MULTILATERAL)",
				"EXTENDING Ministry of Planning, Rwanda (<nil>, OTHER)",
				"FUNDING Government of Belgium (XM-DAC-2-10, GOVERNMENT)",
				"IMPLEMENTING International Organization for Migration (XM-DAC-47066, MULTILATERAL)",
				"IMPLEMENTING Local Partner Association (<nil>, NATIONAL_NGO)", // 35 is the publisher's own code: an alias
			}},
			{"countries", countriesOf(p), []string{"BENEFICIARY BI 24.5", "BENEFICIARY CD 40", "BENEFICIARY RW 35.5"}},
			{"fundings", fundingsOf(p), []string{
				"DISBURSEMENT/DISBURSEMENT 2008-03-01 50000 USD -->Local Partner Association <nil>",
				"DISBURSEMENT/DISBURSEMENT 2008-12-31 -1250.25 EUR -->- Correction of an earlier disbursement",
				// An interest payment has no coarse kind, and keeps its type.
				"INTEREST_PAYMENT/- 2009-01-31 10.00 EUR -->- <nil>",
				"OUTGOING_COMMITMENT/COMMITMENT 2008-01-10 200000.50 EUR Government of Belgium->International Organization for Migration Grant agreement",
			}},
			{"contacts", len(p.Edges.Contacts), 1},
			{"contact", fmt.Sprint(str(p.Edges.Contacts[0].Name), " | ", str(p.Edges.Contacts[0].Email), " | ",
				str(p.Edges.Contacts[0].Phone), " | ", str(p.Edges.Contacts[0].Office)),
				"A. Person | mida@example.org | +41 22 717 9111 | IOM, Migration and Development"},
			{"sources", len(p.Edges.Sources), 1},
			{"source", p.Edges.Sources[0].Title + " " + str(p.Edges.Sources[0].URL) + " " + str(p.Edges.Sources[0].PublishedOn),
				"Annual report 2008 https://example.org/mida/report-2008.pdf 2009-02-01"},
			// The parent arrived after the child: the link waited for it.
			{"parent", p.Edges.Parent != nil && p.Edges.Parent.Code == mida, true},
		}
		for _, ch := range checks {
			if fmt.Sprint(ch.got) != fmt.Sprint(ch.want) {
				t.Errorf("%s: got %v, want %v", ch.name, ch.got, ch.want)
			}
		}
		links, err := c.ActivityLink.Query().Order(activitylink.ByProgrammeCode(), activitylink.ByRef()).All(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range links {
			got = append(got, l.ProgrammeCode+" "+l.Type+" "+l.Ref)
		}
		want := []string{mida + " 2 XM-DAC-47066-MIDA-SO", greatLakes + " 3 XM-DAC-47066-QUESTS"}
		if !slices.Equal(got, want) {
			t.Errorf("kept links %v, want %v (the resolved parent link is gone)", got, want)
		}

		// The pending child arrives: it is linked, and the link row goes.
		sum = importString(t, c, `<iati-activities version="2.03"><iati-activity>
			<iati-identifier>XM-DAC-47066-MIDA-SO</iati-identifier>
			<title><narrative>MIDA Somalia</narrative></title></iati-activity></iati-activities>`)
		if sum.Created != 1 {
			t.Fatalf("summary %+v", sum)
		}
		so := loadProgramme(t, c, "XM-DAC-47066-MIDA-SO")
		if so.Edges.Parent == nil || so.Edges.Parent.Code != mida {
			t.Errorf("MIDA-SO's parent is %v, want MIDA", so.Edges.Parent)
		}
		if n := c.ActivityLink.Query().Where(activitylink.Ref("XM-DAC-47066-MIDA-SO")).CountX(context.Background()); n != 0 {
			t.Errorf("%d link rows left for MIDA-SO", n)
		}
	})
}

func importString(t testing.TB, c *ent.Client, doc string) interchange.Summary {
	t.Helper()
	sum, err := interchange.Import(system, c, strings.NewReader(doc), interchange.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// A parent that arrives first links its children when they come, whichever
// side names the other.
func TestImportParentFirst(t *testing.T) {
	each(t, func(t *testing.T, st *store.Store) {
		c := st.Client
		importString(t, c, `<iati-activities version="2.03">
			<iati-activity><iati-identifier>P</iati-identifier><title><narrative>Parent</narrative></title>
			<related-activity ref="C1" type="2"/></iati-activity>
			<iati-activity><iati-identifier>C1</iati-identifier><title><narrative>Child one</narrative></title></iati-activity>
			<iati-activity><iati-identifier>C2</iati-identifier><title><narrative>Child two</narrative></title>
			<related-activity ref="P" type="1"/></iati-activity></iati-activities>`)
		for _, code := range []string{"C1", "C2"} {
			if p := loadProgramme(t, c, code); p.Edges.Parent == nil || p.Edges.Parent.Code != "P" {
				t.Errorf("%s has parent %v, want P", code, p.Edges.Parent)
			}
		}
		if n := c.ActivityLink.Query().CountX(context.Background()); n != 0 {
			t.Errorf("%d link rows left", n)
		}
	})
}

func TestImportTwiceChangesNothing(t *testing.T) {
	each(t, func(t *testing.T, st *store.Store) {
		c := st.Client
		files := []string{"testdata/elements.xml", "testdata/malformed.xml", "testdata/organisations.xml"}
		for _, f := range files {
			importFile(t, c, f)
		}
		before := counts(t, c)
		for _, f := range files {
			sum := importFile(t, c, f)
			if sum.Created != 0 || sum.Updated != 0 || sum.Unchanged == 0 {
				t.Errorf("%s again: %d created, %d updated, %d unchanged; want all unchanged", f, sum.Created, sum.Updated, sum.Unchanged)
			}
		}
		if after := counts(t, c); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("the second import wrote:\nbefore %v\nafter  %v", before, after)
		}
	})
}

func TestImportNewerVersion(t *testing.T) {
	each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := st.Client
		importFile(t, c, "testdata/elements.xml")
		last := c.Change.Query().Aggregate(ent.Max(change.FieldID)).IntX(ctx)
		oldFunding := loadProgramme(t, c, greatLakes).Edges.Fundings

		sum := importFile(t, c, "testdata/newer.xml")
		if sum.Created != 0 || sum.Updated != 1 || sum.Unchanged != 0 {
			t.Fatalf("summary %+v, want 1 updated", sum)
		}
		p := loadProgramme(t, c, greatLakes)
		if p.Title != "MIDA Great Lakes, phase II" || p.TitleTranslations[0].Text != "MIDA Grands Lacs, phase II" {
			t.Errorf("title %q %v", p.Title, p.TitleTranslations)
		}
		if got, want := countriesOf(p), []string{"BENEFICIARY CD 40", "BENEFICIARY RW 60"}; !slices.Equal(got, want) {
			t.Errorf("countries %v, want %v", got, want)
		}
		if got := participations(p); slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "Local Partner") }) {
			t.Errorf("the local partner's participation should be gone: %v", got)
		}
		if len(p.Edges.Sources) != 2 {
			t.Errorf("%d sources, want 2", len(p.Edges.Sources))
		}
		if got := fundingsOf(p); !slices.Contains(got, "OUTGOING_COMMITMENT/COMMITMENT 2008-01-10 250000.50 EUR Government of Belgium->International Organization for Migration Grant agreement, amended") {
			t.Errorf("fundings %v", got)
		}
		// The changed transaction is an update of its funding, not a new one.
		var ids []int
		for _, f := range p.Edges.Fundings {
			ids = append(ids, f.ID)
		}
		for _, f := range oldFunding {
			if !slices.Contains(ids, f.ID) {
				t.Errorf("funding %d was replaced, not updated", f.ID)
			}
		}

		// History holds each real change once, and nothing else.
		changes := c.Change.Query().Where(change.IDGT(last)).Order(change.ByID()).AllX(ctx)
		var got []string
		for _, ch := range changes {
			got = append(got, ch.RecordType+" "+string(ch.Operation))
		}
		slices.Sort(got)
		want := []string{
			"Funding UPDATE",
			"Participation DELETE",
			// The participating-org after the removed one moved up a place
			// in the file: its participation holds it at its new place.
			"Participation UPDATE",
			"Programme UPDATE",
			"ProgrammeCountry DELETE",
			"ProgrammeCountry UPDATE",
			"Source CREATE",
		}
		if !slices.Equal(got, want) {
			t.Errorf("changes recorded:\n%v\nwant\n%v", got, want)
		}
		if again := importFile(t, c, "testdata/newer.xml"); again.Unchanged != 1 {
			t.Errorf("the newer file again: %+v", again)
		}
	})
}

func TestImportUntidyData(t *testing.T) {
	each(t, func(t *testing.T, st *store.Store) {
		c := st.Client
		sum := importFile(t, c, "testdata/malformed.xml")
		if sum.Created != 2 {
			t.Errorf("created %d, want 2 (XX-UNTIDY-1 and XX-UNTIDY-3)", sum.Created)
		}
		reasons := map[string]string{}
		for _, s := range sum.Skipped {
			reasons[s.Record+" "+s.Element] = s.Reason
		}
		for _, want := range []struct{ key, reason string }{
			{"XX-UNTIDY-1 participating-org[2]", "OrganisationRole"},
			{"XX-UNTIDY-1 activity-status", "ActivityStatus"},
			{"XX-UNTIDY-1 activity-date[1]", "month 13"},
			{"XX-UNTIDY-1 recipient-country[1]", "ISO 3166-1"},
			{"XX-UNTIDY-1 recipient-country XK", "not in the registry"},
			{"XX-UNTIDY-1 recipient-country ML", "named twice"},
			{"XX-UNTIDY-1 transaction[1]", "no value"},
			{"XX-UNTIDY-1 transaction[3]", "not a date"},
			{"XX-UNTIDY-1 related-activity XX-UNTIDY-1", "itself"},
			{"line 53 iati-activity", "no iati-identifier"},
			{"XX-UNTIDY-2 iati-activity", "title"},
			{"XX-UNTIDY-1 iati-activity", "second activity"},
		} {
			if r, ok := reasons[want.key]; !ok || !strings.Contains(r, want.reason) {
				t.Errorf("%s: skipped with %q, want a reason naming %q", want.key, r, want.reason)
			}
		}
		// What breaks the registry's rules but not the publisher's record is
		// kept as published, and noted.
		for _, key := range []string{"XX-UNTIDY-1 activity-date", "XX-UNTIDY-1 recipient-country SN", "XX-UNTIDY-1 budget"} {
			if r, ok := reasons[key]; ok {
				t.Errorf("%s skipped (%s); it is kept as published", key, r)
			}
		}
		p := loadProgramme(t, c, "XX-UNTIDY-1")
		if p.Status != nil || str(p.StartDate) != "2014-01-01" || str(p.EndDate) != "2013-06-30" || p.BudgetAmount.String() != "1000.5" {
			t.Errorf("status %v start %s end %s budget %v", p.Status, str(p.StartDate), str(p.EndDate), p.BudgetAmount)
		}
		if got, want := countriesOf(p), []string{"BENEFICIARY ML 70", "BENEFICIARY SN 50"}; !slices.Equal(got, want) {
			t.Errorf("countries %v, want %v", got, want)
		}
		if got, want := fundingsOf(p), []string{
			"EXPENDITURE/EXPENDITURE 2014-07-01 12.345 EUR -->- <nil>",
			"EXPENDITURE/EXPENDITURE 2014-08-01 750.00 EUR -->- <nil>",
			"OUTGOING_COMMITMENT/COMMITMENT 2014-06-01 -500 EUR -->- <nil>",
		}; !slices.Equal(got, want) {
			t.Errorf("fundings %v, want %v", got, want)
		}
		codes := func(ns []iati.QualityNote) []string {
			var out []string
			for _, n := range ns {
				out = append(out, n.Code+" "+n.Element)
			}
			slices.Sort(out)
			return out
		}
		if got := codes(p.QualityNotes); !slices.Contains(got, "END_BEFORE_START activity-date") ||
			!slices.Contains(got, "SHARES_NOT_100 recipient-country") || !slices.Contains(got, "EXCESS_DECIMALS budget") || !p.HasQualityNotes {
			t.Errorf("programme notes %v", got)
		}
		var fundingNotes []string
		for _, f := range p.Edges.Fundings {
			fundingNotes = append(fundingNotes, codes(f.QualityNotes)...)
		}
		slices.Sort(fundingNotes)
		if want := []string{"EXCESS_DECIMALS transaction[4]/value", "NEGATIVE_VALUE transaction[2]/value"}; !slices.Equal(fundingNotes, want) {
			t.Errorf("funding notes %v, want %v", fundingNotes, want)
		}
		if n := c.Organisation.Query().Where(organisation.Name("A funder only this activity names")).CountX(context.Background()); n != 0 {
			t.Errorf("the skipped activity's organisation was created")
		}
		loadProgramme(t, c, "XX-UNTIDY-3")
	})
}

// An activity that fails half way (here a statement the store refuses,
// on its fifth write) leaves nothing behind, and the next activity is
// imported: in its own transaction (the command line), and under a
// savepoint of the caller's transaction (the GraphQL mutation), where
// PostgreSQL must be brought back from the failed statement.
func TestImportFailedActivityLeavesNothing(t *testing.T) {
	for _, inTx := range []bool{false, true} {
		t.Run(fmt.Sprintf("in a transaction %v", inTx), func(t *testing.T) {
			each(t, func(t *testing.T, st *store.Store) {
				testFailedActivity(t, st, inTx)
			})
		})
	}
}

func testFailedActivity(t *testing.T, st *store.Store, inTx bool) {
	c := st.Client
	c.Funding.Use(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if fm, ok := m.(*ent.FundingMutation); ok {
				if note, _ := fm.Note(); note == "boom" {
					_, err := fm.Client().ExecContext(ctx, "INSERT INTO no_such_table VALUES (1)")
					return nil, fmt.Errorf("the store refused: %w", err)
				}
			}
			return next.Mutate(ctx, m)
		})
	})
	before := counts(t, c)
	doc := `<iati-activities version="2.03">
		<iati-activity default-currency="EUR"><iati-identifier>XX-BOOM-1</iati-identifier>
		<title><narrative>Fails half way</narrative></title>
		<participating-org ref="XX-NEW-FUNDER" role="1" type="60"><narrative>New Funder</narrative></participating-org>
		<recipient-country code="ML" percentage="100"/>
		<transaction><transaction-type code="2"/><transaction-date iso-date="2020-01-01"/>
		<value value-date="2020-01-01">10</value><description><narrative>boom</narrative></description>
		<provider-org ref="XX-NEW-FUNDER"><narrative>New Funder</narrative></provider-org></transaction>
		</iati-activity>
		<iati-activity><iati-identifier>XX-BOOM-2</iati-identifier><title><narrative>Fine</narrative></title>
		<participating-org ref="XX-OTHER" role="1"><narrative>Other Funder</narrative></participating-org></iati-activity>
		</iati-activities>`
	var sum interchange.Summary
	if inTx {
		tx, err := c.Tx(system)
		if err != nil {
			t.Fatal(err)
		}
		sum, err = interchange.Import(system, tx.Client(), strings.NewReader(doc), interchange.Options{InTransaction: true})
		if err != nil {
			t.Fatal(errors.Join(err, tx.Rollback()))
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	} else {
		sum = importString(t, c, doc)
	}
	if sum.Created != 1 || len(sum.Skipped) != 1 || !strings.Contains(sum.Skipped[0].Reason, "store refused") {
		t.Fatalf("summary %+v", sum)
	}
	after := counts(t, c)
	// XX-BOOM-2: one programme, one organisation (with the publisher's
	// code XX-OTHER as its alias), one participation and their four
	// changes; nothing of XX-BOOM-1.
	before["programmes"]++
	before["organisations"]++
	before["participations"]++
	before["changes"] += 4
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("rows after a failed activity:\n%v\nwant\n%v", after, before)
	}
	if n := c.Organisation.Query().Where(organisation.IatiRef("XX-NEW-FUNDER")).CountX(context.Background()); n != 0 {
		t.Errorf("the failed activity's funder was kept")
	}
}

func TestImportStopsOnUnreadableFile(t *testing.T) {
	each(t, func(t *testing.T, st *store.Store) {
		c := st.Client
		f := filepath.Join("testdata", "truncated.xml")
		r, err := openFile(f)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		sum, err := interchange.Import(system, c, r, interchange.Options{})
		var fe *interchange.FileError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "line") {
			t.Fatalf("error %v, want a FileError naming the line", err)
		}
		if sum.Created != 1 {
			t.Errorf("summary %+v: the whole activity before the cut is kept", sum)
		}
		loadProgramme(t, c, "XX-CUT-1")

		_, err = interchange.Import(system, c, strings.NewReader(`<iati-activities version="1.05"><iati-activity/></iati-activities>`), interchange.Options{})
		if !errors.Is(err, iati.ErrUnsupportedVersion) {
			t.Errorf("IATI 1.05: %v", err)
		}
		_, err = interchange.Import(system, c, strings.NewReader(`<html><body/></html>`), interchange.Options{})
		if !errors.As(err, &fe) {
			t.Errorf("HTML: %v", err)
		}
	})
}

func TestImportOrganisationFile(t *testing.T) {
	each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := st.Client
		// An activity names IOM differently, and UNDP only by name.
		importString(t, c, `<iati-activities version="2.03"><iati-activity>
			<iati-identifier>XX-ORG-1</iati-identifier><title><narrative>T</narrative></title>
			<participating-org ref="XM-DAC-47066" role="2"><narrative>IOM</narrative></participating-org>
			<participating-org role="1"><narrative>United Nations Development Programme</narrative></participating-org>
			</iati-activity></iati-activities>`)
		sum := importFile(t, c, "testdata/organisations.xml")
		if sum.Created != 0 || sum.Updated != 2 || len(sum.Skipped) != 1 {
			t.Fatalf("summary %+v, want IOM and UNDP updated, one skipped", sum)
		}
		iom := c.Organisation.Query().Where(organisation.IatiRef("XM-DAC-47066")).OnlyX(ctx)
		if iom.Name != "International Organization for Migration" || iom.Kind != organisation.KindMULTILATERAL {
			t.Errorf("IOM: %q %s", iom.Name, iom.Kind)
		}
		undp := c.Organisation.Query().Where(organisation.IatiRef("XM-DAC-41114")).OnlyX(ctx)
		if undp.Name != "United Nations Development Programme" || undp.Kind != organisation.KindOTHER {
			t.Errorf("UNDP (its type is not its own to say in IOM's file): %q %s", undp.Name, undp.Kind)
		}
		if again := importFile(t, c, "testdata/organisations.xml"); again.Unchanged != 2 {
			t.Errorf("again: %+v", again)
		}
	})
}

// IATI's own annotated example and a real publisher's 2.01 file.
func TestImportSharedExamples(t *testing.T) {
	dir := sharedIATI(t)
	each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := st.Client
		spain := filepath.Join(dir, "examples", "spain-maec-indonesia-2.01.xml")
		sum := importFile(t, c, spain)
		if sum.Created != 83 {
			t.Errorf("Spain: %d created, want 83", sum.Created)
		}
		for _, s := range sum.Skipped {
			// The publisher's negative budget revisions are the only refusals.
			if s.Element != "budget" || !strings.Contains(s.Reason, "negative") {
				t.Errorf("unexpected skip %v", s)
			}
		}
		before := counts(t, c)
		if again := importFile(t, c, spain); again.Unchanged != 83 {
			t.Errorf("Spain again: %+v", again)
		}
		if after := counts(t, c); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("Spain again wrote:\n%v\n%v", before, after)
		}
		// The publisher's own code 35 is kept as its alias, not as an iatiRef.
		basque := c.Organisation.Query().Where(organisation.HasAliasesWith(
			organisationalias.Ref("35"), organisationalias.Publisher("ES-DIR3-E04585801"))).OnlyX(ctx)
		if basque.Name != "CCAA CAV - País Vasco" || basque.IatiRef != nil {
			t.Errorf("the publisher's own code 35 is kept as an alias of %q (iatiRef %v)", basque.Name, basque.IatiRef)
		}
		if n := c.Organisation.Query().Where(organisation.Name("Spain"), organisation.KindEQ(organisation.KindGOVERNMENT)).CountX(ctx); n != 1 {
			t.Errorf("%d organisations named Spain, want 1 matched by name each time", n)
		}
		p := loadProgramme(t, c, "ES-DIR3-E04585801-009-001301")
		if str(p.Language) != "es" || str(p.Region) != "Far East Asia, regional" || p.BudgetAmount.String() != "9270" {
			t.Errorf("language %s region %s budget %s", str(p.Language), str(p.Region), p.BudgetAmount)
		}

		sum = importFile(t, c, filepath.Join(dir, "examples", "activity-standard-example-annotated-203.xml"))
		if sum.Created != 1 || len(sum.Skipped) != 0 {
			t.Errorf("annotated example: %+v", sum)
		}
		a := loadProgramme(t, c, "AA-AAA-123456789-ABC123")
		if a.Title != "Activity title" || len(a.TitleTranslations) != 2 || str(a.StartDate) != "2012-04-28" ||
			a.BudgetAmount.String() != "1000" || str(a.BudgetCurrency) != "AUD" {
			t.Errorf("annotated example: %q %v %s %s %s", a.Title, a.TitleTranslations, str(a.StartDate), a.BudgetAmount, str(a.BudgetCurrency))
		}

		sum = importFile(t, c, filepath.Join(dir, "examples", "organisation-example-203.xml"))
		if sum.Created+sum.Updated+sum.Unchanged != 1 {
			t.Errorf("organisation example: %+v", sum)
		}
	})
}

// A transaction the registry's rules refuse is left out with its reason,
// and the activity's other transactions are still written (new fundings
// go in one statement, and one refusal sends them one by one).
func TestImportOneRefusedFundingKeepsTheOthers(t *testing.T) {
	each(t, func(t *testing.T, st *store.Store) {
		c := st.Client
		c.Funding.Use(func(next ent.Mutator) ent.Mutator {
			return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
				if fm, ok := m.(*ent.FundingMutation); ok {
					if note, _ := fm.Note(); note == "refuse me" {
						return nil, apperr.Errorf(apperr.BadUserInput, "this funding is refused")
					}
				}
				return next.Mutate(ctx, m)
			})
		})
		tx := func(value, note string) string {
			return `<transaction><transaction-type code="3"/><transaction-date iso-date="2020-01-01"/>
				<value value-date="2020-01-01">` + value + `</value><description><narrative>` + note + `</narrative></description></transaction>`
		}
		sum := importString(t, c, `<iati-activities version="2.03"><iati-activity default-currency="EUR">
			<iati-identifier>XX-REFUSED</iati-identifier><title><narrative>One refused</narrative></title>`+
			tx("10", "first")+tx("20", "refuse me")+tx("30", "third")+`</iati-activity></iati-activities>`)
		p := loadProgramme(t, c, "XX-REFUSED")
		if got, want := fundingsOf(p), []string{
			"DISBURSEMENT/DISBURSEMENT 2020-01-01 10 EUR -->- first",
			"DISBURSEMENT/DISBURSEMENT 2020-01-01 30 EUR -->- third",
		}; !slices.Equal(got, want) {
			t.Errorf("fundings %v, want %v", got, want)
		}
		if got := skipsOf(sum, "XX-REFUSED", "transaction"); len(got) != 1 || got[0].Element != "transaction[2]" ||
			!strings.Contains(got[0].Reason, "refused") {
			t.Errorf("skipped %v, want transaction[2] with its reason", sum.Skipped)
		}
		// Its element stays with the programme, so the export still has it.
		if n := len(p.IatiElements[0].All("transaction")); n != 1 {
			t.Errorf("the programme keeps %d transaction elements, want the refused one", n)
		}
	})
}
