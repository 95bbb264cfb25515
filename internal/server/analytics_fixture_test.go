package server_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/country"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/programmecountry"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/money"
	"github.com/aidregistry/registry/internal/rates"
)

// The analytics fixture: the demo data names no sums, so these programmes
// and fundings, added beside it, carry mixed currencies, missing values,
// inferred funders, shared and unshared countries and amounts no float can
// add. Every expected answer is computed from these tables in Go, by the
// rules graph/analytics.graphql documents, independently of the SQL.

type fxCountry struct{ iso2, share string } // share "" when none

type fxParticipant struct{ org, role string }

type fxProgramme struct {
	code                         string
	countries                    []fxCountry
	participants                 []fxParticipant
	status, region, theme, start string
	budget, budgetCur            string
}

type fxFunding struct {
	prog, funder, recipient string // acronyms; "" for none
	amount, cur             string // "" for no value
	date, kind              string
}

var fxOrgs = []string{"FXA", "FXB", "FXR"}

var fxProgrammes = []fxProgramme{
	{code: "FX-SHARED", countries: []fxCountry{{"SO", "60"}, {"KE", "40"}},
		participants: []fxParticipant{{"FXA", "FUNDING"}, {"FXA", "IMPLEMENTING"}},
		status:       "IMPLEMENTATION", region: "Africa", theme: "Health", start: "2019-05", budget: "5000.00", budgetCur: "USD"},
	{code: "FX-FULL", countries: []fxCountry{{"SO", ""}, {"ET", ""}},
		participants: []fxParticipant{{"FXA", "FUNDING"}, {"FXB", "FUNDING"}},
		status:       "IMPLEMENTATION", region: "Africa", theme: "Health", start: "2020", budget: "1200", budgetCur: "EUR"},
	{code: "FX-NOCOUNTRY",
		participants: []fxParticipant{{"FXB", "FUNDING"}},
		status:       "CLOSED", start: "2019"},
	{code: "FX-MIXED", countries: []fxCountry{{"SO", "50"}, {"ML", ""}},
		participants: []fxParticipant{{"FXB", "IMPLEMENTING"}},
		status:       "PIPELINE", region: "Africa", theme: "Education", start: "2021-01-15", budget: "999.999", budgetCur: "KWD"},
}

var fxFundings = []fxFunding{
	{"FX-SHARED", "FXA", "FXR", "1000.00", "USD", "2020", "DISBURSEMENT"},
	{"FX-SHARED", "FXB", "", "250.50", "EUR", "2021-03", "COMMITMENT"},
	{"FX-SHARED", "", "", "99.99", "USD", "2021", "DISBURSEMENT"}, // funder: FXA, the one FUNDING participant
	{"FX-SHARED", "FXA", "", "", "", "2020", "COMMITMENT"},        // no value
	{"FX-FULL", "FXA", "FXR", "300", "USD", "2020-06-01", "DISBURSEMENT"},
	{"FX-FULL", "", "", "0.10", "USD", "2021", "DISBURSEMENT"}, // two FUNDING participants: no funder
	{"FX-FULL", "FXB", "", "0.20", "USD", "2021", "DISBURSEMENT"},
	{"FX-NOCOUNTRY", "", "FXR", "1234.56", "GBP", "", "INCOMING_FUNDS"}, // funder: FXB; undated
	{"FX-NOCOUNTRY", "FXA", "", "5000", "JPY", "2019", "PLEDGE"},
	{"FX-MIXED", "FXB", "", "333.33", "EUR", "2020", "EXPENDITURE"},
	{"FX-NOCOUNTRY", "FXB", "", "12345678901234567.89", "USD", "2022", "DISBURSEMENT"},
	{"FX-NOCOUNTRY", "FXB", "", "0.01", "USD", "2022-12-31", "DISBURSEMENT"},
	{"FX-MIXED", "", "", "", "", "", ""}, // nothing known but the programme
}

var fxRates = []rates.Rate{
	{Currency: "EUR", To: "USD", Rate: money.MustParse("1.10"), Date: "2020", Source: "test table"},
	{Currency: "EUR", To: "USD", Rate: money.MustParse("1.2"), Date: "2021", Source: "test table"},
	{Currency: "GBP", To: "USD", Rate: money.MustParse("1.2345"), Date: "2019", Source: "test table"},
	{Currency: "GBP", To: "USD", Rate: money.MustParse("1.3"), Date: "2018-06", Source: "test table"},
	{Currency: "USD", To: "EUR", Rate: money.MustParse("0.9"), Date: "2020", Source: "test table"},
}

// loadFixture writes the fixture through ent (every hook runs) and the
// rate table through the rates loader.
func loadFixture(t testing.TB, c *ent.Client) {
	t.Helper()
	ctx := auth.AsSystem(context.Background())
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	orgs := map[string]int{}
	for _, a := range fxOrgs {
		o, err := c.Organisation.Create().SetName("Fixture organisation " + a).SetAcronym(a).
			SetKind(organisation.KindFOUNDATION).Save(ctx)
		must(err)
		orgs[a] = o.ID
	}
	progs := map[string]int{}
	for _, p := range fxProgrammes {
		cr := c.Programme.Create().SetCode(p.code).SetTitle("Fixture " + p.code).
			SetStatus(programme.Status(p.status)).SetNillableRegion(fxOpt(p.region)).
			SetNillableTheme(fxOpt(p.theme)).SetStartDate(p.start)
		if p.budget != "" {
			cr.SetBudgetAmount(money.MustParse(p.budget)).SetBudgetCurrency(p.budgetCur)
		}
		pr, err := cr.Save(ctx)
		must(err)
		progs[p.code] = pr.ID
		for _, pc := range p.countries {
			cid, err := c.Country.Query().Where(country.Iso2(pc.iso2)).OnlyID(ctx)
			must(err)
			cr := c.ProgrammeCountry.Create().SetProgrammeID(pr.ID).SetCountryID(cid).SetRole(programmecountry.RoleBENEFICIARY)
			if pc.share != "" {
				cr.SetSharePercent(money.MustParse(pc.share))
			}
			must(cr.Exec(ctx))
		}
		for _, pa := range p.participants {
			must(c.Participation.Create().SetProgrammeID(pr.ID).SetOrganisationID(orgs[pa.org]).
				SetRole(participation.Role(pa.role)).Exec(ctx))
		}
	}
	for _, f := range fxFundings {
		must(fxCreateFunding(ctx, c, f, progs, orgs))
	}
	if _, err := rates.Load(ctx, c, fxRates); err != nil {
		t.Fatal(err)
	}
}

func fxCreateFunding(ctx context.Context, c *ent.Client, f fxFunding, progs, orgs map[string]int) error {
	cr := c.Funding.Create().SetProgrammeID(progs[f.prog]).SetNillableDate(fxOpt(f.date))
	if f.funder != "" {
		cr.SetFunderID(orgs[f.funder])
	}
	if f.recipient != "" {
		cr.SetRecipientID(orgs[f.recipient])
	}
	if f.amount != "" {
		cr.SetValueAmount(money.MustParse(f.amount)).SetValueCurrency(f.cur)
	}
	if f.kind != "" {
		cr.SetKind(funding.Kind(f.kind))
	}
	return cr.Exec(ctx)
}

func fxOpt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func fxProgrammeByCode(code string) fxProgramme {
	for _, p := range fxProgrammes {
		if p.code == code {
			return p
		}
	}
	panic("no fixture programme " + code)
}

// bucketKey names a bucket by every key field, "-" for null, in the shape
// both the expectation and the decoded answer can build.
type bucketKey struct {
	funder, rule, recipient, programme, country, split, year, kind, currency string
}

func (k bucketKey) String() string {
	return strings.Join([]string{k.funder, k.rule, k.recipient, k.programme, k.country, k.split, k.year, k.kind, k.currency}, "|")
}

type expBucket struct {
	count   int
	totals  map[string]decimal.Decimal
	missing bool
}

// expectFunding applies the documented rules to the fixture.
func expectFunding(groupBy []string, in string) map[string]*expBucket {
	has := func(d string) bool { return slices.Contains(groupBy, d) }
	out := map[string]*expBucket{}
	for _, f := range fxFundings {
		p := fxProgrammeByCode(f.prog)
		var k bucketKey
		k.funder, k.rule, k.recipient, k.programme, k.country, k.split, k.year, k.kind, k.currency = "-", "-", "-", "-", "-", "-", "-", "-", "-"
		if has("FUNDER") {
			var funders []string
			for _, pa := range p.participants {
				if pa.role == "FUNDING" {
					funders = append(funders, pa.org)
				}
			}
			switch {
			case f.funder != "":
				k.funder, k.rule = f.funder, "OWN"
			case len(funders) == 1:
				k.funder, k.rule = funders[0], "PROGRAMME_FUNDING_PARTICIPANT"
			}
		}
		if has("RECIPIENT") && f.recipient != "" {
			k.recipient = f.recipient
		}
		if has("PROGRAMME") {
			k.programme = f.prog
		}
		if has("YEAR") && f.date != "" {
			k.year = f.date[:4]
		}
		if has("KIND") && f.kind != "" {
			k.kind = f.kind
		}
		if has("CURRENCY") && f.amount != "" {
			k.currency = f.cur
		}
		type part struct {
			iso2, split string
			factor      decimal.Decimal
		}
		parts := []part{{"-", "-", decimal.NewFromInt(1)}}
		if has("COUNTRY") {
			parts = []part{{"-", "FULL", decimal.NewFromInt(1)}}
			if len(p.countries) > 0 {
				parts = nil
			}
			for _, c := range p.countries {
				if c.share == "" {
					parts = append(parts, part{c.iso2, "FULL", decimal.NewFromInt(1)})
				} else {
					parts = append(parts, part{c.iso2, "SHARES", decimal.RequireFromString(c.share).Div(decimal.NewFromInt(100))})
				}
			}
		}
		for _, pt := range parts {
			kk := k
			kk.country, kk.split = pt.iso2, pt.split
			b := out[kk.String()]
			if b == nil {
				b = &expBucket{totals: map[string]decimal.Decimal{}}
				out[kk.String()] = b
			}
			b.count++
			if f.amount == "" {
				continue
			}
			amount := decimal.RequireFromString(f.amount).Mul(pt.factor)
			cur := f.cur
			if in != "" && cur != in {
				if rate, ok := fxRateFor(cur, in, f.date); ok {
					amount, cur = amount.Mul(rate), in
				} else {
					b.missing = true
				}
			}
			b.totals[cur] = b.totals[cur].Add(amount)
		}
	}
	return out
}

// fxRateFor: the latest rate dated on or before the date (any, undated).
func fxRateFor(from, to, date string) (decimal.Decimal, bool) {
	best := ""
	var rate decimal.Decimal
	for _, r := range fxRates {
		if r.Currency != from || r.To != to || (date != "" && r.Date > date) {
			continue
		}
		if best == "" || r.Date > best {
			best, rate = r.Date, r.Rate.Decimal()
		}
	}
	return rate, best != ""
}

type fxProgrammeKey struct {
	status, theme, country, region, startYear, organisation, role string
}

// expectProgrammes applies programmeSummary's rules to the fixture
// programmes: a programme counts once per distinct key combination.
func expectProgrammes(groupBy []string) map[string]*expBucket {
	has := func(d string) bool { return slices.Contains(groupBy, d) }
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	out := map[string]*expBucket{}
	for _, p := range fxProgrammes {
		base := fxProgrammeKey{"-", "-", "-", "-", "-", "-", "-"}
		if has("STATUS") {
			base.status = dash(p.status)
		}
		if has("THEME") {
			base.theme = dash(p.theme)
		}
		if has("REGION") {
			base.region = dash(p.region)
		}
		if has("START_YEAR") && p.start != "" {
			base.startYear = p.start[:4]
		}
		countries := []string{"-"}
		if has("COUNTRY") && len(p.countries) > 0 {
			countries = nil
			for _, c := range p.countries {
				countries = append(countries, c.iso2)
			}
		}
		parts := []fxParticipant{{"-", "-"}}
		if (has("ORGANISATION") || has("ROLE")) && len(p.participants) > 0 {
			parts = nil
			for _, pa := range p.participants {
				x := fxParticipant{"-", "-"}
				if has("ORGANISATION") {
					x.org = pa.org
				}
				if has("ROLE") {
					x.role = pa.role
				}
				if !slices.Contains(parts, x) {
					parts = append(parts, x)
				}
			}
		}
		for _, c := range countries {
			for _, pa := range parts {
				k := base
				k.country, k.organisation, k.role = c, pa.org, pa.role
				ks := fmt.Sprint(k)
				b := out[ks]
				if b == nil {
					b = &expBucket{totals: map[string]decimal.Decimal{}}
					out[ks] = b
				}
				b.count++
				if p.budget != "" {
					b.totals[p.budgetCur] = b.totals[p.budgetCur].Add(decimal.RequireFromString(p.budget))
				}
			}
		}
	}
	return out
}

// wantText is how a total must read: exact, trailing zeros dropped but at
// least the currency's minor digits kept.
func wantText(d decimal.Decimal, cur string) string {
	s := d.String()
	scale := 0
	if i := strings.Index(s, "."); i >= 0 {
		scale = len(s) - i - 1
	}
	minor, _ := money.MinorDigits(cur)
	return d.StringFixed(int32(max(scale, minor)))
}

type moneyJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// compareBuckets checks answered buckets against expected ones: the same
// keys, counts, flags, and totals to the last digit, in currency order.
func compareBuckets(t *testing.T, got map[string]*expBucket, gotText map[string][]moneyJSON, want map[string]*expBucket) {
	t.Helper()
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if want[k] == nil {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		g, w := got[k], want[k]
		switch {
		case g == nil:
			t.Errorf("bucket %s missing (want count %d, totals %v)", k, w.count, w.totals)
			continue
		case w == nil:
			t.Errorf("unexpected bucket %s (count %d, totals %v)", k, g.count, gotText[k])
			continue
		}
		if g.count != w.count || g.missing != w.missing {
			t.Errorf("bucket %s: count %d rateMissing %v, want %d %v", k, g.count, g.missing, w.count, w.missing)
		}
		var wantTotals []moneyJSON
		for cur, amount := range w.totals {
			wantTotals = append(wantTotals, moneyJSON{wantText(amount, cur), cur})
		}
		sort.Slice(wantTotals, func(i, j int) bool { return wantTotals[i].Currency < wantTotals[j].Currency })
		if fmt.Sprint(gotText[k]) != fmt.Sprint(wantTotals) {
			t.Errorf("bucket %s: totals %v, want %v", k, gotText[k], wantTotals)
		}
	}
}
