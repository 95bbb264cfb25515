package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/shopspring/decimal"

	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/internal/auth"
)

const fundingSummaryQuery = `query($where: FundingWhereInput, $groupBy: [FundingDimension!]!, $in: String) {
  fundingSummary(where: $where, groupBy: $groupBy, in: $in) {
    funder { acronym } funderRule recipient { acronym } programme { code }
    country { iso2 } split year kind currency
    count totals { amount currency } rateMissing
  }
}`

type fundingBucketJSON struct {
	Funder *struct {
		Acronym string `json:"acronym"`
	} `json:"funder"`
	FunderRule *string `json:"funderRule"`
	Recipient  *struct {
		Acronym string `json:"acronym"`
	} `json:"recipient"`
	Programme *struct {
		Code string `json:"code"`
	} `json:"programme"`
	Country *struct {
		Iso2 string `json:"iso2"`
	} `json:"country"`
	Split       *string     `json:"split"`
	Year        *int        `json:"year"`
	Kind        *string     `json:"kind"`
	Currency    *string     `json:"currency"`
	Count       int         `json:"count"`
	Totals      []moneyJSON `json:"totals"`
	RateMissing bool        `json:"rateMissing"`
}

func (b fundingBucketJSON) key() string {
	str := func(s *string) string {
		if s == nil {
			return "-"
		}
		return *s
	}
	k := bucketKey{"-", str(b.FunderRule), "-", "-", "-", str(b.Split), "-", str(b.Kind), str(b.Currency)}
	if b.Funder != nil {
		k.funder = b.Funder.Acronym
	}
	if b.Recipient != nil {
		k.recipient = b.Recipient.Acronym
	}
	if b.Programme != nil {
		k.programme = b.Programme.Code
	}
	if b.Country != nil {
		k.country = b.Country.Iso2
	}
	if b.Year != nil {
		k.year = strconv.Itoa(*b.Year)
	}
	return k.String()
}

// fixtureOnly keeps the demo's fundings (which name no sums) out.
var fixtureOnly = map[string]any{"hasProgrammeWith": []any{map[string]any{"codeHasPrefix": "FX-"}}}

func fundingSummary(t *testing.T, r *registry, where map[string]any, groupBy []string, in string) []fundingBucketJSON {
	t.Helper()
	vars := map[string]any{"where": where, "groupBy": groupBy}
	if in != "" {
		vars["in"] = in
	}
	var data struct {
		FundingSummary []fundingBucketJSON `json:"fundingSummary"`
	}
	r.mustData(t, fundingSummaryQuery, vars, &data)
	return data.FundingSummary
}

// TestFundingSummaryMatchesIndependentSums: for every way of grouping, with
// and without conversion, each bucket's count and exact totals are those a
// plain Go computation over the fixture gives by the documented rules.
func TestFundingSummaryMatchesIndependentSums(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		loadFixture(t, r.Store.Client)
		cases := []struct {
			name    string
			groupBy []string
			in      string
		}{
			{"by funder, own or inferred", []string{"FUNDER"}, ""},
			{"by beneficiary country, split by shares", []string{"COUNTRY"}, ""},
			{"by funder and country", []string{"FUNDER", "COUNTRY"}, ""},
			{"by country and funder, keys in the other order", []string{"COUNTRY", "FUNDER"}, ""},
			{"by year and currency", []string{"YEAR", "CURRENCY"}, ""},
			{"by kind and recipient", []string{"KIND", "RECIPIENT"}, ""},
			{"by programme", []string{"PROGRAMME"}, ""},
			{"every dimension at once", []string{"FUNDER", "RECIPIENT", "PROGRAMME", "COUNTRY", "YEAR", "KIND", "CURRENCY"}, ""},
			{"by funder in USD", []string{"FUNDER"}, "USD"},
			{"by country and year in USD", []string{"COUNTRY", "YEAR"}, "USD"},
			{"by currency in EUR, most rates missing", []string{"CURRENCY"}, "EUR"},
			{"by programme in JPY, no rate at all", []string{"PROGRAMME"}, "JPY"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				buckets := fundingSummary(t, r, fixtureOnly, c.groupBy, c.in)
				got := map[string]*expBucket{}
				gotText := map[string][]moneyJSON{}
				for _, b := range buckets {
					k := b.key()
					if got[k] != nil {
						t.Errorf("bucket %s answered twice", k)
					}
					eb := &expBucket{count: b.Count, missing: b.RateMissing, totals: map[string]decimal.Decimal{}}
					for _, m := range b.Totals {
						eb.totals[m.Currency] = decimal.RequireFromString(m.Amount)
					}
					got[k], gotText[k] = eb, b.Totals
				}
				compareBuckets(t, got, gotText, expectFunding(c.groupBy, c.in))
			})
		}
	})
}

// TestFundingSummaryReadsAsDocumented: a few buckets spelt out, the rules
// visible at a glance.
func TestFundingSummaryReadsAsDocumented(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		loadFixture(t, r.Store.Client)
		find := func(buckets []fundingBucketJSON, key string) *fundingBucketJSON {
			for i := range buckets {
				if buckets[i].key() == key {
					return &buckets[i]
				}
			}
			t.Fatalf("no bucket %s", key)
			return nil
		}
		cases := []struct {
			name    string
			groupBy []string
			in      string
			key     string
			count   int
			totals  string
			missing bool
		}{
			{"60% of 1000.00 USD goes to Somalia; the funding without a value still counts",
				[]string{"FUNDER", "COUNTRY"}, "", "FXA|OWN|-|-|SO|SHARES|-|-|-", 2, "[{600.00 USD}]", false},
			{"a programme without shares counts in full, and says so",
				[]string{"COUNTRY"}, "", "-|-|-|-|ET|FULL|-|-|-", 3, "[{300.30 USD}]", false},
			{"a share of an odd amount keeps every digit",
				[]string{"COUNTRY", "CURRENCY"}, "", "-|-|-|-|SO|SHARES|-|-|EUR", 2, "[{316.965 EUR}]", false},
			{"a funding without a funder takes the programme's one FUNDING participant",
				[]string{"FUNDER"}, "", "FXB|PROGRAMME_FUNDING_PARTICIPANT|-|-|-|-|-|-|-", 1, "[{1234.56 GBP}]", false},
			{"with two FUNDING participants the funder stays unknown",
				[]string{"FUNDER"}, "", "-|-|-|-|-|-|-|-|-", 2, "[{0.10 USD}]", false},
			{"sums beyond float precision are exact",
				[]string{"YEAR", "CURRENCY"}, "", "-|-|-|-|-|-|2022|-|USD", 2, "[{12345678901234567.90 USD}]", false},
			{"99.99 + 0.10 + 0.20", []string{"YEAR", "CURRENCY"}, "", "-|-|-|-|-|-|2021|-|USD", 3, "[{100.29 USD}]", false},
			{"converted with the rate of the funding's year; JPY has no rate and stays",
				[]string{"FUNDER"}, "USD", "FXA|OWN|-|-|-|-|-|-|-", 4, "[{5000 JPY} {1300.00 USD}]", true},
			{"an undated funding takes the latest rate",
				[]string{"PROGRAMME", "CURRENCY"}, "USD", "-|-|-|FX-NOCOUNTRY|-|-|-|-|GBP", 1, "[{1524.06432 USD}]", false},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				b := find(fundingSummary(t, r, fixtureOnly, c.groupBy, c.in), c.key)
				if b.Count != c.count || fmt.Sprint(b.Totals) != c.totals || b.RateMissing != c.missing {
					t.Errorf("count %d totals %v rateMissing %v, want %d %s %v", b.Count, b.Totals, b.RateMissing, c.count, c.totals, c.missing)
				}
			})
		}
	})
}

// q4 is the benchmark's question: total funding by funder for one country.
const q4 = `{
  fundingSummary(
    where: {hasProgrammeWith: [{hasCountriesWith: [{hasCountryWith: [{iso2: "SO"}]}]}]}
    groupBy: [FUNDER, COUNTRY]
  ) {
    funder { acronym name } funderRule country { iso2 } split count totals { amount currency }
  }
}`

// TestSomaliaByFunderOnDemo: on the demo data UNDP funds QUESTS-MIDA for
// Somalia; no source names a sum, so the bucket counts one funding and
// holds no total rather than a made-up zero.
func TestSomaliaByFunderOnDemo(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		resp := r.query(t, q4, nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		want := `{"fundingSummary":[{"funder":{"acronym":"UNDP","name":"United Nations Development Programme"},"funderRule":"OWN","country":{"iso2":"SO"},"split":"FULL","count":1,"totals":[]}]}`
		if string(resp.Data) != want {
			t.Errorf("got  %s\nwant %s", resp.Data, want)
		}
	})
}

const programmeSummaryQuery = `query($where: ProgrammeWhereInput, $groupBy: [ProgrammeDimension!]!) {
  programmeSummary(where: $where, groupBy: $groupBy) {
    status theme country { iso2 } region startYear organisation { acronym } role
    count budgets { amount currency }
  }
}`

type programmeBucketJSON struct {
	Status  *string `json:"status"`
	Theme   *string `json:"theme"`
	Country *struct {
		Iso2 string `json:"iso2"`
	} `json:"country"`
	Region       *string `json:"region"`
	StartYear    *int    `json:"startYear"`
	Organisation *struct {
		Acronym string `json:"acronym"`
	} `json:"organisation"`
	Role    *string     `json:"role"`
	Count   int         `json:"count"`
	Budgets []moneyJSON `json:"budgets"`
}

func (b programmeBucketJSON) key() string {
	str := func(s *string) string {
		if s == nil {
			return "-"
		}
		return *s
	}
	k := fxProgrammeKey{str(b.Status), str(b.Theme), "-", str(b.Region), "-", "-", str(b.Role)}
	if b.Country != nil {
		k.country = b.Country.Iso2
	}
	if b.StartYear != nil {
		k.startYear = strconv.Itoa(*b.StartYear)
	}
	if b.Organisation != nil {
		k.organisation = b.Organisation.Acronym
	}
	return fmt.Sprint(k)
}

// TestProgrammeSummary: counts and budgets by every dimension match the
// fixture, and the demo's "programmes by status per region" reads as the
// sources state it (only S72-805 has a status and a region).
func TestProgrammeSummary(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		resp := r.query(t, `{ programmeSummary(groupBy: [REGION, STATUS]) { region status count budgets { amount currency } } }`, nil)
		want := `{"programmeSummary":[{"region":"Africa","status":"CLOSED","count":1,"budgets":[{"amount":"79929.00","currency":"USD"}]},{"region":null,"status":null,"count":6,"budgets":[]}]}`
		if len(resp.Errors) > 0 || string(resp.Data) != want {
			t.Errorf("demo by region and status:\n got  %s %v\n want %s", resp.Data, resp.Errors, want)
		}

		loadFixture(t, r.Store.Client)
		where := map[string]any{"codeHasPrefix": "FX-"}
		for _, groupBy := range [][]string{
			{"STATUS"}, {"THEME"}, {"COUNTRY"}, {"REGION", "STATUS"}, {"START_YEAR"},
			{"ORGANISATION"}, {"ROLE"}, {"ORGANISATION", "ROLE"}, {"COUNTRY", "ORGANISATION"},
			{"STATUS", "THEME", "COUNTRY", "REGION", "START_YEAR", "ORGANISATION", "ROLE"},
		} {
			t.Run(strings.Join(groupBy, ","), func(t *testing.T) {
				var data struct {
					ProgrammeSummary []programmeBucketJSON `json:"programmeSummary"`
				}
				r.mustData(t, programmeSummaryQuery, map[string]any{"where": where, "groupBy": groupBy}, &data)
				got := map[string]*expBucket{}
				gotText := map[string][]moneyJSON{}
				for _, b := range data.ProgrammeSummary {
					eb := &expBucket{count: b.Count, totals: map[string]decimal.Decimal{}}
					for _, m := range b.Budgets {
						eb.totals[m.Currency] = decimal.RequireFromString(m.Amount)
					}
					if got[b.key()] != nil {
						t.Errorf("bucket %s answered twice", b.key())
					}
					got[b.key()], gotText[b.key()] = eb, b.Budgets
				}
				compareBuckets(t, got, gotText, expectProgrammes(groupBy))
			})
		}
	})
}

// TestSummaryStatementsAreFixed: a summary runs one grouped statement plus
// one per record type it shows, however many fundings or programmes there
// are; the server never reads the rows to add them up.
func TestSummaryStatementsAreFixed(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		queries := []struct {
			name, query string
			want        int64
		}{
			// Each count starts with the table versions read (internal/readcache):
			// the tables they read change between the two rounds, so neither is
			// cached.
			// want is the Go path's (SQLite); PostgreSQL builds every one of
			// these answers in one statement (internal/analytics/json.go).
			{"funding by funder and country", `{ fundingSummary(groupBy: [FUNDER, COUNTRY]) { funder { acronym } country { iso2 } count totals { amount currency } } }`, 4},
			{"funding by funder and country, in USD", `{ fundingSummary(groupBy: [FUNDER, COUNTRY], in: "USD") { funder { acronym } country { iso2 } count totals { amount currency } rateMissing } }`, 4},
			{"funding by year, no records to read", `{ fundingSummary(groupBy: [YEAR, KIND, CURRENCY]) { year kind currency count totals { amount currency } } }`, 2},
			{"funding with every record type", `{ fundingSummary(groupBy: [FUNDER, RECIPIENT, PROGRAMME, COUNTRY]) { funder { acronym } recipient { name } programme { code } country { iso2 } count } }`, 6},
			{"funding, keys not selected are not read", `{ fundingSummary(groupBy: [FUNDER, COUNTRY]) { count } }`, 2},
			{"funding by sector and transaction type, sector names read once", `{ fundingSummary(groupBy: [SECTOR, TRANSACTION_TYPE]) { sector { vocabulary code name } sectorSplit transactionType count totals { amount currency } } }`, 3},
			{"funding by sector, names not selected are not read", `{ fundingSummary(groupBy: [SECTOR]) { sector { code } count } }`, 2},
			{"programmes by sector", `{ programmeSummary(groupBy: [SECTOR]) { sector { code name } sectorSplit count budgets { amount currency } } }`, 3},
			{"programmes by country and organisation", `{ programmeSummary(groupBy: [COUNTRY, ORGANISATION, ROLE]) { country { iso2 } organisation { acronym } role count budgets { amount currency } } }`, 4},
		}
		count := func(q string) int64 {
			before := r.Store.Counter.Count()
			var v any
			r.mustData(t, q, nil, &v)
			return r.Store.Counter.Count() - before
		}
		loadFixture(t, r.Store.Client)
		loadSectorFixture(t, r.Store.Client)
		small := map[string]int64{}
		for _, q := range queries {
			small[q.name] = count(q.query)
		}
		// Forty more fundings across every fixture programme and funder.
		ctx := auth.AsSystem(context.Background())
		orgs, progs := map[string]int{}, map[string]int{}
		for _, a := range fxOrgs {
			orgs[a] = r.Store.Client.Organisation.Query().Where(organisation.Acronym(a)).OnlyIDX(ctx)
		}
		for _, p := range fxProgrammes {
			progs[p.code] = r.Store.Client.Programme.Query().Where(programme.Code(p.code)).OnlyIDX(ctx)
		}
		for i := range 40 {
			f := fxFunding{prog: fxProgrammes[i%len(fxProgrammes)].code, funder: fxOrgs[i%3], recipient: fxOrgs[(i+1)%3],
				amount: fmt.Sprintf("%d.%02d", 100+i, i), cur: []string{"USD", "EUR", "GBP"}[i%3],
				date: strconv.Itoa(2010 + i%7), kind: "DISBURSEMENT"}
			if err := fxCreateFunding(ctx, r.Store.Client, f, progs, orgs); err != nil {
				t.Fatal(err)
			}
		}
		// programmeSummary reads no fundings: touch the programmes too.
		if _, err := r.Store.DB.ExecContext(ctx, `UPDATE programmes SET theme = theme`); err != nil {
			t.Fatal(err)
		}
		for _, q := range queries {
			large := count(q.query)
			if r.Store.Dialect == dialect.Postgres {
				q.want = 2
			}
			if small[q.name] != q.want || large != q.want {
				t.Errorf("%s: %d statements over the fixture, %d with forty fundings more; want %d both times", q.name, small[q.name], large, q.want)
			}
		}
	})
}

// TestAnalyticsBadInput: summaries and search refuse bad questions with a
// coded error naming the problem, and answer nothing else.
func TestAnalyticsBadInput(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		cases := []struct {
			name, query string
			vars        map[string]any
			code, msg   string
		}{
			{"an empty groupBy", `{ fundingSummary(groupBy: []) { count } }`, nil, "BAD_USER_INPUT", "groupBy is empty"},
			{"an empty programme groupBy", `{ programmeSummary(groupBy: []) { count } }`, nil, "BAD_USER_INPUT", "groupBy is empty"},
			{"a dimension twice", `{ fundingSummary(groupBy: [FUNDER, FUNDER]) { count } }`, nil, "BAD_USER_INPUT", "FUNDER twice"},
			{"an unknown dimension", `{ fundingSummary(groupBy: [DONOR]) { count } }`, nil, "GRAPHQL_VALIDATION_FAILED", "DONOR"},
			{"an unknown dimension in variables", `query($g: [FundingDimension!]!) { fundingSummary(groupBy: $g) { count } }`,
				map[string]any{"g": []string{"FUNDER", "DONOR"}}, "GRAPHQL_VALIDATION_FAILED", "DONOR"},
			{"a programme dimension for fundings", `{ programmeSummary(groupBy: [FUNDER]) { count } }`, nil, "GRAPHQL_VALIDATION_FAILED", "FUNDER"},
			{"a currency in lower case", `{ fundingSummary(groupBy: [FUNDER], in: "usd") { count } }`, nil, "BAD_USER_INPUT", "ISO 4217"},
			{"a currency that does not exist", `{ fundingSummary(groupBy: [FUNDER], in: "XYZ") { count } }`, nil, "BAD_USER_INPUT", "ISO 4217"},
			{"an empty search", `{ search(query: "") { totalCount } }`, nil, "BAD_USER_INPUT", "empty"},
			{"a blank search", `{ search(query: "   ") { totalCount } }`, nil, "BAD_USER_INPUT", "empty"},
			{"a search of punctuation only", `{ search(query: "--- !!") { totalCount } }`, nil, "BAD_USER_INPUT", "no words"},
			{"an absurdly long search", `query($q: String!) { search(query: $q) { totalCount } }`,
				map[string]any{"q": strings.Repeat("diaspora ", 1000)}, "BAD_USER_INPUT", "longer than 200"},
			{"too many words", `query($q: String!) { search(query: $q) { totalCount } }`,
				map[string]any{"q": "a b c d e f g h i j k l m n"}, "BAD_USER_INPUT", "at most 12"},
			{"an oversized search page", `{ search(query: "IOM", first: 1000) { totalCount } }`, nil, "BAD_USER_INPUT", "first"},
			{"a negative search page", `{ search(query: "IOM", first: -1) { totalCount } }`, nil, "BAD_USER_INPUT", "first"},
			{"an unknown search type", `{ search(query: "IOM", types: [PERSON]) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", "PERSON"},
			{"a cursor from another connection", `{ search(query: "IOM", after: "bm90IGEgY3Vyc29y") { totalCount } }`, nil, "BAD_USER_INPUT", "cursor"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				resp := r.query(t, c.query, c.vars)
				if len(resp.Errors) == 0 {
					t.Fatalf("no error; data %s", resp.Data)
				}
				if resp.code() != c.code || !strings.Contains(resp.Errors[0].Message, c.msg) {
					t.Errorf("got %s %q, want %s mentioning %q", resp.code(), resp.Errors[0].Message, c.code, c.msg)
				}
				if c.code == "BAD_USER_INPUT" && string(resp.Data) != "null" {
					t.Errorf("data %s, want null", resp.Data)
				}
			})
		}
	})
}

// mustDecode is json.Unmarshal for tests.
func mustDecode(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}

// TestExchangeRatesAreReadable: the rates conversions use are listed with
// their source and date.
func TestExchangeRatesAreReadable(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		loadFixture(t, r.Store.Client)
		resp := r.query(t, `{ exchangeRates(where: {currency: "EUR"}, orderBy: [{field: DATE}]) {
		  totalCount edges { node { currency toCurrency rate date source } } } }`, nil)
		want := `{"exchangeRates":{"totalCount":2,"edges":[` +
			`{"node":{"currency":"EUR","toCurrency":"USD","rate":"1.10","date":"2020","source":"test table"}},` +
			`{"node":{"currency":"EUR","toCurrency":"USD","rate":"1.2","date":"2021","source":"test table"}}]}}`
		if len(resp.Errors) > 0 || string(resp.Data) != want {
			t.Errorf("got  %s %v\nwant %s", resp.Data, resp.Errors, want)
		}
	})
}
