package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/country"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/programmecountry"
	"github.com/aidregistry/registry/ent/sector"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/codelists"
	"github.com/aidregistry/registry/internal/countries"
	"github.com/aidregistry/registry/internal/iati/iatifacts"
	"github.com/aidregistry/registry/internal/interchange"
	"github.com/aidregistry/registry/internal/money"
	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// The sector fixture: programmes SX-* beside the demo data, with sectors in
// two vocabularies, percentages given and not, transactions with sectors
// of their own (one listing a code twice), and transaction types. The
// expected buckets in the tests below are worked out by hand from it.

type sxSector struct{ vocabulary, code, percentage string } // percentage "" when none

type sxProgramme struct {
	code              string
	budget, budgetCur string
	countries         []fxCountry
	sectors           []sxSector
}

type sxFunding struct {
	prog, amount, cur, tt string
	sectors               []sxSector
}

var sxProgrammes = []sxProgramme{
	{"SX-A", "1000.00", "USD", []fxCountry{{"SO", "25"}, {"KE", ""}},
		[]sxSector{{"1", "12220", "60"}, {"1", "12110", "40"}, {"2", "122", "100"}}},
	{"SX-B", "500", "EUR", nil, []sxSector{{"1", "12220", ""}}},
	{"SX-C", "333.33", "USD", nil, nil},
}

var sxFundings = []sxFunding{
	{"SX-A", "100.00", "USD", "DISBURSEMENT", nil},                                                       // f1: the programme's sectors
	{"SX-A", "0.10", "USD", "EXPENDITURE", []sxSector{{"1", "31161", "33.33"}, {"1", "12220", "66.67"}}}, // f2: its own
	{"SX-B", "250.50", "EUR", "INCOMING_FUNDS", nil},                                                     // f3: no percentage
	{"SX-C", "10", "USD", "", nil},                                                                       // f4: no sector, no type
	{"SX-A", "", "", "OUTGOING_COMMITMENT", nil},                                                         // f5: no value
	{"SX-B", "1.00", "USD", "INTEREST_PAYMENT", []sxSector{{"1", "15110", "50"}, {"1", "15110", "50"}}},  // f6: a code twice
}

func loadSectorFixture(t testing.TB, c *ent.Client) {
	t.Helper()
	ctx := auth.AsSystem(context.Background())
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sectors := func(ss []sxSector, prog, fund *int) {
		for _, s := range ss {
			cr := c.Sector.Create().SetVocabulary(s.vocabulary).SetCode(s.code).
				SetName(codelists.SectorName(s.vocabulary, s.code)).
				SetNillableProgrammeID(prog).SetNillableFundingID(fund)
			if s.percentage != "" {
				cr.SetPercentage(money.MustParse(s.percentage))
			}
			must(cr.Exec(ctx))
		}
	}
	progs := map[string]int{}
	for _, p := range sxProgrammes {
		pr, err := c.Programme.Create().SetCode(p.code).SetTitle("Sector fixture " + p.code).
			SetBudgetAmount(money.MustParse(p.budget)).SetBudgetCurrency(p.budgetCur).Save(ctx)
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
		// Sectors written after their programme: the search index follows.
		sectors(p.sectors, &pr.ID, nil)
	}
	for _, f := range sxFundings {
		cr := c.Funding.Create().SetProgrammeID(progs[f.prog])
		if f.amount != "" {
			cr.SetValueAmount(money.MustParse(f.amount)).SetValueCurrency(f.cur)
		}
		if f.tt != "" {
			cr.SetTransactionType(funding.TransactionType(f.tt))
		}
		fu, err := cr.Save(ctx)
		must(err)
		sectors(f.sectors, nil, &fu.ID)
	}
}

// sectorBucketJSON is a bucket of either summary, as the tests read it.
type sectorBucketJSON struct {
	Country *struct {
		Iso2 string `json:"iso2"`
	} `json:"country"`
	Split           *string `json:"split"`
	TransactionType *string `json:"transactionType"`
	Currency        *string `json:"currency"`
	Sector          *struct {
		Vocabulary string  `json:"vocabulary"`
		Code       string  `json:"code"`
		Name       *string `json:"name"`
	} `json:"sector"`
	SectorSplit *string     `json:"sectorSplit"`
	Count       int         `json:"count"`
	Totals      []moneyJSON `json:"totals"`
	Budgets     []moneyJSON `json:"budgets"`
}

// String renders a bucket as the tables below write it:
// "key key ... | count | amount CUR, ...", "-" for a null key.
func (b sectorBucketJSON) String() string {
	opt := func(s *string) string {
		if s == nil {
			return "-"
		}
		return *s
	}
	var keys []string
	if b.Country != nil {
		keys = append(keys, b.Country.Iso2, opt(b.Split))
	}
	if b.TransactionType != nil {
		keys = append(keys, *b.TransactionType)
	}
	if b.Sector != nil {
		keys = append(keys, b.Sector.Vocabulary+"/"+b.Sector.Code)
	}
	if b.SectorSplit != nil {
		if b.Sector == nil {
			keys = append(keys, "-")
		}
		keys = append(keys, *b.SectorSplit)
	}
	if b.Currency != nil {
		keys = append(keys, *b.Currency)
	}
	var ms []string
	for _, m := range append(b.Totals, b.Budgets...) {
		ms = append(ms, m.Amount+" "+m.Currency)
	}
	return fmt.Sprintf("%s | %d | %s", strings.Join(keys, " "), b.Count, strings.Join(ms, ", "))
}

const sectorSummaryFields = `count sector { vocabulary code name } sectorSplit`

func sxFundingSummary(t *testing.T, r *registry, where map[string]any, groupBy []string) []sectorBucketJSON {
	t.Helper()
	var data struct {
		FundingSummary []sectorBucketJSON `json:"fundingSummary"`
	}
	r.mustData(t, `query($where: FundingWhereInput, $groupBy: [FundingDimension!]!) {
  fundingSummary(where: $where, groupBy: $groupBy) {
    country { iso2 } split transactionType currency `+sectorSummaryFields+` totals { amount currency } } }`,
		map[string]any{"where": where, "groupBy": groupBy}, &data)
	return data.FundingSummary
}

var sxOnly = map[string]any{"hasProgrammeWith": []any{map[string]any{"codeHasPrefix": "SX-"}}}

// TestSectorAndTransactionTypeSummaries: fundingSummary by SECTOR and
// TRANSACTION_TYPE and programmeSummary by SECTOR give, on both stores and
// over HTTP, exactly the buckets worked out by hand from the fixture, in
// the documented order: a transaction's own sectors replace its
// programme's, amounts split by percentage (SHARES) or counted in full
// where none is given (FULL), a code listed twice counted once, one bucket
// per vocabulary, shares and percentages multiplied when grouped by
// COUNTRY too, and each sector named from the codelist.
func TestSectorAndTransactionTypeSummaries(t *testing.T) {
	cases := []struct {
		name    string
		groupBy []string
		sorted  bool // order of countries is creation order: compare as sets
		want    []string
	}{
		{"by sector", []string{"SECTOR"}, false, []string{
			"1/12110 SHARES | 2 | 40.00 USD",    // f1: 100.00 × 40%, f5 no value
			"1/12220 FULL | 1 | 250.50 EUR",     // f3 in full
			"1/12220 SHARES | 3 | 60.06667 USD", // f1 60.00 + f2 0.06667, f5
			"1/15110 SHARES | 1 | 1.00 USD",     // f6: 50 + 50
			"1/31161 SHARES | 1 | 0.03333 USD",  // f2: 0.10 × 33.33%
			"2/122 SHARES | 2 | 100.00 USD",     // f1 in the other vocabulary, f5
			"- FULL | 1 | 10.00 USD",            // f4: no sectors
		}},
		{"by transaction type and currency", []string{"TRANSACTION_TYPE", "CURRENCY"}, false, []string{
			"DISBURSEMENT USD | 1 | 100.00 USD",
			"EXPENDITURE USD | 1 | 0.10 USD",
			"INCOMING_FUNDS EUR | 1 | 250.50 EUR",
			"INTEREST_PAYMENT USD | 1 | 1.00 USD",
			"OUTGOING_COMMITMENT | 1 | ",
			"USD | 1 | 10.00 USD",
		}},
		{"by transaction type and sector", []string{"TRANSACTION_TYPE", "SECTOR"}, false, []string{
			"DISBURSEMENT 1/12110 SHARES | 1 | 40.00 USD",
			"DISBURSEMENT 1/12220 SHARES | 1 | 60.00 USD",
			"DISBURSEMENT 2/122 SHARES | 1 | 100.00 USD",
			"EXPENDITURE 1/12220 SHARES | 1 | 0.06667 USD",
			"EXPENDITURE 1/31161 SHARES | 1 | 0.03333 USD",
			"INCOMING_FUNDS 1/12220 FULL | 1 | 250.50 EUR",
			"INTEREST_PAYMENT 1/15110 SHARES | 1 | 1.00 USD",
			"OUTGOING_COMMITMENT 1/12110 SHARES | 1 | ",
			"OUTGOING_COMMITMENT 1/12220 SHARES | 1 | ",
			"OUTGOING_COMMITMENT 2/122 SHARES | 1 | ",
			"- FULL | 1 | 10.00 USD",
		}},
		{"SX-A by country and sector: share × percentage", []string{"COUNTRY", "SECTOR"}, true, []string{
			"SO SHARES 1/31161 SHARES | 1 | 0.0083325 USD",  // 0.10 × 25% × 33.33%
			"SO SHARES 1/12110 SHARES | 2 | 10.00 USD",      // 100.00 × 25% × 40%
			"SO SHARES 1/12220 SHARES | 3 | 15.0166675 USD", // 15.00 + 0.10 × 25% × 66.67%
			"SO SHARES 2/122 SHARES | 2 | 25.00 USD",
			"KE FULL 1/31161 SHARES | 1 | 0.03333 USD",
			"KE FULL 1/12110 SHARES | 2 | 40.00 USD",
			"KE FULL 1/12220 SHARES | 3 | 60.06667 USD",
			"KE FULL 2/122 SHARES | 2 | 100.00 USD",
		}},
	}
	eachRegistry(t, func(t *testing.T, r *registry) {
		loadSectorFixture(t, r.Store.Client)
		for _, c := range cases {
			where := sxOnly
			if c.sorted {
				where = map[string]any{"hasProgrammeWith": []any{map[string]any{"code": "SX-A"}}}
			}
			buckets := sxFundingSummary(t, r, where, c.groupBy)
			var got []string
			for _, b := range buckets {
				got = append(got, b.String())
				if b.Sector != nil {
					if want := codelists.SectorName(b.Sector.Vocabulary, b.Sector.Code); b.Sector.Name == nil || *b.Sector.Name != want {
						t.Errorf("%s: sector %s/%s named %v, want %q", c.name, b.Sector.Vocabulary, b.Sector.Code, b.Sector.Name, want)
					}
				}
			}
			want := slices.Clone(c.want)
			if c.sorted {
				sort.Strings(got)
				sort.Strings(want)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s:\ngot  %q\nwant %q", c.name, got, want)
			}
		}

		// programmeSummary: the programmes' own sectors only (31161 and
		// 15110 are transactions'), budgets split the same way.
		var data struct {
			ProgrammeSummary []sectorBucketJSON `json:"programmeSummary"`
		}
		r.mustData(t, `query($where: ProgrammeWhereInput) {
  programmeSummary(where: $where, groupBy: [SECTOR]) { `+sectorSummaryFields+` budgets { amount currency } } }`,
			map[string]any{"where": map[string]any{"codeHasPrefix": "SX-"}}, &data)
		var got []string
		for _, b := range data.ProgrammeSummary {
			got = append(got, b.String())
		}
		want := []string{
			"1/12110 SHARES | 1 | 400.00 USD", // 1000.00 × 40%
			"1/12220 FULL | 1 | 500.00 EUR",   // SX-B in full
			"1/12220 SHARES | 1 | 600.00 USD", // 1000.00 × 60%
			"2/122 SHARES | 1 | 1000.00 USD",
			"- FULL | 1 | 333.33 USD", // SX-C: no sectors
		}
		if !slices.Equal(got, want) {
			t.Errorf("programmeSummary by SECTOR:\ngot  %q\nwant %q", got, want)
		}
	})
}

// TestSearchFindsProgrammesBySectorName: a programme is found by the name
// of a sector written after it (the sector hook reindexes it), and stops
// being found by it once the sector goes.
func TestSearchFindsProgrammesBySectorName(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		loadSectorFixture(t, r.Store.Client)
		find := func(q string) []string {
			return labels(runSearch(t, r, map[string]any{"q": q, "types": []string{"PROGRAMME"}}))
		}
		// 12220 "Basic health care": SX-A and SX-B; SX-C has no sectors;
		// 31161 "Food crop production" belongs to a transaction of SX-A,
		// not to a programme.
		got := find("basic health care")
		sort.Strings(got)
		if want := []string{"Programme SX-A", "Programme SX-B"}; !slices.Equal(got, want) {
			t.Errorf("basic health care: %q, want %q", got, want)
		}
		if got := find("food crop production"); slices.Contains(got, "Programme SX-A") {
			t.Errorf("a transaction's sector found programmes %q", got)
		}
		ctx := auth.AsSystem(context.Background())
		c := r.Store.Client
		b := c.Programme.Query().Where(programme.Code("SX-B")).OnlyX(ctx)
		if _, err := c.Sector.Delete().Where(sector.ProgrammeID(b.ID)).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if got := find("basic health care"); !slices.Equal(got, []string{"Programme SX-A"}) {
			t.Errorf("after SX-B's sectors went: %q", got)
		}
	})
}

// TestSummaryOfRealFileByTransactionType: over the Denmark/UNDP/IFAD d-portal
// file imported on both stores, fundingSummary by TRANSACTION_TYPE and
// CURRENCY gives exactly the sums of the file's transactions by type and
// currency, as iatifacts computes them from the XML.
func TestSummaryOfRealFileByTransactionType(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "iati", "examples", "dportal-covid-p099-denmark-undp-ifad-v2.03.xml")
	f, err := iatifacts.ParseFile(path)
	if err != nil {
		t.Skipf("real file: %v", err)
	}
	facts := iatifacts.FactsOf(f)
	types := []string{"", "INCOMING_FUNDS", "OUTGOING_COMMITMENT", "DISBURSEMENT", "EXPENDITURE", "INTEREST_PAYMENT",
		"LOAN_REPAYMENT", "REIMBURSEMENT", "PURCHASE_OF_EQUITY", "SALE_OF_EQUITY", "CREDIT_GUARANTEE",
		"INCOMING_COMMITMENT", "OUTGOING_PLEDGE", "INCOMING_PLEDGE"}
	want := map[string]decimal.Decimal{}
	for k, v := range facts.Totals {
		code, cur, _ := strings.Cut(k, ":")
		var n int
		fmt.Sscan(code, &n)
		if n < 1 || n >= len(types) || cur == "" {
			t.Fatalf("unexpected total %q in the file", k)
		}
		want[types[n]+":"+cur] = v
	}
	if len(want) < 5 {
		t.Fatalf("the file gives only %v", want)
	}
	eachRegistry(t, func(t *testing.T, r *registry) {
		fh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		if _, err := interchange.Import(auth.AsSystem(context.Background()), r.Store.Client, fh, interchange.Options{}); err != nil {
			t.Fatal(err)
		}
		where := map[string]any{"not": map[string]any{"transactionTypeIsNil": true}}
		got := map[string]decimal.Decimal{}
		n := 0
		for _, b := range sxFundingSummary(t, r, where, []string{"TRANSACTION_TYPE", "CURRENCY"}) {
			n += b.Count
			for _, m := range b.Totals {
				if b.TransactionType == nil || b.Currency == nil || m.Currency != *b.Currency {
					t.Errorf("bucket %s", b)
					continue
				}
				got[*b.TransactionType+":"+m.Currency] = decimal.RequireFromString(m.Amount)
			}
		}
		if n != facts.Transactions {
			t.Errorf("%d fundings in the buckets, the file has %d transactions", n, facts.Transactions)
		}
		if len(got) != len(want) {
			t.Errorf("buckets %v\nwant    %v", got, want)
		}
		for k, w := range want {
			if g, ok := got[k]; !ok || !g.Equal(w) {
				t.Errorf("%s: %s, want %s", k, g, w)
			}
		}
	})
}

// TestExportSectorsAndTransactionTypes: the CSV and NDJSON tables carry a
// funding's transactionType and sectors (its own, as the fixture wrote
// them) and a programme's sectors, after the columns that were there.
func TestExportSectorsAndTransactionTypes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := countries.Load(ctx, st.Client); err != nil {
			t.Fatal(err)
		}
		loadSectorFixture(t, st.Client)
		ts := httptest.NewServer(server.New(st, server.Options{Logger: quietLogger}))
		defer ts.Close()
		get := func(table, format string) []byte {
			t.Helper()
			w, _ := json.Marshal(map[string]any{"hasProgrammeWith": []any{map[string]any{"code": "SX-B"}}})
			if table == "programmes" {
				w, _ = json.Marshal(map[string]any{"codeHasPrefix": "SX-"})
			}
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/export/"+table+"."+format+"?where="+url.QueryEscape(string(w)), nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(resp.Body); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("%s.%s: %d %s %v", table, format, resp.StatusCode, buf.Bytes(), err)
			}
			return buf.Bytes()
		}
		column := func(rows [][]string, name string) []string {
			i := slices.Index(rows[0], name)
			if i < 0 {
				t.Fatalf("no column %s in %q", name, rows[0])
			}
			var out []string
			for _, r := range rows[1:] {
				out = append(out, r[i])
			}
			return out
		}
		rows, err := csv.NewReader(bytes.NewReader(get("fundings", "csv"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if got := rows[0][:12]; !slices.Equal(got, []string{"id", "programme", "kind", "date", "valueAmount", "valueCurrency",
			"funder", "recipient", "agreement", "note", "createdAt", "updatedAt"}) {
			t.Errorf("existing funding columns moved: %q", got)
		}
		if got, want := column(rows, "transactionType"), []string{"INCOMING_FUNDS", "INTEREST_PAYMENT"}; !slices.Equal(got, want) {
			t.Errorf("transactionType %q, want %q", got, want)
		}
		if got, want := column(rows, "sectors"), []string{"", "1:15110:50;1:15110:50"}; !slices.Equal(got, want) {
			t.Errorf("funding sectors %q, want %q", got, want)
		}
		rows, err = csv.NewReader(bytes.NewReader(get("programmes", "csv"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if got, want := column(rows, "sectors"), []string{"1:12110:40;1:12220:60;2:122:100", "1:12220", ""}; !slices.Equal(got, want) {
			t.Errorf("programme sectors %q, want %q", got, want)
		}

		var lines []map[string]any
		sc := bufio.NewScanner(bytes.NewReader(get("fundings", "ndjson")))
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, m)
		}
		if len(lines) != 2 {
			t.Fatalf("%d NDJSON lines", len(lines))
		}
		got, _ := json.Marshal([]any{lines[0]["transactionType"], lines[0]["sectors"], lines[1]["transactionType"], lines[1]["sectors"]})
		want := `["INCOMING_FUNDS",[],"INTEREST_PAYMENT",[` +
			`{"code":"15110","name":"Public sector policy and administrative management","percentage":"50","vocabulary":"1"},` +
			`{"code":"15110","name":"Public sector policy and administrative management","percentage":"50","vocabulary":"1"}]]`
		if string(got) != want {
			t.Errorf("NDJSON\ngot  %s\nwant %s", got, want)
		}
	})
}
