package identity

import "testing"

// TestCanonical: the known equivalences, and what they leave alone.
func TestCanonical(t *testing.T) {
	cases := []struct {
		ref, want string
		ok        bool
	}{
		{"41114", "XM-DAC-41114", true},                  // a bare DAC channel code
		{"47066", "XM-DAC-47066", true},                  // IOM
		{" XM-DAC-41122 ", "XM-DAC-41122", true},         // spaces trimmed
		{"ES-DIR3-E04585801", "ES-DIR3-E04585801", true}, // an agency the codelist knows
		{"22000", "22000", false},                        // a class of channel, not an organisation
		{"00043", "00043", false},                        // UNDP's own donor code
		{"N/A", "N/A", false},
		{"XM-DAC-XM-DAC\u00a0|\u00a0OECD Development Assi", "XM-DAC-XM-DAC\u00a0|\u00a0OECD Development Assi", false},
		{"", "", false},
	}
	for _, c := range cases {
		got, ok := Canonical(c.ref)
		if got != c.want || ok != c.ok {
			t.Errorf("Canonical(%q) = %q, %v; want %q, %v", c.ref, got, ok, c.want, c.ok)
		}
	}
}
