package iatifacts

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

const (
	nsDstore = "http://d-portal.org/xmlns/dstore"
	nsDpAct  = "http://d-portal.org/xmlns/iati-activities"
	nsUNHCR  = "http://reporting.unhcr.org/"
)

// examples is ../shared/iati/examples beside the project; a test without it
// is skipped, and fails under CI.
func examples(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join("..", "..", "..", "..", "shared", "iati", "examples")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("../shared/iati/examples is missing: %v", err)
		}
		tb.Skip("../shared/iati is not beside the project")
	}
	return dir
}

func parseExample(tb testing.TB, name string) *File {
	tb.Helper()
	f, err := ParseFile(filepath.Join(examples(tb), name))
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// want lists what ../shared/iati/README.md says of a file; nil maps and
// negative numbers are not checked.
type want struct {
	file, version string
	activities    int
	transactions  int
	byType        map[string]int
	negative      int
	excess        int
	noDefault     int
	txCurrencies  map[string]int
	defaults      map[string]int // activities by @default-currency
	budgets       map[string]int // budget values by currency
	reporters     map[string]int // activities by reporting-org/@ref
	hierarchy     map[string]int
	related       map[string]int // related-activity by @type
	sectorVocab   map[string]int
	narratives    map[string]int
	emptyNarr     int
	activityLang  map[string]int
	paths         map[string]int // element counts by path (0: none)
	notHundred    int            // activities whose recipient percentages do not sum to 100
}

var readmeFacts = []want{{
	file:         "dportal-covid-p112-undp-unhcr-v2.03.xml",
	version:      "2.03",
	activities:   100,
	transactions: 409,
	byType:       map[string]int{"11": 409},
	negative:     0,
	excess:       73,
	noDefault:    0,
	txCurrencies: map[string]int{"AUD": 3, "CAD": 11, "CHF": 7, "CRC": 1, "CZK": 1, "DKK": 3, "EUR": 109, "GBP": 6, "ISK": 3, "JPY": 2, "NOK": 7, "NZD": 2, "PLN": 2, "SEK": 6, "USD": 246},
	defaults:     map[string]int{"USD": 100},
	budgets:      map[string]int{"USD": 15},
	reporters:    map[string]int{"XM-DAC-41114": 84, "XM-DAC-41121": 16},
	hierarchy:    map[string]int{"1": 85, "3": 15},
	related:      map[string]int{"1": 15, "2": 135, "3": 27},
	sectorVocab:  map[string]int{"98": 273, "1": 128, "8": 108, "10": 86, "99": 26},
	narratives:   map[string]int{"EN": 3589, "FR": 157, "ES": 152, "PT": 8},
	emptyNarr:    0,
	activityLang: map[string]int{"EN": 74, "ES": 14, "FR": 11, "PT": 1},
	paths: map[string]int{
		"result": 418, "result/indicator": 418, "result/indicator/period": 418,
		"result/indicator/baseline": 418, "result/indicator/period/target": 395,
		"result/indicator/period/actual": 0,
		"location":                       63, "location/point": 63,
		"recipient-country": 97, "budget": 15, "planned-disbursement": 0,
		"transaction/{" + nsUNHCR + "}value-USD": 409,
	},
	notHundred: 0,
}, {
	file:         "dportal-covid-p124-italy-aics-v2.01.xml",
	version:      "2.01",
	activities:   100,
	transactions: 200,
	byType:       map[string]int{"2": 100, "3": 100},
	negative:     0,
	excess:       0,
	noDefault:    0,
	txCurrencies: map[string]int{"EUR": 200},
	defaults:     map[string]int{"EUR": 100},
	budgets:      map[string]int{},
	reporters:    map[string]int{"XM-DAC-6-4": 100},
	hierarchy:    map[string]int{"2": 100},
	related:      map[string]int{"1": 100, "3": 21170},
	sectorVocab:  map[string]int{"1": 181},
	narratives:   map[string]int{"EN": 2222, "IT": 200},
	emptyNarr:    100,
	activityLang: nil,
	paths: map[string]int{
		"related-activity": 21270, "sector": 181, "policy-marker": 841,
		"recipient-country": 96, "recipient-region": 4,
		"result": 0, "location": 0, "budget": 0, "planned-disbursement": 0,
	},
	notHundred: 0,
}, {
	file:         "dportal-covid-p099-denmark-undp-ifad-v2.03.xml",
	version:      "2.03",
	activities:   100,
	transactions: 1411,
	byType:       map[string]int{"1": 168, "2": 69, "3": 100, "4": 603, "11": 471},
	negative:     23,
	excess:       0,
	noDefault:    0,
	txCurrencies: map[string]int{"USD": 1358, "DKK": 45, "EUR": 8},
	defaults:     map[string]int{"DKK": 56, "USD": 44},
	budgets:      map[string]int{"USD": 258, "DKK": 31},
	reporters:    map[string]int{"XM-DAC-3-1": 56, "XM-DAC-41114": 36, "XM-DAC-41108": 8},
	hierarchy:    map[string]int{"1": 42, "2": 58},
	related:      map[string]int{"1": 58, "2": 37, "3": 35},
	sectorVocab:  map[string]int{"1": 91, "8": 78, "99": 35, "2": 8},
	narratives:   map[string]int{"EN": 3522, "ES": 355, "PT": 231, "FR": 115},
	emptyNarr:    24,
	activityLang: nil,
	paths: map[string]int{
		"recipient-country": 52, "recipient-region": 14,
		"result": 86, "result/indicator": 111, "result/indicator/period": 208,
		"result/indicator/baseline": 105, "result/indicator/period/target": 205,
		"result/indicator/period/actual": 197,
		"location":                       88, "location/point": 88,
		"related-activity": 130, "planned-disbursement": 0,
	},
	notHundred: 0,
}, {
	file:         "dportal-covid-2749528-p116-germany-iom-v2.03.xml",
	version:      "2.03",
	activities:   100,
	transactions: 172,
	byType:       map[string]int{"11": 48, "2": 50, "3": 73, "4": 1},
	negative:     5,
	excess:       2,
	noDefault:    48,
	txCurrencies: map[string]int{"EUR": 123, "USD": 49},
	defaults:     map[string]int{"EUR": 51, "USD": 1, "": 48},
	budgets:      nil,
	reporters:    map[string]int{"XM-DAC-5-7": 51, "XM-DAC-47066": 48, "XM-DAC-47136": 1},
	hierarchy:    map[string]int{"1": 100},
	related:      map[string]int{},
	sectorVocab:  map[string]int{"1": 100, "99": 49, "98": 48, "10": 2},
	narratives:   map[string]int{"EN": 1546, "DE": 408},
	emptyNarr:    -1,
	activityLang: nil,
	paths: map[string]int{
		"result": 6, "result/indicator": 6, "result/indicator/period": 6,
		"result/indicator/period/target": 6, "result/indicator/period/actual": 6,
		"location": 256, "location/point": 92,
		"recipient-region": 12, "policy-marker": 559, "related-activity": 0,
		"planned-disbursement": 0,
	},
	notHundred: 2,
}, {
	file:         "spain-maec-indonesia-2.01.xml",
	version:      "2.01",
	activities:   83,
	transactions: -1,
	negative:     -1,
	excess:       -1,
	noDefault:    -1,
	emptyNarr:    -1,
	notHundred:   -1,
}, {
	file:         "activity-standard-example-annotated-203.xml",
	version:      "2.03",
	activities:   1,
	transactions: -1,
	negative:     -1,
	excess:       -1,
	noDefault:    -1,
	emptyNarr:    -1,
	notHundred:   -1,
}}

func TestFactsReproduceReadme(t *testing.T) {
	dir := examples(t)
	for _, w := range readmeFacts {
		t.Run(w.file, func(t *testing.T) {
			f, err := ParseFile(filepath.Join(dir, w.file))
			if err != nil {
				t.Fatal(err)
			}
			x := FactsOf(f)
			if f.Version != w.version {
				t.Errorf("version %q, want %q", f.Version, w.version)
			}
			num := func(what string, got, want int) {
				t.Helper()
				if want >= 0 && got != want {
					t.Errorf("%s: %d, want %d", what, got, want)
				}
			}
			tally := func(what string, got, want map[string]int) {
				t.Helper()
				if want != nil && !reflect.DeepEqual(got, want) {
					t.Errorf("%s: %v, want %v", what, got, want)
				}
			}
			num("activities", x.Activities, w.activities)
			num("transactions", x.Transactions, w.transactions)
			num("negative", x.Negative, w.negative)
			num("too many decimals", x.ExcessDecimals, w.excess)
			num("missing default-currency", x.MissingDefaultCurrency, w.noDefault)
			num("empty narratives", x.EmptyNarratives, w.emptyNarr)
			num("recipient percentages not 100", notHundred(f), w.notHundred)
			num("bad values", x.BadValues, 0)
			tally("transactions by type", x.TransactionsByType, w.byType)
			tally("transaction currencies", x.TransactionCurrencies, w.txCurrencies)
			tally("budget currencies", x.BudgetCurrencies, w.budgets)
			tally("default-currency", Tally(f, "", "default-currency"), w.defaults)
			tally("reporting-org", Tally(f, "reporting-org", "ref"), w.reporters)
			tally("hierarchy", Tally(f, "", "hierarchy"), w.hierarchy)
			tally("related-activity types", Tally(f, "related-activity", "type"), w.related)
			tally("sector vocabularies", Tally(f, "sector", "vocabulary"), w.sectorVocab)
			tally("narrative languages", x.Narratives, w.narratives)
			tally("activity xml:lang", Tally(f, "", "xml:lang"), w.activityLang)
			for p, n := range w.paths {
				if x.Paths[p] != n {
					t.Errorf("%s: %d elements, want %d", p, x.Paths[p], n)
				}
			}
			// Elements is Paths restricted to the activity's children and
			// the transactions' children.
			for k, n := range x.Elements {
				if x.Paths[k] != n {
					t.Errorf("Elements[%s] %d, Paths %d", k, n, x.Paths[k])
				}
			}
			// The sums are consistent with the counts.
			sum := 0
			for k := range x.Totals {
				typ, cur, _ := strings.Cut(k, ":")
				if x.TransactionsByType[typ] == 0 || x.TransactionCurrencies[cur] == 0 {
					t.Errorf("Totals has %s, not among types and currencies", k)
				}
			}
			for _, n := range x.TransactionsByType {
				sum += n
			}
			num("transactions by type, summed", sum, x.Transactions)
		})
	}
}

// notHundred counts activities whose recipient percentages do not sum to
// exactly 100: countries plus the regions of each region vocabulary (1 when
// not given), or the countries alone when there are no regions.
func notHundred(f *File) int {
	hundred := decimal.NewFromInt(100)
	n := 0
	for _, a := range f.Activities {
		countries := a.All("recipient-country")
		regions := a.All("recipient-region")
		if len(countries)+len(regions) == 0 {
			continue
		}
		var base decimal.Decimal
		for _, c := range countries {
			base = base.Add(percentage(c))
		}
		byVocab := map[string]decimal.Decimal{}
		for _, r := range regions {
			v := r.attr("vocabulary")
			if v == "" {
				v = "1"
			}
			byVocab[v] = byVocab[v].Add(percentage(r))
		}
		ok := true
		if len(byVocab) == 0 {
			ok = base.Equal(hundred)
		}
		for _, s := range byVocab {
			if !base.Add(s).Equal(hundred) {
				ok = false
			}
		}
		if !ok {
			n++
		}
	}
	return n
}

type relatedFacts struct {
	distinct, inside, repeated int // distinct refs; refs to an activity of the file; same ref and type again in one activity
	fewest, most               int // related-activity elements per activity that has any
}

func related(f *File) relatedFacts {
	ids := map[string]bool{}
	for _, a := range f.Activities {
		ids[Identifier(a)] = true
	}
	var r relatedFacts
	refs := map[string]bool{}
	for _, a := range f.Activities {
		rs := a.All("related-activity")
		if len(rs) == 0 {
			continue
		}
		if r.fewest == 0 || len(rs) < r.fewest {
			r.fewest = len(rs)
		}
		r.most = max(r.most, len(rs))
		seen := map[[2]string]bool{}
		for _, n := range rs {
			ref := n.attr("ref")
			refs[ref] = true
			if ids[ref] {
				r.inside++
			}
			k := [2]string{ref, n.attr("type")}
			if seen[k] {
				r.repeated++
			}
			seen[k] = true
		}
	}
	r.distinct = len(refs)
	return r
}

// percentage is @percentage, 100 when absent (a single recipient).
func percentage(n *Node) decimal.Decimal {
	p, ok := n.Attr("", "percentage")
	if !ok {
		return decimal.NewFromInt(100)
	}
	d, err := decimal.NewFromString(p)
	if err != nil {
		return decimal.Zero
	}
	return d
}

func TestFactsDetails(t *testing.T) {
	t.Run("p112 UNHCR", func(t *testing.T) {
		f := parseExample(t, "dportal-covid-p112-undp-unhcr-v2.03.xml")
		x := FactsOf(f)
		nonUSD := x.Transactions - x.TransactionCurrencies["USD"]
		if nonUSD != 163 || len(x.TransactionCurrencies) != 15 {
			t.Errorf("%d values not USD in %d currencies, want 163 in 15", nonUSD, len(x.TransactionCurrencies))
		}
		for _, a := range f.Activities {
			if Identifier(a) == "XM-DAC-41121-2020" {
				if n := len(a.All("transaction")); n != 152 {
					t.Errorf("XM-DAC-41121-2020 has %d transactions, want 152", n)
				}
			}
		}
		// Every activity carries d-portal's attributes, by URI.
		for _, tl := range []struct{ path, attr string }{
			{"", "{" + nsDstore + "}dataset"}, {"", "{" + nsDstore + "}index"}, {"", "{" + nsDpAct + "}version"},
		} {
			if n := Tally(f, tl.path, tl.attr)[""]; n != 0 {
				t.Errorf("%s missing on %d activities", tl.attr, n)
			}
		}
		if r := related(f); r.inside != 0 {
			t.Errorf("%d related-activity inside the file, want 0", r.inside)
		}
		// The comma inside one pos is kept as text.
		found := false
		for _, a := range f.Activities {
			for _, p := range a.All("location/point/pos") {
				found = found || p.Text == "6.8216, -58.1618"
			}
		}
		if !found {
			t.Error(`no pos "6.8216, -58.1618"`)
		}
		// The 73 values with too many decimals are USD with three.
		three := 0
		for _, a := range f.Activities {
			for _, v := range a.All("transaction/value") {
				d := decimal.RequireFromString(v.Text)
				if v.attr("currency") == "USD" && SignificantDecimals(d) == 3 {
					three++
				}
			}
		}
		if three != 73 || x.ExcessDecimals != 73 {
			t.Errorf("%d USD values with 3 decimals, %d with too many; want 73", three, x.ExcessDecimals)
		}
	})
	t.Run("p124 sectors without code", func(t *testing.T) {
		f := parseExample(t, "dportal-covid-p124-italy-aics-v2.01.xml")
		if n := Tally(f, "sector", "code")[""]; n != 7 {
			t.Errorf("%d sectors without @code, want 7", n)
		}
		if got := Tally(f, "", "{"+nsDpAct+"}version"); !reflect.DeepEqual(got, map[string]int{"2.01": 100}) {
			t.Errorf("publisher's versions %v", got)
		}
		r := related(f)
		if r != (relatedFacts{distinct: 165, inside: 13558, repeated: 5016, fewest: 73, most: 215}) {
			t.Errorf("related-activity %+v", r)
		}
		if n := Tally(f, "default-aid-type", "vocabulary")[""]; n != 0 {
			t.Errorf("%d default-aid-type without @vocabulary, want 0", n)
		}
		if n := Tally(f, "", "humanitarian")[""]; n != 100 {
			t.Errorf("@humanitarian absent on %d, want 100", n)
		}
	})
	t.Run("p099 negatives", func(t *testing.T) {
		f := parseExample(t, "dportal-covid-p099-denmark-undp-ifad-v2.03.xml")
		// UNDP 19: type 4 13, type 1 5, type 3 1; Denmark 4: type 3 3, type 2 1.
		want := map[string]int{"XM-DAC-41114 4": 13, "XM-DAC-41114 1": 5, "XM-DAC-41114 3": 1, "XM-DAC-3-1 3": 3, "XM-DAC-3-1 2": 1}
		got := map[string]int{}
		for _, a := range f.Activities {
			for _, tr := range a.All("transaction") {
				if d, err := decimal.NewFromString(tr.Child("value").Text); err == nil && d.IsNegative() {
					got[a.Child("reporting-org").attr("ref")+" "+tr.Child("transaction-type").attr("code")]++
				}
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("negatives %v, want %v", got, want)
		}
		if r := related(f); r.inside != 46 {
			t.Errorf("%d related-activity inside the file, want 46", r.inside)
		}
		if n := Tally(f, "", "humanitarian")[""]; n != 64 {
			t.Errorf("@humanitarian absent on %d, want 64", n)
		}
		cbi := 0
		for _, a := range f.Activities {
			for _, c := range a.All("country-budget-items") {
				with := slices.ContainsFunc(c.All("budget-item"), func(n *Node) bool {
					_, ok := n.Attr("", "vocabulary")
					return ok
				})
				if with && c.attr("vocabulary") == "4" {
					cbi++
				}
			}
		}
		if cbi != 21 {
			t.Errorf("%d country-budget-items with budget-item/@vocabulary, want 21", cbi)
		}
		x := FactsOf(f)
		zero := 0
		for _, a := range f.Activities {
			for _, v := range a.All("budget/value") {
				if d, _ := decimal.NewFromString(v.Text); d.IsZero() {
					zero++
				}
			}
		}
		if zero != 1 || x.BudgetsByCurrency["USD"].IsZero() {
			t.Errorf("%d zero budget values, want 1", zero)
		}
	})
	t.Run("p116 sums exactly", func(t *testing.T) {
		f := parseExample(t, "dportal-covid-2749528-p116-germany-iom-v2.03.xml")
		if n := 100 - Tally(f, "", "{"+nsDpAct+"}generated-datetime")[""]; n != 100 {
			t.Errorf("generated-datetime on %d, want 100", n)
		}
		if n := 100 - Tally(f, "", "{"+nsDpAct+"}linked-data-default")[""]; n != 51 {
			t.Errorf("linked-data-default on %d, want 51", n)
		}
		x := FactsOf(f)
		// The float artefacts survive in the exact sums.
		for _, k := range []string{"2:EUR", "3:EUR"} {
			if d := x.Totals[k]; SignificantDecimals(d) != 12 {
				t.Errorf("Totals[%s] = %s, want the 12 decimals of the float artefacts", k, d)
			}
		}
		if got := Tally(f, "recipient-region", "vocabulary"); !reflect.DeepEqual(got, map[string]int{"2": 11, "1": 1}) {
			t.Errorf("region vocabularies %v", got)
		}
		if got := Tally(f, "policy-marker", "vocabulary"); !reflect.DeepEqual(got, map[string]int{"1": 511, "99": 48}) {
			t.Errorf("policy-marker vocabularies %v", got)
		}
	})
	t.Run("annotated example uses every element", func(t *testing.T) {
		f := parseExample(t, "activity-standard-example-annotated-203.xml")
		x := FactsOf(f)
		for _, name := range activityOrder {
			if x.Elements[name] == 0 {
				t.Errorf("%s not in the annotated example", name)
			}
		}
		for k := range x.Elements {
			if !strings.Contains(k, "/") && !slices.Contains(activityOrder, k) {
				t.Errorf("%s is not in the schema's sequence", k)
			}
		}
		if got := x.Totals["1:AUD"]; !got.Equal(decimal.NewFromInt(1000)) {
			t.Errorf("Totals[1:AUD] = %s", got)
		}
	})
	t.Run("organisation file is refused", func(t *testing.T) {
		if _, err := ParseFile(filepath.Join(examples(t), "organisation-example-203.xml")); err == nil {
			t.Error("parsed an iati-organisations file")
		}
	})
}

func TestDecimals(t *testing.T) {
	for _, c := range []struct {
		value, currency string
		sig             int
		excess          bool
	}{
		{"100", "USD", 0, false},
		{"100.00", "USD", 0, false},
		{"100.000", "USD", 0, false},
		{"100.50", "USD", 1, false},
		{"133655.048", "USD", 3, true},
		{"133655.048", "KWD", 3, false},
		{"1.5", "JPY", 1, true},
		{"1.0", "ISK", 0, false},
		{"-280662.76", "EUR", 2, false},
		{"25690.199999999997", "EUR", 12, true},
		{"1e3", "USD", 0, false},
		{"1.25e1", "JPY", 1, true},
	} {
		d := decimal.RequireFromString(c.value)
		if got := SignificantDecimals(d); got != c.sig {
			t.Errorf("SignificantDecimals(%s) = %d, want %d", c.value, got, c.sig)
		}
		if got := SignificantDecimals(d) > MinorUnit(c.currency); got != c.excess {
			t.Errorf("%s %s: excess %v, want %v", c.value, c.currency, got, c.excess)
		}
	}
}

const small = `<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03" xml:lang="fr" xmlns:d="http://d-portal.org/xmlns/dstore">
 <!-- a comment -->
 <iati-activity default-currency="EUR" xml:lang="en" d:index="7">
  <iati-identifier> XX-1 </iati-identifier>
  <title><narrative>Title</narrative><narrative xml:lang="es">Título</narrative></title>
  <sector code="1" percentage="50"/>
  <sector code="2" percentage="50"/>
  <sector code="3" percentage="0"/>
  <budget><value value-date="2020-01-01">10</value></budget>
  <transaction><transaction-type code="11"/><value value-date="2020-01-01">100</value></transaction>
  <transaction><transaction-type code="11"/><value currency="USD" value-date="2020-01-01">2.50</value></transaction>
  <transaction><transaction-type code="3"/><value value-date="2020-01-01">-1.005</value><d:extra>x</d:extra></transaction>
  <d:note d:kind="k">hello</d:note>
 </iati-activity>
 <iati-activity><iati-identifier>XX-2</iati-identifier></iati-activity>
</iati-activities>`

func TestParseSmall(t *testing.T) {
	f, err := Parse(strings.NewReader(small))
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != "2.03" || f.Lang != "fr" || len(f.Activities) != 2 {
		t.Fatalf("file %+v", f)
	}
	a := f.Activities[0]
	if Identifier(a) != "XX-1" || Identifier(f.Activities[1]) != "XX-2" {
		t.Errorf("identifiers %q %q", Identifier(a), Identifier(f.Activities[1]))
	}
	if v, ok := a.Attr(nsDstore, "index"); !ok || v != "7" {
		t.Errorf("dstore:index %q %v", v, ok)
	}
	if v, _ := a.Attr("xml", "lang"); v != "en" {
		t.Errorf("xml:lang %q", v)
	}
	for _, at := range a.Attrs {
		if at.Space == "xmlns" || at.Name == "xmlns" {
			t.Errorf("xmlns declaration kept: %+v", at)
		}
	}
	x := FactsOf(f)
	want := map[string]decimal.Decimal{
		"11:EUR": decimal.NewFromInt(100),
		"11:USD": decimal.RequireFromString("2.5"),
		"3:EUR":  decimal.RequireFromString("-1.005"),
	}
	if len(x.Totals) != len(want) {
		t.Errorf("Totals %v", x.Totals)
	}
	for k, d := range want {
		if !x.Totals[k].Equal(d) {
			t.Errorf("Totals[%s] = %s, want %s", k, x.Totals[k], d)
		}
	}
	if x.Activities != 2 || x.Transactions != 3 || x.Negative != 1 || x.ExcessDecimals != 1 || x.MissingDefaultCurrency != 1 {
		t.Errorf("facts %+v", x)
	}
	if x.Elements["sector"] != 3 || x.Elements["transaction/value"] != 3 ||
		x.Elements["transaction/{"+nsDstore+"}extra"] != 1 || x.Elements["{"+nsDstore+"}note"] != 1 {
		t.Errorf("Elements %v", x.Elements)
	}
	if !x.BudgetsByCurrency["EUR"].Equal(decimal.NewFromInt(10)) {
		t.Errorf("budgets %v", x.BudgetsByCurrency)
	}
	if !reflect.DeepEqual(x.Narratives, map[string]int{"en": 1, "es": 1}) {
		t.Errorf("narratives %v", x.Narratives)
	}
}

func TestCanonicalSmall(t *testing.T) {
	f, err := Parse(strings.NewReader(small))
	if err != nil {
		t.Fatal(err)
	}
	c := Canonical(f.Activities[0], f.Lang)
	var names []string
	for _, ch := range c.Children {
		names = append(names, ch.key())
	}
	wantNames := []string{"iati-identifier", "title", "sector", "sector", "sector", "budget",
		"transaction", "transaction", "transaction", "{" + nsDstore + "}note"}
	if !reflect.DeepEqual(names, wantNames) {
		t.Errorf("children %v", names)
	}
	if _, ok := c.Attr("", "default-currency"); ok {
		t.Error("default-currency kept")
	}
	if _, ok := c.Attr("xml", "lang"); ok {
		t.Error("activity xml:lang kept")
	}
	for _, v := range c.All("transaction/value") {
		if cur, _ := v.Attr("", "currency"); cur == "" {
			t.Error("value without currency")
		}
	}
	if cur, _ := c.All("transaction/value")[1].Attr("", "currency"); cur != "USD" {
		t.Errorf("explicit currency became %s", cur)
	}
	if cur, _ := c.All("budget/value")[0].Attr("", "currency"); cur != "EUR" {
		t.Errorf("budget currency %s", cur)
	}
	langs := []string{}
	for _, n := range c.All("title/narrative") {
		l, _ := n.Attr(XMLNamespace, "lang")
		langs = append(langs, l)
	}
	if !reflect.DeepEqual(langs, []string{"en", "es"}) {
		t.Errorf("narrative langs %v", langs)
	}
	// The file's language serves when the activity has none.
	b := f.Activities[0].Clone()
	b.DelAttr("xml", "lang")
	if d := Diff(Canonical(b, "en"), c); len(d) != 0 {
		t.Errorf("file language not inherited: %v", d)
	}
	if d := Diff(Canonical(b, "fr"), c); !slices.Equal(d, []string{"title/narrative[1]/@xml:lang: fr != en"}) {
		t.Errorf("diff %q", d)
	}
	// Canonical does not touch its argument.
	if _, ok := f.Activities[0].Attr("", "default-currency"); !ok {
		t.Error("Canonical changed the activity")
	}
}

func TestDiffLines(t *testing.T) {
	f, err := Parse(strings.NewReader(small))
	if err != nil {
		t.Fatal(err)
	}
	a := Canonical(f.Activities[0], f.Lang)
	for _, c := range []struct {
		name   string
		change func(b *Node)
		want   []string
	}{
		{"value text", func(b *Node) { b.All("transaction/value")[0].Text = "100.00" },
			[]string{"transaction[1]/value: text 100 != 100.00"}},
		{"attribute", func(b *Node) { b.All("sector")[1].SetAttr("", "percentage", "40") },
			[]string{"sector[2]/@percentage: 50 != 40"}},
		{"attribute missing", func(b *Node) { b.All("transaction/value")[2].DelAttr("", "currency") },
			[]string{"transaction[3]/value/@currency: missing in b"}},
		{"middle sector missing", func(b *Node) { b.Children = slices.Delete(b.Children, 3, 4) },
			[]string{"sector[2]: missing in b"}},
		{"extra element", func(b *Node) { b.Children = append(b.Children, &Node{Name: "tag"}) },
			[]string{"tag: missing in a"}},
		{"other namespace", func(b *Node) { b.SetAttr(nsDstore, "index", "8"); b.All("transaction")[2].Children[2].Text = "y" },
			[]string{"@{" + nsDstore + "}index: 7 != 8", "transaction[3]/{" + nsDstore + "}extra: text x != y"}},
		{"space in text", func(b *Node) { b.Child("iati-identifier").Text = "" },
			[]string{`iati-identifier: text XX-1 != ""`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := a.Clone()
			c.change(b)
			if got := Diff(a, b); !slices.Equal(got, c.want) {
				t.Errorf("Diff = %q, want %q", got, c.want)
			}
		})
	}
	long := strings.Repeat("word ", 40)
	x, y := &Node{Name: "narrative", Text: long + "a"}, &Node{Name: "narrative", Text: long + "b"}
	if got := Diff(x, y); len(got) != 1 || len(got[0]) > 200 || !strings.Contains(got[0], "a != …") {
		t.Errorf("long text diff %q", got)
	}
	if got := Diff(x, &Node{Name: "title"}); !slices.Equal(got, []string{".: name narrative != title"}) {
		t.Errorf("name diff %q", got)
	}
}

var dportal = []string{
	"dportal-covid-p112-undp-unhcr-v2.03.xml",
	"dportal-covid-p124-italy-aics-v2.01.xml",
	"dportal-covid-p099-denmark-undp-ifad-v2.03.xml",
	"dportal-covid-2749528-p116-germany-iom-v2.03.xml",
	"spain-maec-indonesia-2.01.xml",
	"activity-standard-example-annotated-203.xml",
}

// shuffle permutes the activity's children at random while keeping the
// order of same-named siblings, and shuffles every element's attributes.
func shuffle(rng *rand.Rand, a *Node) {
	groups := map[string][]*Node{}
	var keys []string
	for _, c := range a.Children {
		if _, ok := groups[c.key()]; !ok {
			keys = append(keys, c.key())
		}
		groups[c.key()] = append(groups[c.key()], c)
	}
	var bag []string
	for _, c := range a.Children {
		bag = append(bag, c.key())
	}
	rng.Shuffle(len(bag), func(i, j int) { bag[i], bag[j] = bag[j], bag[i] })
	next := map[string]int{}
	for i, k := range bag {
		a.Children[i] = groups[k][next[k]]
		next[k]++
	}
	var attrs func(n *Node)
	attrs = func(n *Node) {
		rng.Shuffle(len(n.Attrs), func(i, j int) { n.Attrs[i], n.Attrs[j] = n.Attrs[j], n.Attrs[i] })
		for _, c := range n.Children {
			attrs(c)
		}
	}
	attrs(a)
}

// explicit states what Canonical infers: each currency-bearing value gets
// @currency, each narrative xml:lang, and the activity loses both defaults.
func explicit(a *Node, fileLang string) {
	if cur, ok := a.Attr("", "default-currency"); ok {
		for _, p := range []string{"budget/value", "transaction/value", "planned-disbursement/value", "crs-add/loan-status", "fss/forecast"} {
			for _, v := range a.All(p) {
				if _, ok := v.Attr("", "currency"); !ok {
					v.SetAttr("", "currency", cur)
				}
			}
		}
		a.DelAttr("", "default-currency")
	}
	var walk func(n *Node, lang string)
	walk = func(n *Node, lang string) {
		if l, ok := n.Attr("xml", "lang"); ok {
			lang = l
		}
		if n.Space == "" && n.Name == "narrative" {
			if lang != "" {
				n.SetAttr("xml", "lang", lang)
			}
			return
		}
		n.DelAttr("xml", "lang")
		for _, c := range n.Children {
			walk(c, lang)
		}
	}
	walk(a, fileLang)
}

func TestCanonicalIgnoresForm(t *testing.T) {
	dir := examples(t)
	rng := rand.New(rand.NewSource(1))
	for _, name := range dportal {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			// The same file with other prefixes for the same namespaces.
			renamed := raw
			for _, p := range [][2]string{{"dstore", "ds"}, {"iati-activities", "dpa"}, {"unhcr", "u"}} {
				renamed = bytes.ReplaceAll(renamed, []byte("xmlns:"+p[0]+"="), []byte("xmlns:"+p[1]+"="))
				renamed = bytes.ReplaceAll(renamed, []byte(p[0]+":"), []byte(p[1]+":"))
			}
			if strings.HasPrefix(name, "dportal") && !bytes.Contains(renamed, []byte(` ds:dataset="`)) {
				t.Fatal("prefixes not renamed")
			}
			g, err := Parse(bytes.NewReader(renamed))
			if err != nil {
				t.Fatal(err)
			}
			if len(g.Activities) != len(f.Activities) {
				t.Fatalf("%d activities after renaming, want %d", len(g.Activities), len(f.Activities))
			}
			for i, a := range f.Activities {
				ca := Canonical(a, f.Lang)
				if d := Diff(ca, Canonical(a, f.Lang)); len(d) != 0 {
					t.Fatalf("%s: differs from itself: %v", Identifier(a), d)
				}
				if d := Diff(ca, Canonical(g.Activities[i], g.Lang)); len(d) != 0 {
					t.Fatalf("%s: prefixes matter: %v", Identifier(a), d)
				}
				b := a.Clone()
				shuffle(rng, b)
				if d := Diff(ca, Canonical(b, f.Lang)); len(d) != 0 {
					t.Fatalf("%s: order matters: %v", Identifier(a), d)
				}
				explicit(b, f.Lang)
				if _, ok := b.Attr("", "default-currency"); ok {
					t.Fatal("default-currency not removed")
				}
				if d := Diff(ca, Canonical(b, "")); len(d) != 0 {
					t.Fatalf("%s: defaults matter: %v", Identifier(a), d)
				}
			}
		})
	}
}

func TestDiffRealChanges(t *testing.T) {
	f := parseExample(t, "dportal-covid-p099-denmark-undp-ifad-v2.03.xml")
	// An activity with at least three transactions and three distinct sectors.
	var a *Node
	for _, x := range f.Activities {
		s := x.All("sector")
		if len(x.All("transaction")) >= 3 && len(s) >= 3 && fingerprint(s[0]) != fingerprint(s[1]) && fingerprint(s[1]) != fingerprint(s[2]) {
			a = x
			break
		}
	}
	if a == nil {
		t.Fatal("no activity with 3 transactions and 3 sectors")
	}
	ca := Canonical(a, f.Lang)
	v3 := ca.All("transaction")[2].Child("value")
	newValue := decimal.RequireFromString(v3.Text).Add(decimal.NewFromInt(1)).String()
	code := ca.All("sector")[0].attr("code")
	cur := v3.attr("currency")
	for _, c := range []struct {
		name   string
		change func(b *Node)
		want   []string
	}{
		{"changed value", func(b *Node) { b.All("transaction")[2].Child("value").Text = newValue },
			[]string{"transaction[3]/value: text " + v3.Text + " != " + newValue}},
		{"changed currency", func(b *Node) { b.All("transaction")[2].Child("value").SetAttr("", "currency", "XYZ") },
			[]string{"transaction[3]/value/@currency: " + cur + " != XYZ"}},
		{"missing sector", func(b *Node) {
			s := b.All("sector")[1]
			b.Children = slices.DeleteFunc(b.Children, func(n *Node) bool { return n == s })
		}, []string{"sector[2]: missing in b"}},
		{"changed attribute", func(b *Node) { b.All("sector")[0].SetAttr("", "code", "99999") },
			[]string{"sector[1]/@code: " + code + " != 99999"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := a.Clone()
			c.change(b)
			if got := Diff(ca, Canonical(b, f.Lang)); !slices.Equal(got, c.want) {
				t.Errorf("Diff = %q, want %q", got, c.want)
			}
		})
	}
	// Different activities differ, and the other way round too.
	if len(Diff(ca, Canonical(f.Activities[0], f.Lang))) == 0 && a != f.Activities[0] {
		t.Error("two activities without a difference")
	}
}

func TestParseLatin1(t *testing.T) {
	doc := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<iati-activities version=\"2.03\"><iati-activity><iati-identifier>Caf\xe9</iati-identifier></iati-activity></iati-activities>"
	f, err := Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := Identifier(f.Activities[0]); got != "Café" {
		t.Errorf("identifier %q", got)
	}
	if _, err := Parse(strings.NewReader("<iati-activities><x></iati-activities>")); err == nil {
		t.Error("unbalanced document parsed")
	}
}
