package partialdate

import (
	"strconv"
	"testing"
)

// FuzzPartialDate: Validate refuses or accepts without panicking; an
// accepted date has a year, and the GraphQL scalar agrees with Validate.
// Seeds: testdata/fuzz/FuzzPartialDate.
func FuzzPartialDate(f *testing.F) {
	for _, s := range []string{"2007", "2009-04", "2009-04-29", "2007-13", "2023-02-29", "0000-00-00", "２００７", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := Validate(s)
		_, gqlErr := UnmarshalPartialDate(s)
		if (err == nil) != (gqlErr == nil) {
			t.Fatalf("Validate and UnmarshalPartialDate disagree on %q: %v / %v", s, err, gqlErr)
		}
		if err != nil {
			return
		}
		y, err := Year(s)
		if err != nil || strconv.Itoa(y) != s[:4] && y >= 1000 {
			t.Fatalf("Year(%q) = %d, %v", s, y, err)
		}
		if len(s) != 4 && len(s) != 7 && len(s) != 10 {
			t.Fatalf("%q accepted with length %d", s, len(s))
		}
	})
}
