package money

import (
	"testing"
)

func TestParseKeepsScale(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"79929.00", "79929.00", true},
		{"0.10", "0.10", true},
		{"-12.5", "-12.5", true},
		{"46", "46", true},
		{"123456789012345678901234567890.12", "123456789012345678901234567890.12", true},
		{"1e9", "", false},
		{"12.", "", false},
		{".5", "", false},
		{"+3", "", false},
		{"NaN", "", false},
		{"1,000", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		d, err := Parse(c.in)
		if (err == nil) != c.ok {
			t.Errorf("Parse(%q) error = %v, want ok=%v", c.in, err, c.ok)
			continue
		}
		if c.ok && d.String() != c.want {
			t.Errorf("Parse(%q).String() = %q, want %q", c.in, d.String(), c.want)
		}
	}
}

func TestScanReadsWhatValueWrites(t *testing.T) {
	for _, src := range []any{"79929.00", []byte("79929.00")} {
		var d Decimal
		if err := d.Scan(src); err != nil {
			t.Fatalf("Scan(%v): %v", src, err)
		}
		v, _ := d.Value()
		if v != "79929.00" {
			t.Errorf("round trip of %v gave %v", src, v)
		}
	}
	var d Decimal
	if err := d.Scan(79929.0); err == nil {
		t.Error("Scan accepted a float; amounts must never pass through floats")
	}
}

func TestValidateCurrency(t *testing.T) {
	for code, ok := range map[string]bool{"USD": true, "EUR": true, "XOF": true, "usd": false, "US": false, "ABC": false, "": false} {
		if err := ValidateCurrency(code); (err == nil) != ok {
			t.Errorf("ValidateCurrency(%q) = %v, want ok=%v", code, err, ok)
		}
	}
}
