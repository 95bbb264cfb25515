// Package partialdate handles ISO 8601 dates at the precision a source gives
// them: "2007", "2009-04" or "2009-04-29". A year stays a year; it is never
// widened to a first of January.
package partialdate

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/internal/apperr"
)

var shape = regexp.MustCompile(`^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$`)

// Validate reports whether s is a partial date at year, month or day precision.
func Validate(s string) error {
	m := shape.FindStringSubmatch(s)
	if m == nil {
		return fmt.Errorf("%q is not a partial date (YYYY, YYYY-MM or YYYY-MM-DD)", s)
	}
	if m[2] == "" {
		return nil
	}
	month, _ := strconv.Atoi(m[2])
	if month < 1 || month > 12 {
		return fmt.Errorf("%q has no month %d", s, month)
	}
	if m[3] == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return fmt.Errorf("%q is not a calendar day", s)
	}
	return nil
}

// Year returns the year of a valid partial date.
func Year(s string) (int, error) {
	if err := Validate(s); err != nil {
		return 0, err
	}
	return strconv.Atoi(s[:4])
}

// MarshalPartialDate writes a partial date as a JSON string (gqlgen scalar).
func MarshalPartialDate(s string) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		b, _ := json.Marshal(s)
		_, _ = w.Write(b)
	})
}

// UnmarshalPartialDate checks a GraphQL input value (gqlgen scalar).
func UnmarshalPartialDate(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", apperr.Errorf(apperr.BadUserInput, "PartialDate must be a string such as \"2007\" or \"2009-04-29\", got %T", v)
	}
	if err := Validate(s); err != nil {
		return "", apperr.Invalid("", err)
	}
	return s, nil
}
