package analytics

import (
	"testing"

	"github.com/aidregistry/registry/internal/apperr"
)

// TestTotalKeepsEveryDigit: totals lose trailing zeros only, never a
// significant digit, and keep at least the currency's minor digits.
func TestTotalKeepsEveryDigit(t *testing.T) {
	cases := []struct{ amount, cur, want string }{
		{"79929.00", "USD", "79929.00"},
		{"150.5", "USD", "150.50"},
		{"600.0000", "USD", "600.00"},
		{"26640.335700", "USD", "26640.3357"},
		{"5000", "JPY", "5000"},
		{"5000.000", "JPY", "5000"},
		{"999.999", "KWD", "999.999"},
		{"12345678901234567.90", "USD", "12345678901234567.90"},
		{"-20", "EUR", "-20.00"},
	}
	for _, c := range cases {
		m, err := total(c.amount, c.cur)
		if err != nil || m.Amount.String() != c.want || m.Currency != c.cur {
			t.Errorf("total(%q, %s) = %v, %v; want %s", c.amount, c.cur, m, err, c.want)
		}
	}
}

func TestCheckGroupBy(t *testing.T) {
	cases := []struct {
		groupBy []FundingDimension
		err     string
	}{
		{[]FundingDimension{ByFunder, ByCountry}, ""},
		{nil, "groupBy is empty: give at least one FundingDimension"},
		{[]FundingDimension{ByYear, ByYear}, "groupBy names YEAR twice"},
		{[]FundingDimension{"DONOR"}, `"DONOR" is not a FundingDimension`},
	}
	for _, c := range cases {
		err := checkGroupBy(c.groupBy, FundingDimensions, "FundingDimension")
		if c.err == "" {
			if err != nil {
				t.Errorf("%v: %v", c.groupBy, err)
			}
			continue
		}
		e, ok := apperr.As(err)
		if !ok || e.Code != apperr.BadUserInput || e.Field != "groupBy" || e.Message != c.err {
			t.Errorf("%v: error %v, want BAD_USER_INPUT on groupBy: %s", c.groupBy, err, c.err)
		}
	}
}
