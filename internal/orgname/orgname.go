// Package orgname normalises organisation names and identifiers so that
// the forms publishers write for one organisation compare equal: case,
// accents, punctuation, a trailing acronym in brackets and a leading "The"
// do not matter. It has no dependencies, so ent's schema hooks can use it.
package orgname

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// trailingAcronym is a bracketed acronym at the end of a name:
// "International Organization for Migration (IOM)".
var trailingAcronym = regexp.MustCompile(`\s*[\(\[]\s*[\p{L}\p{N}&.\-/ ]{1,20}\s*[\)\]]\s*$`)

// Key is the form names are matched by at import: lower case, accents
// removed, punctuation as spaces, without a trailing acronym in brackets
// or a leading "The". "The International Organization for Migration (IOM)"
// and "INTERNATIONAL ORGANIZATION FOR MIGRATION" have the same key. An
// empty key means the name has nothing to match on.
func Key(name string) string {
	name = strings.TrimSpace(name)
	if stripped := trailingAcronym.ReplaceAllString(name, ""); strings.TrimSpace(stripped) != "" {
		name = stripped
	}
	words := words(name)
	if len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// Acronym is the acronym a name ends with in brackets ("IOM" of
// "International Organization for Migration (IOM)"), or "".
func Acronym(name string) string {
	m := trailingAcronym.FindString(name)
	if m == "" {
		return ""
	}
	a := strings.Trim(strings.TrimSpace(m), "()[] ")
	if strings.ContainsRune(a, ' ') || a == "" {
		return ""
	}
	return a
}

// stopWords are left out of SimilarKey: the words names differ by without
// naming another organisation.
var stopWords = map[string]bool{
	"the": true, "of": true, "for": true, "and": true, "on": true, "in": true, "to": true,
	"de": true, "del": true, "la": true, "las": true, "los": true, "el": true, "des": true,
	"du": true, "le": true, "les": true, "et": true, "y": true, "per": true, "di": true,
	"fur": true, "und": true,
}

// SimilarKey is a looser form for listing possible duplicates, never for
// merging: Key without small words, in sorted order, with British and
// American spellings of "organisation" folded, so "GOVERNMENT OF RUSSIAN
// FEDERATION" and "Government of the Russian Federation" agree.
func SimilarKey(name string) string {
	var out []string
	for _, w := range strings.Fields(Key(name)) {
		if stopWords[w] {
			continue
		}
		w = strings.ReplaceAll(w, "organis", "organiz")
		out = append(out, w)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	return strings.Join(out, " ")
}

// words splits a name into lower-case words without accents; any
// character that is not a letter or a digit separates words, and an
// apostrophe joins ("children's" is "childrens").
func words(s string) []string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '\'' || r == '’':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(' ')
		}
	}
	return strings.Fields(b.String())
}

// Ref trims an identifier as publishers write it: surrounding spaces,
// including no-break spaces, go.
func Ref(ref string) string {
	return strings.TrimFunc(ref, unicode.IsSpace)
}
