package countries

import "testing"

func TestListIsISO3166(t *testing.T) {
	list := List()
	if len(list) < 245 || len(list) > 252 {
		t.Errorf("%d entries; ISO 3166-1 has 249", len(list))
	}
	seen := map[string]bool{}
	for _, c := range list {
		if len(c.ISO2) != 2 || len(c.ISO3) != 3 || c.Name == "" {
			t.Errorf("malformed entry %+v", c)
		}
		if seen[c.ISO2] {
			t.Errorf("duplicate %s", c.ISO2)
		}
		seen[c.ISO2] = true
	}
	for _, code := range []string{"SO", "ML", "RW", "CD", "BI", "BE", "GB", "FR", "ES", "CI", "US", "KE"} {
		if !seen[code] {
			t.Errorf("%s is missing", code)
		}
	}
	if seen["XK"] {
		t.Error("XK is a user-assigned code, not ISO 3166-1")
	}
}
