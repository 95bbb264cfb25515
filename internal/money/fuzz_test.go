package money

import (
	"bytes"
	"testing"
)

// FuzzDecimal: any text a client sends as a Decimal is either refused or
// read into a number that is written back as the same text and reads back
// equal, through GraphQL and JSON alike. Seeds: testdata/fuzz/FuzzDecimal.
func FuzzDecimal(f *testing.F) {
	for _, s := range []string{"0", "79929.00", "-12.5", "1e9", "", "-", "00.10", "1234567890123456789012345678901234567890"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var g Decimal
		gqlErr := g.UnmarshalGQL(s)
		d, err := Parse(s)
		if (err == nil) != (gqlErr == nil) {
			t.Fatalf("Parse and UnmarshalGQL disagree on %q: %v / %v", s, err, gqlErr)
		}
		if err != nil {
			return
		}
		if !d.Equal(g) {
			t.Fatalf("Parse and UnmarshalGQL read %q differently: %s / %s", s, d, g)
		}
		again, err := Parse(d.String())
		if err != nil || !again.Equal(d) {
			t.Fatalf("%q written as %q does not read back (%v)", s, d.String(), err)
		}
		js, err := d.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back Decimal
		if err := back.UnmarshalJSON(js); err != nil || !back.Equal(d) {
			t.Fatalf("%q as JSON %s does not read back (%v)", s, js, err)
		}
		var w bytes.Buffer
		d.MarshalGQL(&w)
		if !bytes.Equal(w.Bytes(), js) {
			t.Fatalf("GraphQL %s and JSON %s differ for %q", w.Bytes(), js, s)
		}
	})
}
