package rates

import (
	"strings"
	"testing"

	"github.com/aidregistry/registry/internal/money"
	"github.com/aidregistry/registry/internal/partialdate"
)

// FuzzParse: a rate table is refused with an error or read into rates that
// each hold two ISO 4217 codes, a positive plain decimal and a partial
// date. Seeds: testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"currency,to,rate,date,source\nEUR,USD,1.0834,2024,ECB\nGBP,USD,1.2783,2024-06-28,BoE\n",
		"\ufeffdate,rate,to,currency\n2024,1.1,USD,EUR\n",
		"currency,to,rate,date\nEUR,USD,1e0,2024\n",
		"currency,to,rate,date\nEUR,USD,1.1,2024\nEUR,USD,1.2,2024\n",
		"currency,to,rate\n",
		"",
		"currency,to,rate,date\n\"EUR,USD,1,2024\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rates, err := Parse(strings.NewReader(s), "fuzz")
		if err != nil {
			return
		}
		for _, r := range rates {
			if money.ValidateCurrency(r.Currency) != nil || money.ValidateCurrency(r.To) != nil {
				t.Fatalf("rate with currencies %q→%q accepted from %q", r.Currency, r.To, s)
			}
			if r.Rate.Sign() <= 0 {
				t.Fatalf("rate %s accepted from %q", r.Rate, s)
			}
			if partialdate.Validate(r.Date) != nil {
				t.Fatalf("date %q accepted from %q", r.Date, s)
			}
		}
	})
}
