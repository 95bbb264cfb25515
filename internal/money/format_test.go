package money

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// shopspringString is how String formatted every decimal before it wrote
// small ones itself: the output must not change.
func shopspringString(x Decimal) string {
	if exp := x.d.Exponent(); exp < 0 {
		return x.d.StringFixed(-exp)
	}
	return x.d.String()
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func checkFormat(t *testing.T, x Decimal) {
	t.Helper()
	want := shopspringString(x)
	if got := x.String(); got != want {
		t.Fatalf("String() of %s×10^%d = %q, want %q", x.d.Coefficient(), x.d.Exponent(), got, want)
	}
	var buf bytes.Buffer
	buf.WriteString("[")
	x.MarshalGQL(&buf)
	if got := buf.String(); got != "["+jsonString(want) {
		t.Fatalf("MarshalGQL of %q wrote %s", want, got)
	}
	var sb strings.Builder // not a bytes.Buffer: the general path
	x.MarshalGQL(&sb)
	if got := sb.String(); got != jsonString(want) {
		t.Fatalf("MarshalGQL of %q to a strings.Builder wrote %s", want, got)
	}
	if got, _ := x.MarshalJSON(); string(got) != jsonString(want) {
		t.Fatalf("MarshalJSON of %q = %s", want, got)
	}
	if v, _ := x.Value(); v != want {
		t.Fatalf("Value of %q = %v", want, v)
	}
}

func TestFormatIsPinned(t *testing.T) {
	for in, want := range map[string]string{
		"79929.00": `"79929.00"`, "0.10": `"0.10"`, "-12.5": `"-12.5"`, "46": `"46"`, "0": `"0"`,
		"0.000": `"0.000"`, "-0.05": `"-0.05"`, "-0.00": `"0.00"`, "000123.4500": `"123.4500"`,
		"123456789012345678901234567890.12": `"123456789012345678901234567890.12"`,
		"999999999999999999":                `"999999999999999999"`, "0.000000000000000000001": `"0.000000000000000000001"`,
	} {
		var buf bytes.Buffer
		MustParse(in).MarshalGQL(&buf)
		if buf.String() != want {
			t.Errorf("MarshalGQL of Parse(%q) wrote %s, want %s", in, buf.String(), want)
		}
		checkFormat(t, MustParse(in))
	}
	checkFormat(t, Decimal{}) // the zero value
}

// TestFormatMatchesShopspring compares every path with shopspring's
// formatting: coefficients around the int64 and 18-digit limits, every
// scale, positive exponents (from Scan or arithmetic), random values.
func TestFormatMatchesShopspring(t *testing.T) {
	coefs := []int64{0, 1, -1, 5, 10, 46, 7992900, -1250, 999999999999999999, -999999999999999999,
		1000000000000000000, math.MaxInt64, math.MinInt64, math.MinInt64 + 1}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		coefs = append(coefs, r.Int64N(1<<uint(r.IntN(62)+1))*int64(1-2*r.IntN(2)))
	}
	for _, c := range coefs {
		for exp := int32(-25); exp <= 3; exp++ {
			checkFormat(t, Decimal{d: decimal.New(c, exp)})
		}
	}
	huge, _ := new(big.Int).SetString("-123456789012345678901234567890123", 10)
	for _, exp := range []int32{-40, -2, 0, 2} {
		checkFormat(t, Decimal{d: decimal.NewFromBigInt(huge, exp)})
	}
	for _, s := range []string{"1e3", "1.5E-7", "-0.0", "79929.00"} { // as Scan reads stored text
		var d Decimal
		if err := d.Scan(s); err != nil {
			t.Fatal(err)
		}
		checkFormat(t, d)
	}
}
