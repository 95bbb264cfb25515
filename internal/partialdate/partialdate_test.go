package partialdate

import "testing"

func TestValidate(t *testing.T) {
	cases := map[string]bool{
		"2007": true, "2009-04": true, "2009-04-29": true, "2024-02-29": true,
		"2023-02-29": false, "2007-13": false, "2007-00": false, "07": false,
		"2007-4": false, "2009-04-31": false, "2009/04/29": false, "": false, "2007-01-01T00:00:00Z": false,
	}
	for in, ok := range cases {
		if err := Validate(in); (err == nil) != ok {
			t.Errorf("Validate(%q) = %v, want ok=%v", in, err, ok)
		}
	}
}

func TestYearAtEveryPrecision(t *testing.T) {
	for _, in := range []string{"2007", "2007-06", "2007-06-30"} {
		if y, err := Year(in); err != nil || y != 2007 {
			t.Errorf("Year(%q) = %d, %v", in, y, err)
		}
	}
}

func TestUnmarshalKeepsPrecision(t *testing.T) {
	got, err := UnmarshalPartialDate("2007")
	if err != nil || got != "2007" {
		t.Errorf("UnmarshalPartialDate(2007) = %q, %v; a year must stay a year", got, err)
	}
	if _, err := UnmarshalPartialDate(2007); err == nil {
		t.Error("a number was accepted as a PartialDate")
	}
}
