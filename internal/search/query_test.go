package search

import (
	"strings"
	"testing"

	"github.com/aidregistry/registry/internal/apperr"
)

func TestTerms(t *testing.T) {
	cases := []struct {
		query string
		want  string // words joined by spaces; "" when refused
		err   string
	}{
		{"QUESTS", "quests", ""},
		{"QUESTS-MIDA", "quests mida", ""},
		{"  Malian   diaspora ", "malian diaspora", ""},
		{"Université LIBRE universite", "université libre", ""}, // the same word twice, once without accents
		{`"Libre" OR -Bruxelles*`, "libre or bruxelles", ""},
		{"S72-805", "s72 805", ""},
		{"", "", "empty"},
		{" \t ", "", "empty"},
		{"-- !! ?", "", "no words"},
		{strings.Repeat("a", MaxQueryLength+1), "", "longer than"},
		{strings.Repeat("é", MaxQueryLength), strings.Repeat("é", MaxQueryLength), ""}, // characters, not bytes
		{"a b c d e f g h i j k l", "a b c d e f g h i j k l", ""},
		{"a b c d e f g h i j k l m", "", "at most 12"},
	}
	for _, c := range cases {
		got, err := terms(c.query)
		if c.err != "" {
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.BadUserInput || e.Field != "query" || !strings.Contains(e.Message, c.err) {
				t.Errorf("terms(%.20q) error = %v, want BAD_USER_INPUT on query mentioning %q", c.query, err, c.err)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != c.want {
			t.Errorf("terms(%.20q) = %q, %v; want %q", c.query, got, err, c.want)
		}
	}
}

func TestHighlight(t *testing.T) {
	cases := map[string]string{
		markStart + "IOM" + markStop + " & <UNDP>":    "<mark>IOM</mark> &amp; &lt;UNDP&gt;",
		"two\n lines,  " + markStart + "x" + markStop: "two lines, <mark>x</mark>",
	}
	for in, want := range cases {
		if got := Highlight(in); got != want {
			t.Errorf("Highlight(%q) = %q, want %q", in, got, want)
		}
	}
}
