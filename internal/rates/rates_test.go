package rates_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aidregistry/registry/ent/exchangerate"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/rates"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name, csv string
		want      string // "CUR>TO rate date source" per rate, joined by "; "
		err       string
	}{
		{"a table with sources", "currency,to,rate,date,source\nEUR,USD,1.0834,2024,ECB\nGBP,USD,1.2783,2024-06-28,BoE\n",
			"EUR>USD 1.0834 2024 ECB; GBP>USD 1.2783 2024-06-28 BoE", ""},
		{"columns in any order, source from the default", "date, rate, to, currency\n2007,0.7306,EUR,USD\n",
			"USD>EUR 0.7306 2007 rates.csv", ""},
		{"a byte-order mark and capitals in the header", "\ufeffCurrency,To,Rate,Date\nJPY,USD,0.0067,2024\n",
			"JPY>USD 0.0067 2024 rates.csv", ""},
		{"an empty file", "", "", "empty"},
		{"a header only", "currency,to,rate,date\n", "", "no rates"},
		{"a missing column", "currency,rate,date\nEUR,1.1,2024\n", "", `no "to" column`},
		{"a lower-case currency", "currency,to,rate,date\neur,USD,1.1,2024\n", "", "line 2: currency \"eur\""},
		{"a currency that does not exist", "currency,to,rate,date\nEUR,XYZ,1.1,2024\n", "", "line 2: currency \"XYZ\""},
		{"a rate to itself", "currency,to,rate,date\nEUR,EUR,1,2024\n", "", "to itself"},
		{"an exponent", "currency,to,rate,date\nEUR,USD,1e0,2024\n", "", "not a plain decimal"},
		{"a zero rate", "currency,to,rate,date\nEUR,USD,0,2024\n", "", "not positive"},
		{"a month 13", "currency,to,rate,date\nEUR,USD,1.1,2024-13\n", "", "line 2: date"},
		{"a pair and date twice", "currency,to,rate,date\nEUR,USD,1.1,2024\nGBP,USD,1.3,2024\nEUR,USD,1.2,2024\n", "", "line 4: EUR to USD on 2024 is already given on line 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := rates.Parse(strings.NewReader(c.csv), "rates.csv")
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Errorf("error %v, want one mentioning %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, r := range got {
				parts = append(parts, r.Currency+">"+r.To+" "+r.Rate.String()+" "+r.Date+" "+r.Source)
			}
			if s := strings.Join(parts, "; "); s != c.want {
				t.Errorf("got %s, want %s", s, c.want)
			}
		})
	}
}

// TestLoadReplacesAndRepeats: loading a table twice changes nothing; a new
// rate for a pair and date replaces the old one.
func TestLoadReplacesAndRepeats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := auth.AsSystem(context.Background())
		table := func(csv string) []rates.Rate {
			r, err := rates.Parse(strings.NewReader(csv), "test")
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		first := table("currency,to,rate,date\nEUR,USD,1.0834,2024\nGBP,USD,1.2783,2024\n")
		steps := []struct {
			name  string
			rates []rates.Rate
			want  rates.Stats
		}{
			{"first load", first, rates.Stats{Created: 2}},
			{"same table again", first, rates.Stats{}},
			{"a corrected rate and a new one", table("currency,to,rate,date\nEUR,USD,1.0900,2024\nEUR,USD,1.0500,2023\n"), rates.Stats{Created: 1, Replaced: 1}},
		}
		for _, s := range steps {
			got, err := rates.Load(ctx, st.Client, s.rates)
			if err != nil || got != s.want {
				t.Errorf("%s: %+v, %v; want %+v", s.name, got, err, s.want)
			}
		}
		r, err := st.Client.ExchangeRate.Query().Where(exchangerate.Currency("EUR"), exchangerate.Date("2024")).Only(ctx)
		if err != nil || r.Rate.String() != "1.0900" || r.ToCurrency != "USD" {
			t.Errorf("EUR 2024 is %+v, %v; want 1.0900 USD", r, err)
		}
		if n := st.Client.ExchangeRate.Query().CountX(ctx); n != 3 {
			t.Errorf("%d rates stored, want 3", n)
		}
	})
}
