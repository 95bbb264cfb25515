package iatifacts

import (
	"math/big"
	"strings"

	"github.com/shopspring/decimal"
)

// Facts are what a file says, counted and summed exactly. A value's currency
// is its own @currency, else the activity's default-currency ("" when it has
// neither).
type Facts struct {
	Activities   int
	Transactions int
	// Totals sums transaction values exactly by "type:currency" (type the
	// transaction-type code), e.g. "11:USD".
	Totals map[string]decimal.Decimal
	// Elements counts direct children of iati-activity by name ("sector",
	// "location", "policy-marker", ...), plus transaction children under
	// "transaction/NAME" ("transaction/sector"), other namespaces as
	// "{uri}local".
	Elements map[string]int
	// Negative counts transaction values below zero.
	Negative int
	// ExcessDecimals counts transaction values with more significant
	// decimals (trailing zeros not counted: 100.500 has 1) than their
	// currency's ISO 4217 minor unit (MinorUnit).
	ExcessDecimals int
	// BudgetsByCurrency sums budget values by currency.
	BudgetsByCurrency map[string]decimal.Decimal

	// TransactionsByType counts transactions by transaction-type code.
	TransactionsByType map[string]int
	// TransactionCurrencies counts transaction values by currency.
	TransactionCurrencies map[string]int
	// BudgetCurrencies counts budget values by currency.
	BudgetCurrencies map[string]int
	// MissingDefaultCurrency counts activities without @default-currency.
	MissingDefaultCurrency int
	// BadValues counts transaction and budget values that are not decimal
	// numbers (empty ones included); they are not in the sums.
	BadValues int
	// Paths counts every element below iati-activity by its path of names
	// ("result/indicator/period/target", "location/point",
	// "transaction/{http://reporting.unhcr.org/}value-USD").
	Paths map[string]int
	// Narratives counts narratives by language: their own xml:lang, else
	// the nearest enclosing element's, else the activity's, else the
	// file's ("" when none).
	Narratives map[string]int
	// EmptyNarratives counts narratives without text.
	EmptyNarratives int
}

// FactsOf computes the facts of a file.
func FactsOf(f *File) Facts {
	x := Facts{
		Activities:            len(f.Activities),
		Totals:                map[string]decimal.Decimal{},
		Elements:              map[string]int{},
		BudgetsByCurrency:     map[string]decimal.Decimal{},
		TransactionsByType:    map[string]int{},
		TransactionCurrencies: map[string]int{},
		BudgetCurrencies:      map[string]int{},
		Paths:                 map[string]int{},
		Narratives:            map[string]int{},
	}
	for _, a := range f.Activities {
		def, ok := a.Attr("", "default-currency")
		if !ok {
			x.MissingDefaultCurrency++
		}
		for _, c := range a.Children {
			x.Elements[c.key()]++
			if c.Space == "" && c.Name == "transaction" {
				for _, tc := range c.Children {
					x.Elements["transaction/"+tc.key()]++
				}
			}
		}
		countPaths(a, "", x.Paths)
		lang := f.Lang
		if l, ok := a.Attr(XMLNamespace, "lang"); ok {
			lang = l
		}
		countNarratives(a, lang, &x)

		for _, t := range a.All("transaction") {
			x.Transactions++
			typ := ""
			if tt := t.Child("transaction-type"); tt != nil {
				typ = tt.attr("code")
			}
			x.TransactionsByType[typ]++
			v := t.Child("value")
			if v == nil {
				x.BadValues++
				continue
			}
			cur := currencyOf(v, def)
			x.TransactionCurrencies[cur]++
			d, err := decimal.NewFromString(v.Text)
			if err != nil {
				x.BadValues++
				continue
			}
			key := typ + ":" + cur
			x.Totals[key] = x.Totals[key].Add(d)
			if d.Sign() < 0 {
				x.Negative++
			}
			if SignificantDecimals(d) > MinorUnit(cur) {
				x.ExcessDecimals++
			}
		}
		for _, v := range a.All("budget/value") {
			cur := currencyOf(v, def)
			x.BudgetCurrencies[cur]++
			d, err := decimal.NewFromString(v.Text)
			if err != nil {
				x.BadValues++
				continue
			}
			x.BudgetsByCurrency[cur] = x.BudgetsByCurrency[cur].Add(d)
		}
	}
	return x
}

func currencyOf(v *Node, def string) string {
	if c, ok := v.Attr("", "currency"); ok && c != "" {
		return c
	}
	return def
}

func countPaths(n *Node, prefix string, paths map[string]int) {
	for _, c := range n.Children {
		p := prefix + c.key()
		paths[p]++
		countPaths(c, p+"/", paths)
	}
}

func countNarratives(n *Node, lang string, x *Facts) {
	if l, ok := n.Attr(XMLNamespace, "lang"); ok {
		lang = l
	}
	if n.Space == "" && n.Name == "narrative" {
		x.Narratives[lang]++
		if n.Text == "" {
			x.EmptyNarratives++
		}
		return
	}
	for _, c := range n.Children {
		countNarratives(c, lang, x)
	}
}

// SignificantDecimals is the number of decimals of d without trailing
// zeros: 0 for 100.00, 1 for 100.50, 3 for 133655.048.
func SignificantDecimals(d decimal.Decimal) int {
	exp := int(d.Exponent())
	if exp >= 0 {
		return 0
	}
	c := new(big.Int).Set(d.Coefficient())
	ten := big.NewInt(10)
	r := new(big.Int)
	for exp < 0 {
		q, m := new(big.Int).QuoRem(c, ten, r)
		if m.Sign() != 0 {
			break
		}
		c = q
		exp++
	}
	return -exp
}

// MinorUnit is the number of decimals of a currency in ISO 4217: 0 for JPY,
// ISK, KRW and the other currencies without minor unit, 3 for BHD, IQD, JOD,
// KWD, LYD, OMR and TND, 4 for CLF and UYW, else 2 (also for "" and codes it
// does not know).
func MinorUnit(currency string) int {
	switch strings.ToUpper(currency) {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
		"RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	case "CLF", "UYW":
		return 4
	}
	return 2
}

// Tally counts, over all activities of f, the values of attribute attr on
// the elements at path below each activity (see Node.All; "" is the
// activity itself). attr is a local name, "xml:lang", or "{uri}name";
// elements without the attribute count under "".
func Tally(f *File, path, attr string) map[string]int {
	space, name := "", attr
	switch {
	case strings.HasPrefix(attr, "xml:"):
		space, name = XMLNamespace, attr[len("xml:"):]
	case strings.HasPrefix(attr, "{"):
		if i := strings.Index(attr, "}"); i > 0 {
			space, name = attr[1:i], attr[i+1:]
		}
	}
	out := map[string]int{}
	for _, a := range f.Activities {
		for _, n := range a.All(path) {
			v, _ := n.Attr(space, name)
			out[v]++
		}
	}
	return out
}
