package search

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/aidregistry/registry/internal/apperr"
)

// Limits on what a client may ask.
const (
	MaxQueryLength  = 200 // characters
	MaxTerms        = 12  // distinct words
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// terms splits a query into its distinct words, in the order given: runs of
// letters and digits, so punctuation and search syntax ("-", "*", quotes,
// "OR") are plain separators and nothing a client types can change the
// shape of the SQL. Words are compared without case or accents.
func terms(query string) ([]string, error) {
	q := strings.TrimSpace(query)
	switch {
	case q == "":
		return nil, &apperr.Error{Code: apperr.BadUserInput, Field: "query",
			Message: "the search query is empty: give at least one word"}
	case utf8.RuneCountInString(q) > MaxQueryLength:
		return nil, &apperr.Error{Code: apperr.BadUserInput, Field: "query",
			Message: fmt.Sprintf("the search query is longer than %d characters", MaxQueryLength)}
	}
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	seen := map[string]bool{}
	var out []string
	for _, w := range words {
		key := fold(w)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, strings.ToLower(w))
	}
	switch {
	case len(out) == 0:
		return nil, &apperr.Error{Code: apperr.BadUserInput, Field: "query",
			Message: fmt.Sprintf("the search query %q has no words to search for (letters or digits)", query)}
	case len(out) > MaxTerms:
		return nil, &apperr.Error{Code: apperr.BadUserInput, Field: "query",
			Message: fmt.Sprintf("the search query has %d different words; at most %d are searched", len(out), MaxTerms)}
	}
	return out, nil
}

// fold lowercases a word and strips its accents: "Université" → "universite".
func fold(w string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	s, _, err := transform.String(t, w)
	if err != nil {
		s = w
	}
	return strings.ToLower(s)
}
