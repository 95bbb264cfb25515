package interchange_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/programmecountry"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/gid"
	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/interchange"
	"github.com/aidregistry/registry/internal/money"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// registryRecords adds records made in the registry itself, not imported:
// partial dates, a PARTNER, a diaspora host, a funding without a value, a
// source that is a file, and a parent with a child.
func registryRecords(t testing.TB, c *ent.Client) {
	t.Helper()
	ctx := system
	ioms, err := c.Organisation.Query().Where(organisation.IatiRef("XM-DAC-47066")).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	unitar := c.Organisation.Create().SetName("United Nations Institute for Training and Research").
		SetAcronym("UNITAR").SetKind(organisation.KindMULTILATERAL).SaveX(ctx)
	file := c.Source.Create().SetTitle("MIDA brochure").SetFileName("mida-brochure.pdf").SaveX(ctx)
	web := c.Source.Create().SetTitle("QUESTS-MIDA page").SetURL("https://example.org/quests?lang=en&x=1").SetPublishedOn("2009-04").SaveX(ctx)
	parent := c.Programme.Create().SetCode("REG-PARENT").SetTitle("A registry programme").
		SetStatus(programme.StatusCLOSED).SetStartDate("2007").SetEndDate("2009-04").
		SetBudgetAmount(money.MustParse("79929.00")).SetBudgetCurrency("USD").
		AddSourceIDs(file.ID, web.ID).SaveX(ctx)
	child := c.Programme.Create().SetCode("REG-CHILD").SetTitle("Its child").SetDescription("Known to the day.").
		SetStatus(programme.StatusPIPELINE).SetStartDate("2027-03-01").SetParentID(parent.ID).SaveX(ctx)
	for _, p := range []struct {
		prog, org int
		role      participation.Role
	}{{parent.ID, ioms.ID, participation.RoleIMPLEMENTING}, {parent.ID, unitar.ID, participation.RolePARTNER},
		{child.ID, unitar.ID, participation.RoleFUNDING}} {
		c.Participation.Create().SetProgrammeID(p.prog).SetOrganisationID(p.org).SetRole(p.role).ExecX(ctx)
	}
	so := c.Country.Query().Where().AllX(ctx)
	iso := map[string]int{}
	for _, x := range so {
		iso[x.Iso2] = x.ID
	}
	c.ProgrammeCountry.Create().SetProgrammeID(parent.ID).SetCountryID(iso["SO"]).SetRole(programmecountry.RoleBENEFICIARY).
		SetSharePercent(money.MustParse("80")).ExecX(ctx)
	c.ProgrammeCountry.Create().SetProgrammeID(parent.ID).SetCountryID(iso["GB"]).SetRole(programmecountry.RoleDIASPORA_HOST).ExecX(ctx)
	c.Funding.Create().SetProgrammeID(parent.ID).SetFunderID(unitar.ID).SetKind(funding.KindDISBURSEMENT).
		SetDate("2008").SetValueAmount(money.MustParse("1000.00")).SetValueCurrency("USD").ExecX(ctx)
	c.Funding.Create().SetProgrammeID(parent.ID).SetFunderID(unitar.ID).SetKind(funding.KindPLEDGE).SetNote("No sum named").ExecX(ctx)
	c.Contact.Create().SetProgrammeID(parent.ID).SetEmail("only@example.org").ExecX(ctx)
	// No status: IATI cannot take it.
	c.Programme.Create().SetCode("REG-NO-STATUS").SetTitle("Undated idea").ExecX(ctx)
}

func TestExportValidatesAndRoundTrips(t *testing.T) {
	dir := sharedIATI(t)
	for _, kind := range storetest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			a := openWithCountries(t, kind)
			importFile(t, a.Client, filepath.Join(dir, "examples", "activity-standard-example-annotated-203.xml"))
			importFile(t, a.Client, filepath.Join(dir, "examples", "spain-maec-indonesia-2.01.xml"))
			importFile(t, a.Client, "testdata/elements.xml")
			registryRecords(t, a.Client)

			// Without a publisher, REG-CHILD has no one to report it: its
			// only organisation has no IATI identifier.
			_, res := exportIATI(t, a.Client, interchange.IATIOptions{})
			if !slices.ContainsFunc(res.Skipped, func(s interchange.Skip) bool {
				return s.Record == "REG-CHILD" && strings.Contains(s.Reason, "reporting-org")
			}) {
				t.Errorf("REG-CHILD should be left out for want of a reporting-org: %v", res.Skipped)
			}
			publisher := &iati.ReportingOrg{Ref: "XI-IATI-REGISTRY", Type: "90", Name: []iati.Narrative{{Text: "The registry"}}}
			first, res := exportIATI(t, a.Client, interchange.IATIOptions{Publisher: publisher})
			validate(t, first)
			programmes := a.Client.Programme.Query().CountX(context.Background())
			var left []string
			for _, s := range res.Skipped {
				if s.Element == "iati-activity" {
					left = append(left, s.Record)
				}
			}
			slices.Sort(left)
			// No status: the one made without one. (An imported activity is
			// written as published, valid or not: malformed.xml's are not
			// here, since this export must validate.)
			if want := []string{"REG-NO-STATUS"}; !slices.Equal(left, want) {
				t.Errorf("left out %v, want %v (%v)", left, want, res.Skipped)
			}
			if res.Written != programmes-len(left) {
				t.Errorf("%d written of %d programmes", res.Written, programmes)
			}

			// Into an empty store, and out again: the same document.
			b := openWithCountries(t, kind)
			sum, err := interchange.Import(system, b.Client, bytes.NewReader(first), interchange.Options{})
			if err != nil || sum.Created != res.Written || len(sum.Skipped) != 0 {
				t.Fatalf("import of the export: %v %+v", err, sum)
			}
			second, _ := exportIATI(t, b.Client, interchange.IATIOptions{Publisher: publisher})
			if !bytes.Equal(first, second) {
				t.Errorf("export → import → export differs:\n%s", firstDifference(first, second))
			}
			// Dates kept their precision through IATI's days.
			p := loadProgramme(t, b.Client, "REG-PARENT")
			if str(p.StartDate) != "2007" || str(p.EndDate) != "2009-04" || p.Edges.Parent != nil {
				t.Errorf("REG-PARENT in the second store: %s to %s", str(p.StartDate), str(p.EndDate))
			}
			if c := loadProgramme(t, b.Client, "REG-CHILD"); c.Edges.Parent == nil || c.Edges.Parent.Code != "REG-PARENT" {
				t.Errorf("REG-CHILD lost its parent")
			}
		})
	}
}

func openWithCountries(t *testing.T, kind storetest.Kind) *store.Store {
	t.Helper()
	st := storetest.Open(t, kind)
	if err := loadCountries(st); err != nil {
		t.Fatal(err)
	}
	return st
}

func firstDifference(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < min(len(al), len(bl)); i++ {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "lengths " + itoa(len(al)) + " and " + itoa(len(bl))
}

func TestExportFiltersLikeGraphQL(t *testing.T) {
	each(t, func(t *testing.T, st *store.Store) {
		c := st.Client
		importFile(t, c, "testdata/elements.xml")
		where, err := interchange.ParseWhere[ent.ProgrammeWhereInput](`{"hasParticipationsWith": [{"role": "FUNDING",
			"hasOrganisationWith": [{"iatiRef": "XM-DAC-2-10"}]}]}`)
		if err != nil {
			t.Fatal(err)
		}
		doc, res := exportIATI(t, c, interchange.IATIOptions{Where: where})
		if res.Written != 1 || !bytes.Contains(doc, []byte(greatLakes)) || bytes.Contains(doc, []byte("<iati-identifier>"+mida+"<")) {
			t.Errorf("filtered export wrote %d: %s", res.Written, doc)
		}
	})
}

func TestExportTables(t *testing.T) {
	each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := st.Client
		importFile(t, c, "testdata/elements.xml")
		gl := loadProgramme(t, c, greatLakes)

		var buf bytes.Buffer
		if err := interchange.ExportTable(ctx, c, &buf, interchange.Programmes, interchange.CSV, interchange.TableOptions{}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], interchange.Columns[interchange.Programmes]) || len(rows) != 3 {
			t.Fatalf("header %v, %d rows", rows[0], len(rows))
		}
		row := map[string]string{}
		for i, col := range rows[1] {
			row[col] = rows[1][i]
			row[rows[0][i]] = rows[1][i]
		}
		for col, want := range map[string]string{
			"id": gid.Encode(gl.ID), "code": greatLakes, "budgetAmount": "200000.50", "parent": mida,
			"countries":      "BENEFICIARY:BI:24.5;BENEFICIARY:CD:40;BENEFICIARY:RW:35.5",
			"participations": "ACCOUNTABLE:XM-DAC-47066;EXTENDING:Ministry of Planning, Rwanda;FUNDING:XM-DAC-2-10;IMPLEMENTING:Local Partner Association;IMPLEMENTING:XM-DAC-47066",
		} {
			if row[col] != want {
				t.Errorf("%s: %q, want %q", col, row[col], want)
			}
		}

		buf.Reset()
		where := `{"kind": "DISBURSEMENT", "programmeIDIn": null}`
		err = interchange.ExportTable(ctx, c, &buf, interchange.Fundings, interchange.NDJSON, interchange.TableOptions{Where: where})
		var ae *apperr.Error
		if !asAppErr(err, &ae) || ae.Code != apperr.BadUserInput {
			t.Errorf("an unknown where field: %v, want BAD_USER_INPUT", err)
		}
		buf.Reset()
		where = `{"kind": "DISBURSEMENT", "hasProgrammeWith": [{"id": "` + gid.Encode(gl.ID) + `"}]}`
		if err := interchange.ExportTable(ctx, c, &buf, interchange.Fundings, interchange.NDJSON, interchange.TableOptions{Where: where}); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(&buf)
		var lines []map[string]any
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			lines = append(lines, m)
		}
		if len(lines) != 2 {
			t.Fatalf("%d disbursements, want 2: %v", len(lines), lines)
		}
		for _, m := range lines {
			if m["programme"] != greatLakes || m["kind"] != "DISBURSEMENT" || m["funder"] != nil {
				t.Errorf("line %v", m)
			}
		}
	})
}

func TestParseWhere(t *testing.T) {
	start, _ := ent.NodeTypeStart("Organisation")
	id := gid.Encode(start + 5)
	w, err := interchange.ParseWhere[ent.OrganisationWhereInput](`{"or": [{"acronym": "IOM"}, {"idIn": ["` + id + `"]}]}`)
	if err != nil {
		t.Fatalf("id %s: %v", id, err)
	}
	if len(w.Or) != 2 || !slices.Equal(w.Or[1].IDIn, []int{start + 5}) || *w.Or[0].Acronym != "IOM" {
		t.Errorf("parsed %+v", w)
	}
	for _, bad := range []string{`[]`, `{"nope": 1}`, `{"id": "not-an-id"}`, `{"hasParticipationsWith": {"role": 5}}`, `{`} {
		if _, err := interchange.ParseWhere[ent.OrganisationWhereInput](bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	// As in GraphQL, one value stands for a list of one.
	w2, err := interchange.ParseWhere[ent.ProgrammeWhereInput](`{"hasParticipationsWith": {"role": "FUNDING", "hasOrganisationWith": {"idIn": "` + id + `"}}}`)
	if err != nil || len(w2.HasParticipationsWith) != 1 || len(w2.HasParticipationsWith[0].HasOrganisationWith[0].IDIn) != 1 {
		t.Errorf("single values for lists: %v %+v", err, w2)
	}
	if w, err := interchange.ParseWhere[ent.OrganisationWhereInput](" "); w != nil || err != nil {
		t.Errorf("empty: %v %v", w, err)
	}
}
