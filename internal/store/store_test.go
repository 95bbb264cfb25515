package store

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		url, dialect, dsnHas, err string
	}{
		{"", "sqlite3", "file:registry.db?", ""},
		{"sqlite:data/r.db", "sqlite3", "file:data/r.db?_pragma=foreign_keys(1)", ""},
		{"postgres://u@h:5432/db?sslmode=disable", "postgres", "postgres://u@h:5432/db", ""},
		{"postgresql://u@h/db", "postgres", "postgresql://u@h/db", ""},
		{"sqlite:", "", "", "names no file"},
		{"mysql://h/db", "", "", "unsupported"},
	}
	for _, c := range cases {
		loc, err := Parse(c.url)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Parse(%q) error = %v, want %q", c.url, err, c.err)
			}
			continue
		}
		if err != nil || loc.Dialect != c.dialect || !strings.Contains(loc.DSN, c.dsnHas) {
			t.Errorf("Parse(%q) = %+v, %v", c.url, loc, err)
		}
	}
}
