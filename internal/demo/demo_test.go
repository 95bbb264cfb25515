package demo

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"entgo.io/ent/dialect/sql/schema"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/agreement"
	"github.com/aidregistry/registry/ent/agreementparty"
	"github.com/aidregistry/registry/ent/area"
	"github.com/aidregistry/registry/ent/contact"
	"github.com/aidregistry/registry/ent/event"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/migrate"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/ent/presence"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/programmecountry"
	"github.com/aidregistry/registry/ent/result"
	"github.com/aidregistry/registry/ent/source"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"

	"github.com/aidregistry/registry/internal/auth"
)

// seeded runs Seed once on a fresh store of every kind.
func seeded(t *testing.T, fn func(t *testing.T, ctx context.Context, c *ent.Client)) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := Seed(ctx, s.Client); err != nil {
			t.Fatalf("Seed: %v", err)
		}
		fn(t, ctx, s.Client)
	})
}

func TestSeedTwiceChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		first, err := Seed(ctx, s.Client)
		if err != nil {
			t.Fatalf("first Seed: %v", err)
		}
		if first.Created == 0 || first.Existing != 0 {
			t.Fatalf("first Seed on an empty store = %+v, want only creations", first)
		}
		before := snapshot(t, s)
		time.Sleep(10 * time.Millisecond) // an update would now move updated_at
		second, err := Seed(ctx, s.Client)
		if err != nil {
			t.Fatalf("second Seed: %v", err)
		}
		if want := (Stats{Existing: first.Created}); second != want {
			t.Errorf("second Seed = %+v, want %+v", second, want)
		}
		after := snapshot(t, s)
		for key, was := range before {
			if now := after[key]; now != was {
				t.Errorf("%s: %s after the first run, %s after the second", key, was, now)
			}
		}
		if len(after) != len(before) {
			t.Errorf("snapshot has %d entries after the second run, %d before", len(after), len(before))
		}
	})
}

// snapshot reads the row count of every table (edge tables included) and
// the updated_at of every row that has one.
func snapshot(t *testing.T, s *store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tbl := range migrate.Tables {
		var n int
		if err := s.DB.QueryRow(fmt.Sprintf(`SELECT COUNT(*) FROM %q`, tbl.Name)).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", tbl.Name, err)
		}
		out[tbl.Name+" rows"] = fmt.Sprint(n)
		if !slices.ContainsFunc(tbl.Columns, func(c *schema.Column) bool { return c.Name == "updated_at" }) {
			continue
		}
		rows, err := s.DB.Query(fmt.Sprintf(`SELECT id, updated_at FROM %q`, tbl.Name))
		if err != nil {
			t.Fatalf("read %s: %v", tbl.Name, err)
		}
		for rows.Next() {
			var id int
			var at any
			if err := rows.Scan(&id, &at); err != nil {
				t.Fatalf("scan %s: %v", tbl.Name, err)
			}
			out[fmt.Sprintf("%s %d updated_at", tbl.Name, id)] = fmt.Sprint(at)
		}
		if err := rows.Close(); err != nil {
			t.Fatalf("read %s: %v", tbl.Name, err)
		}
	}
	return out
}

func TestSeedFailureLeavesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := auth.AsSystem(context.Background())
		// Two organisations under one demo name make its lookup ambiguous,
		// after the sources have been written inside the transaction.
		for range 2 {
			s.Client.Organisation.Create().SetName(worldBank).SetKind(organisation.KindMULTILATERAL).SaveX(ctx)
		}
		if _, err := Seed(ctx, s.Client); err == nil {
			t.Fatal("Seed succeeded with an ambiguous organisation name")
		}
		if n := s.Client.Source.Query().CountX(ctx); n != 0 {
			t.Errorf("a failed Seed left %d sources behind", n)
		}
		if n := s.Client.Organisation.Query().CountX(ctx); n != 2 {
			t.Errorf("a failed Seed left %d organisations, want the 2 the test made", n)
		}
	})
}

func TestS72805(t *testing.T) {
	seeded(t, func(t *testing.T, ctx context.Context, c *ent.Client) {
		p := c.Programme.Query().Where(programme.CodeEQ("S72-805")).
			WithParent().
			WithCountries(func(q *ent.ProgrammeCountryQuery) { q.WithCountry() }).
			OnlyX(ctx)
		got := map[string]string{
			"title":     p.Title,
			"startDate": deref(p.StartDate),
			"endDate":   deref(p.EndDate),
			"status":    derefEnum(p.Status),
			"theme":     deref(p.Theme),
			"coverage":  derefEnum(p.Coverage),
			"region":    deref(p.Region),
			"currency":  deref(p.BudgetCurrency),
			"parent":    p.Edges.Parent.Code,
		}
		if p.BudgetAmount != nil {
			got["amount"] = p.BudgetAmount.String()
		}
		want := map[string]string{
			"title":     "Profiling Malian Nationals Abroad and Enhancing their Expertise for Mali’s Socio-Economic Development",
			"startDate": "2007",
			"endDate":   "2008",
			"status":    "CLOSED",
			"theme":     "Community and Economic Development",
			"coverage":  "NATIONAL",
			"region":    "Africa",
			"amount":    "79929.00",
			"currency":  "USD",
			"parent":    "MIDA",
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s = %q, want %q", k, got[k], w)
			}
		}
		var countries []string
		for _, pc := range p.Edges.Countries {
			if pc.SharePercent != nil {
				t.Errorf("%s has sharePercent %s; no source gives one", pc.Edges.Country.Iso2, pc.SharePercent)
			}
			countries = append(countries, pc.Edges.Country.Iso2+" "+string(pc.Role))
		}
		sort.Strings(countries)
		wantCountries := []string{"CD DIASPORA_HOST", "CI DIASPORA_HOST", "ES DIASPORA_HOST", "FR DIASPORA_HOST", "ML BENEFICIARY"}
		if !slices.Equal(countries, wantCountries) {
			t.Errorf("countries = %v, want %v", countries, wantCountries)
		}
	})
}

func TestEveryRecordCitesASource(t *testing.T) {
	seeded(t, func(t *testing.T, ctx context.Context, c *ent.Client) {
		cases := []struct {
			entity         string
			total, uncited int
		}{
			{"Organisation", c.Organisation.Query().CountX(ctx),
				c.Organisation.Query().Where(organisation.Not(organisation.HasSources())).CountX(ctx)},
			{"Presence", c.Presence.Query().CountX(ctx),
				c.Presence.Query().Where(presence.Not(presence.HasSources())).CountX(ctx)},
			{"Contact", c.Contact.Query().CountX(ctx),
				c.Contact.Query().Where(contact.Not(contact.HasSources())).CountX(ctx)},
			{"Agreement", c.Agreement.Query().CountX(ctx),
				c.Agreement.Query().Where(agreement.Not(agreement.HasSources())).CountX(ctx)},
			{"AgreementParty", c.AgreementParty.Query().CountX(ctx),
				c.AgreementParty.Query().Where(agreementparty.Not(agreementparty.HasSources())).CountX(ctx)},
			{"Programme", c.Programme.Query().CountX(ctx),
				c.Programme.Query().Where(programme.Not(programme.HasSources())).CountX(ctx)},
			{"Participation", c.Participation.Query().CountX(ctx),
				c.Participation.Query().Where(participation.Not(participation.HasSources())).CountX(ctx)},
			{"ProgrammeCountry", c.ProgrammeCountry.Query().CountX(ctx),
				c.ProgrammeCountry.Query().Where(programmecountry.Not(programmecountry.HasSources())).CountX(ctx)},
			{"Result", c.Result.Query().CountX(ctx),
				c.Result.Query().Where(result.Not(result.HasSources())).CountX(ctx)},
			{"Funding", c.Funding.Query().CountX(ctx),
				c.Funding.Query().Where(funding.Not(funding.HasSources())).CountX(ctx)},
			{"Event", c.Event.Query().CountX(ctx),
				c.Event.Query().Where(event.Not(event.HasSources())).CountX(ctx)},
			{"Area", c.Area.Query().CountX(ctx),
				c.Area.Query().Where(area.Not(area.HasSources())).CountX(ctx)},
		}
		for _, tc := range cases {
			if tc.total == 0 {
				t.Errorf("the demo has no %s at all", tc.entity)
			}
			if tc.uncited != 0 {
				t.Errorf("%d of %d %s records cite no source", tc.uncited, tc.total, tc.entity)
			}
		}
		if n := c.Source.Query().CountX(ctx); n != len(sourceFacts) {
			t.Errorf("%d sources, want one per seed file (%d)", n, len(sourceFacts))
		}
	})
}

func TestUNDPFundedIOMImplemented(t *testing.T) {
	role := func(acronym string, r participation.Role) func(*ent.ProgrammeQuery) *ent.ProgrammeQuery {
		return func(q *ent.ProgrammeQuery) *ent.ProgrammeQuery {
			return q.Where(programme.HasParticipationsWith(participation.RoleEQ(r),
				participation.HasOrganisationWith(organisation.AcronymEQ(acronym))))
		}
	}
	cases := []struct {
		name  string
		query func(*ent.Client) *ent.ProgrammeQuery
	}{
		{"by participation roles", func(c *ent.Client) *ent.ProgrammeQuery {
			return role("IOM", participation.RoleIMPLEMENTING)(role("UNDP", participation.RoleFUNDING)(c.Programme.Query()))
		}},
		{"by funding records", func(c *ent.Client) *ent.ProgrammeQuery {
			return role("IOM", participation.RoleIMPLEMENTING)(c.Programme.Query().Where(
				programme.HasFundingsWith(funding.HasFunderWith(organisation.AcronymEQ("UNDP")))))
		}},
	}
	seeded(t, func(t *testing.T, ctx context.Context, c *ent.Client) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ps := tc.query(c).WithCountries(func(q *ent.ProgrammeCountryQuery) {
					q.Where(programmecountry.RoleEQ(programmecountry.RoleBENEFICIARY)).WithCountry().WithAreas()
				}).AllX(ctx)
				if len(ps) != 1 || ps[0].Code != "QUESTS-MIDA" {
					t.Fatalf("programmes = %v, want only QUESTS-MIDA", codes(ps))
				}
				var where []string
				for _, pc := range ps[0].Edges.Countries {
					where = append(where, pc.Edges.Country.Iso2)
					for _, a := range pc.Edges.Areas {
						where = append(where, pc.Edges.Country.Iso2+"/"+a.Name)
					}
				}
				sort.Strings(where)
				if want := []string{"SO", "SO/Puntland", "SO/Somaliland"}; !slices.Equal(where, want) {
					t.Errorf("beneficiaries = %v, want %v", where, want)
				}
			})
		}
	})
}

func TestMIDAChildren(t *testing.T) {
	seeded(t, func(t *testing.T, ctx context.Context, c *ent.Client) {
		children := c.Programme.Query().Where(programme.CodeEQ("MIDA")).QueryChildren().AllX(ctx)
		got := codes(children)
		sort.Strings(got)
		want := []string{"MIDA-GREAT-LAKES", "MIDA-GREAT-LAKES-PILOT", "QUESTS-MIDA", "S72-805"}
		if !slices.Equal(got, want) {
			t.Errorf("MIDA's children = %v, want %v", got, want)
		}
	})
}

// TestLeftOutStaysOut checks facts no source gives are null, not guessed.
func TestLeftOutStaysOut(t *testing.T) {
	seeded(t, func(t *testing.T, ctx context.Context, c *ent.Client) {
		cases := []struct {
			what string
			n    int
		}{
			{"agreements with a status or signing date",
				c.Agreement.Query().Where(agreement.Or(agreement.StatusNotNil(), agreement.SignedOnNotNil())).CountX(ctx)},
			{"events with a date",
				c.Event.Query().Where(event.Or(event.StartsOnNotNil(), event.EndsOnNotNil())).CountX(ctx)},
			{"organisations with an IATI ref or website",
				c.Organisation.Query().Where(organisation.Or(organisation.IatiRefNotNil(), organisation.WebsiteNotNil())).CountX(ctx)},
			{"fundings with a value, kind or date",
				c.Funding.Query().Where(funding.Or(funding.ValueAmountNotNil(), funding.KindNotNil(), funding.DateNotNil())).CountX(ctx)},
			{"sources with a URL or publication date",
				c.Source.Query().Where(source.Or(source.URLNotNil(), source.PublishedOnNotNil())).CountX(ctx)},
		}
		for _, tc := range cases {
			if tc.n != 0 {
				t.Errorf("%d %s; no source gives one", tc.n, tc.what)
			}
		}
	})
}

func codes(ps []*ent.Programme) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Code
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefEnum[T ~string](v *T) string {
	if v == nil {
		return ""
	}
	return string(*v)
}
