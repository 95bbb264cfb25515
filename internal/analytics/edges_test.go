package analytics

import (
	"context"
	"slices"
	"testing"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/country"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/predicate"
	"github.com/aidregistry/registry/ent/programmecountry"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/demo"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// TestFundingEdgesMatchEnt: the id-set form of a where input finds exactly
// the fundings ent's EXISTS form finds, on both stores, for the inputs it
// rewrites; the inputs it does not rewrite keep ent's predicate.
func TestFundingEdgesMatchEnt(t *testing.T) {
	so, ke := "SO", "KE"
	beneficiary := programmecountry.RoleBENEFICIARY
	grant := funding.KindCOMMITMENT
	in := func(w ...*ent.CountryWhereInput) []*ent.ProgrammeWhereInput {
		return []*ent.ProgrammeWhereInput{{HasCountriesWith: []*ent.ProgrammeCountryWhereInput{{HasCountryWith: w}}}}
	}
	cases := []struct {
		name      string
		where     *ent.FundingWhereInput
		rewritten bool
		nonEmpty  bool // the demo data has matching fundings, so a wrong set shows
	}{
		{"benchmark Q4: programmes in Somalia",
			&ent.FundingWhereInput{HasProgrammeWith: in(&ent.CountryWhereInput{Iso2: &so})}, true, true},
		{"two conditions on the one country",
			&ent.FundingWhereInput{HasProgrammeWith: in(&ent.CountryWhereInput{Iso2In: []string{so, ke}},
				&ent.CountryWhereInput{Iso2: &ke})}, true, true},
		{"a condition on the link row and on the funding",
			&ent.FundingWhereInput{Kind: &grant, HasProgrammeWith: []*ent.ProgrammeWhereInput{{HasCountriesWith: []*ent.ProgrammeCountryWhereInput{
				{Role: &beneficiary, HasCountryWith: []*ent.CountryWhereInput{{Iso2: &ke}}}}}}}, true, true},
		{"two link conditions hold on one link row, not on two",
			&ent.FundingWhereInput{HasProgrammeWith: []*ent.ProgrammeWhereInput{{HasCountriesWith: []*ent.ProgrammeCountryWhereInput{
				{Role: &beneficiary}, {HasCountryWith: []*ent.CountryWhereInput{{Iso2: &ke}}}}}}}, true, true},
		{"a programme condition beside the countries",
			&ent.FundingWhereInput{HasProgrammeWith: []*ent.ProgrammeWhereInput{{CodeNEQ: new("NO-SUCH-CODE"),
				HasCountriesWith: []*ent.ProgrammeCountryWhereInput{{HasCountryWith: []*ent.CountryWhereInput{{Iso2: &so}}}}}}}, true, true},
		{"two programme items, each its own link row",
			&ent.FundingWhereInput{HasProgrammeWith: append(in(&ent.CountryWhereInput{Iso2: &so}),
				in(&ent.CountryWhereInput{Iso2: &ke})...)}, true, true},
		{"a programme condition alone",
			&ent.FundingWhereInput{HasProgrammeWith: []*ent.ProgrammeWhereInput{{CodeNEQ: new("NO-SUCH-CODE")}}}, true, true},
		{"no edge condition: ent's predicate",
			&ent.FundingWhereInput{Kind: &grant}, false, true},
		{"the edge condition under not: ent's predicate",
			&ent.FundingWhereInput{Not: &ent.FundingWhereInput{HasProgrammeWith: in(&ent.CountryWhereInput{Iso2: &so})}}, false, true},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := auth.AsSystem(context.Background())
		seedEdges(ctx, t, st.Client)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p, err := c.where.P()
				if err != nil {
					t.Fatal(err)
				}
				want := fundingIDs(ctx, t, st.Client, p)
				if c.nonEmpty && len(want) == 0 {
					t.Fatal("ent finds no funding: the case tests nothing")
				}
				edges := fundingEdges(st.Dialect, c.where)
				if (edges != nil) != c.rewritten {
					t.Fatalf("rewritten %v, want %v", edges != nil, c.rewritten)
				}
				if edges == nil {
					return
				}
				if got := fundingIDs(ctx, t, st.Client, edges); !slices.Equal(got, want) {
					t.Errorf("id sets find %v, ent %v", got, want)
				}
			})
		}
	})
}

// edgeProgrammes: where each programme is (iso2, role), and each gets a
// commitment and a disbursement.
var edgeProgrammes = []struct {
	code      string
	countries [][2]string
}{
	{"EDGE-1", [][2]string{{"SO", "BENEFICIARY"}, {"KE", "DIASPORA_HOST"}}},
	{"EDGE-2", [][2]string{{"KE", "BENEFICIARY"}}},
	{"EDGE-3", [][2]string{{"SO", "BENEFICIARY"}, {"KE", "BENEFICIARY"}}},
	{"EDGE-4", nil},
}

func seedEdges(ctx context.Context, t *testing.T, c *ent.Client) {
	t.Helper()
	if _, err := demo.Seed(ctx, c); err != nil { // the countries
		t.Fatal(err)
	}
	for _, p := range edgeProgrammes {
		pr, err := c.Programme.Create().SetCode(p.code).SetTitle("Edge " + p.code).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, pc := range p.countries {
			id, err := c.Country.Query().Where(country.Iso2(pc[0])).OnlyID(ctx)
			if err == nil {
				err = c.ProgrammeCountry.Create().SetProgrammeID(pr.ID).SetCountryID(id).SetRole(programmecountry.Role(pc[1])).Exec(ctx)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, k := range []funding.Kind{funding.KindCOMMITMENT, funding.KindDISBURSEMENT} {
			if err := c.Funding.Create().SetProgrammeID(pr.ID).SetKind(k).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func fundingIDs[P ~func(*entsql.Selector)](ctx context.Context, t *testing.T, c *ent.Client, p P) []int {
	t.Helper()
	ids, err := c.Funding.Query().Where(predicate.Funding(p)).Order(funding.ByID()).IDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}
