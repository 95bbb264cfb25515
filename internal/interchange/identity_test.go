package interchange_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/organisationalias"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/internal/identity"
	"github.com/aidregistry/registry/internal/interchange"
	"github.com/aidregistry/registry/internal/store"
)

// TestOneRecordPerAgency imports real files in which publishers name the
// same agencies differently: UNDP reports with XM-DAC-41114 and is named
// by that identifier in others' participating-orgs; UNDP's file names
// UNICEF by the bare DAC code 41122; Denmark names IOM by another spelling
// and its CRS channel code. Each agency the rules identify is one record,
// with the other forms as aliases and where they came from; KOICA, named
// by a name alone in UNDP's file, is left apart and listed as a possible
// duplicate; once merged, importing the files again brings nothing back.
func TestOneRecordPerAgency(t *testing.T) {
	dir := filepath.Join(sharedIATI(t), "examples")
	files := []string{
		"dportal-covid-p112-undp-unhcr-v2.03.xml",
		"dportal-covid-p099-denmark-undp-ifad-v2.03.xml",
		"dportal-covid-2749528-p116-germany-iom-v2.03.xml",
	}
	each(t, func(t *testing.T, st *store.Store) {
		ctx := system
		c := st.Client
		for _, f := range files {
			importFile(t, c, filepath.Join(dir, f))
		}
		one := func(ref string) *ent.Organisation {
			t.Helper()
			o, err := c.Organisation.Query().Where(organisation.IatiRef(ref)).WithAliases().Only(ctx)
			if err != nil {
				t.Fatalf("organisation %s: %v", ref, err)
			}
			return o
		}
		// No iatiRef is a publisher's own code or a listing's fragment.
		refs, err := c.Organisation.Query().Where(organisation.IatiRefNotNil()).Select(organisation.FieldIatiRef).Strings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range refs {
			if !identity.IsIdentifier(r) {
				t.Errorf("iatiRef %q is not an organisation identifier", r)
			}
		}

		// The DAC-code rule: UNDP's file names UNICEF "41122".
		unicef := one("XM-DAC-41122")
		if !slices.ContainsFunc(unicef.Edges.Aliases, func(a *ent.OrganisationAlias) bool {
			return a.Ref != nil && *a.Ref == "41122" && a.Publisher != nil && *a.Publisher == "XM-DAC-41114" &&
				strings.Contains(a.Source, "dportal-covid-p112-undp-unhcr-v2.03.xml")
		}) {
			t.Errorf("UNICEF's aliases %s lack the bare DAC code 41122 from UNDP's file", aliasList(unicef.Edges.Aliases))
		}
		n, err := c.Organisation.Query().Where(organisation.NameKey("united nations childrens fund")).Count(ctx)
		if err != nil || n != 1 {
			t.Errorf("UNICEF records: %d (%v), want 1", n, err)
		}

		// UNDP reports and participates under one identifier: one record,
		// named, holding the activities' participations whatever element
		// named it.
		undp := one("XM-DAC-41114")
		if undp.Name != "United Nations Development Programme" {
			t.Errorf("UNDP is named %q", undp.Name)
		}
		held, err := c.Participation.Query().Where(participation.OrganisationID(undp.ID)).Count(ctx)
		if err != nil || held < 100 {
			t.Errorf("UNDP's participations: %d (%v)", held, err)
		}

		// IOM: Denmark names it by name alone, spelt "Organisation", with
		// its CRS channel code 47066: the code identifies it, so Denmark's
		// name is one more alias of the one record.
		iom := one("XM-DAC-47066")
		if !slices.ContainsFunc(iom.Edges.Aliases, func(a *ent.OrganisationAlias) bool {
			return a.Name != nil && *a.Name == "International Organisation for Migration" &&
				strings.Contains(a.Source, "dportal-covid-p099-denmark-undp-ifad-v2.03.xml")
		}) {
			t.Errorf("IOM's aliases %s lack Denmark's name", aliasList(iom.Edges.Aliases))
		}
		if n := c.Organisation.Query().Where(organisation.Name("International Organisation for Migration")).CountX(ctx); n != 0 {
			t.Errorf("Denmark's IOM is a record of its own")
		}
		// A channel that is a kind of organisation (11001 central
		// government) identifies no one.
		for _, r := range refs {
			if code, ok := strings.CutPrefix(r, "XM-DAC-"); ok && len(code) == 5 && code[0] != '4' && !strings.Contains(code, "-") {
				t.Errorf("%s: an identifier taken from a kind of channel", r)
			}
		}

		// KOICA: KR-GOV-021 in Germany's file, a name alone in UNDP's,
		// written differently: left apart, listed, merged by a person.
		koica := one("KR-GOV-021")
		named, err := c.Organisation.Query().Where(organisation.Name("KOREA INTERN. COOPERATION AGENCY (KOICA)")).Only(ctx)
		if err != nil {
			t.Fatalf("UNDP's KOICA: %v", err)
		}
		dups, err := identity.PossibleDuplicates(ctx, c, koica)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(dups, func(o *ent.Organisation) bool { return o.ID == named.ID }) {
			t.Errorf("KOICA's possible duplicates %v lack UNDP's record", names(dups))
		}

		if _, err := identity.Merge(ctx, c, koica.ID, []int{named.ID}); err != nil {
			t.Fatalf("merge: %v", err)
		}
		viaKOICA := func() int {
			n, err := c.Programme.Query().Where(programme.HasParticipationsWith(
				participation.HasOrganisationWith(organisation.IatiRef("KR-GOV-021")))).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		linked := viaKOICA()
		orgs, aliases := countOrgs(t, c)
		for _, f := range files {
			sum := importFile(t, c, filepath.Join(dir, f))
			if sum.Created != 0 || sum.Updated != 0 {
				t.Errorf("re-import of %s after the merge: %d created, %d updated", f, sum.Created, sum.Updated)
			}
		}
		if o, a := countOrgs(t, c); o != orgs || a != aliases {
			t.Errorf("re-import after the merge: %d organisations, %d aliases; want %d, %d", o, a, orgs, aliases)
		}
		if viaKOICA() != linked {
			t.Errorf("programmes linked to KOICA changed on re-import: %d, want %d", viaKOICA(), linked)
		}
	})
}

// TestAmbiguousNamesLeftApart: two organisations share a name under
// different identifiers; a third element names it without an identifier.
// None is merged; the new record lists both.
func TestAmbiguousNamesLeftApart(t *testing.T) {
	doc := `<iati-activities version="2.03"><iati-activity>
  <iati-identifier>GB-GOV-1-AMB-1</iati-identifier>
  <reporting-org ref="GB-GOV-1" type="10"><narrative>UK</narrative></reporting-org>
  <title><narrative>Ambiguity</narrative></title>
  <participating-org ref="GB-COH-123" role="4" type="10"><narrative>Ministry of Health</narrative></participating-org>
  <participating-org ref="GB-CHC-456" role="3" type="10"><narrative>The Ministry of Health</narrative></participating-org>
  <participating-org ref="MOH" role="2" type="10"><narrative>MINISTRY OF HEALTH</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date iso-date="2020-01-01" type="2"/>
</iati-activity></iati-activities>`
	each(t, func(t *testing.T, st *store.Store) {
		c := st.Client
		if _, err := interchange.Import(system, c, strings.NewReader(doc), interchange.Options{}); err != nil {
			t.Fatal(err)
		}
		orgs, err := c.Organisation.Query().Where(organisation.NameKey("ministry of health")).Order(organisation.ByID()).All(system)
		if err != nil {
			t.Fatal(err)
		}
		if len(orgs) != 3 {
			t.Fatalf("records for the ministry: %v, want 3 (two identifiers, one ambiguous name)", names(orgs))
		}
		third := orgs[2]
		if third.IatiRef != nil {
			t.Errorf("a publisher's code became an iatiRef: %q", *third.IatiRef)
		}
		code, err := c.OrganisationAlias.Query().Where(organisationalias.OrganisationID(third.ID), organisationalias.Ref("MOH")).Only(system)
		if err != nil || code.Publisher == nil || *code.Publisher != "GB-GOV-1" {
			t.Errorf("the publisher's code MOH as an alias: %+v, %v", code, err)
		}
		dups, err := identity.PossibleDuplicates(system, c, third)
		if err != nil {
			t.Fatal(err)
		}
		if len(dups) != 2 {
			t.Errorf("possible duplicates of the ambiguous record: %v, want the other two", names(dups))
		}
		// Importing again matches the code it met before: nothing new.
		before, _ := countOrgs(t, c)
		if _, err := interchange.Import(system, c, strings.NewReader(doc), interchange.Options{}); err != nil {
			t.Fatal(err)
		}
		if n, _ := countOrgs(t, c); n != before {
			t.Errorf("after a second import: %d organisations, want %d", n, before)
		}
	})
}

func countOrgs(t *testing.T, c *ent.Client) (orgs, aliases int) {
	t.Helper()
	ctx := context.Background()
	o, err := c.Organisation.Query().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.OrganisationAlias.Query().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return o, a
}

func names(orgs []*ent.Organisation) []string {
	var out []string
	for _, o := range orgs {
		out = append(out, o.Name)
	}
	return out
}

func aliasList(as []*ent.OrganisationAlias) []string {
	var out []string
	for _, a := range as {
		s := ""
		if a.Name != nil {
			s += *a.Name
		}
		if a.Ref != nil {
			s += " [" + *a.Ref + "]"
		}
		out = append(out, s)
	}
	return out
}

// TestPreviousIdentifierLinksOldAndNew: an activity's other-identifier of
// type B1 is its reporting organisation's previous identifier; an element
// that names the organisation by the old identifier, under another name,
// finds the same record, and importing again changes nothing.
func TestPreviousIdentifierLinksOldAndNew(t *testing.T) {
	each(t, func(t *testing.T, st *store.Store) {
		c := st.Client
		doc := `<iati-activities version="2.03">
			<iati-activity><iati-identifier>GB-CHC-202918-1</iati-identifier>
				<reporting-org ref="GB-CHC-202918" type="21"><narrative>Oxfam GB</narrative></reporting-org>
				<title><narrative>Renamed charity's programme</narrative></title>
				<other-identifier ref="GB-COH-612172" type="B1"/></iati-activity>
			<iati-activity><iati-identifier>XM-DAC-41114-OLD</iati-identifier>
				<reporting-org ref="XM-DAC-41114" type="40"><narrative>UNDP</narrative></reporting-org>
				<title><narrative>A partner named by its old identifier</narrative></title>
				<participating-org ref="GB-COH-612172" role="4" type="21"><narrative>OXFAM (old registration)</narrative></participating-org>
			</iati-activity></iati-activities>`
		importString(t, c, doc)
		o, err := c.Organisation.Query().Where(organisation.IatiRef("GB-CHC-202918")).WithAliases().Only(system)
		if err != nil {
			t.Fatal(err)
		}
		if n := c.Organisation.Query().Where(organisation.NameEQ("OXFAM (old registration)")).CountX(system); n != 0 {
			t.Errorf("the old identifier made a record of its own")
		}
		implementing, err := c.Participation.Query().Where(participation.OrganisationID(o.ID)).Count(system)
		if err != nil || implementing != 1 {
			t.Errorf("participations of the organisation under its old identifier: %d (%v), want 1", implementing, err)
		}
		if !slices.ContainsFunc(o.Edges.Aliases, func(a *ent.OrganisationAlias) bool {
			return a.Ref != nil && *a.Ref == "GB-COH-612172" && strings.Contains(a.Source, "other-identifier B1")
		}) {
			t.Errorf("aliases %s lack the previous identifier", aliasList(o.Edges.Aliases))
		}
		if again := importString(t, c, doc); again.Unchanged != 2 {
			t.Errorf("again: %+v", again)
		}
	})
}
