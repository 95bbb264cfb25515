package iati

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aidregistry/registry/internal/money"
	"github.com/aidregistry/registry/internal/partialdate"
)

// parseDecimal reads an xsd:decimal exactly. White space around it is
// trimmed, and the forms xsd:decimal allows but money.Parse does not are
// normalised: a leading "+", a missing integer part (".5") and a trailing
// point ("5.").
func parseDecimal(s string) (money.Decimal, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return money.Decimal{}, fmt.Errorf("is empty")
	}
	neg := false
	switch t[0] {
	case '+':
		t = t[1:]
	case '-':
		neg, t = true, t[1:]
	}
	if strings.HasPrefix(t, ".") {
		t = "0" + t
	}
	t = strings.TrimSuffix(t, ".")
	if neg {
		t = "-" + t
	}
	d, err := money.Parse(t)
	if err != nil {
		return money.Decimal{}, fmt.Errorf("%q is not a decimal number", strings.TrimSpace(s))
	}
	return d, nil
}

var hundred = money.MustParse("100")

// parsePercentage reads a percentage: a decimal from 0 to 100.
func parsePercentage(s string) (*money.Decimal, error) {
	d, err := parseDecimal(s)
	if err != nil {
		return nil, err
	}
	if d.Sign() < 0 || d.Decimal().GreaterThan(hundred.Decimal()) {
		return nil, fmt.Errorf("%q is not between 0 and 100", strings.TrimSpace(s))
	}
	return &d, nil
}

// isoDateTail is what xsd:date allows after the day (a time zone), and what
// publishers write by mistake (a time).
var dayShape = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

var isoDateTail = regexp.MustCompile(`^(Z|[+-][0-9]{2}:[0-9]{2}|T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})?)$`)

// parseDate reads an IATI iso-date. The day is what is kept: a time zone or
// a time after it is dropped.
func parseDate(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", fmt.Errorf("no date")
	}
	day := t
	if len(t) > 10 && isoDateTail.MatchString(t[10:]) {
		day = t[:10]
	}
	if !dayShape.MatchString(day) {
		return "", fmt.Errorf("%q is not a date (YYYY-MM-DD)", t)
	}
	if err := partialdate.Validate(day); err != nil {
		return "", err
	}
	return day, nil
}

var xsdDateTime = regexp.MustCompile(`^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$`)

// parseDateTime checks an xsd:dateTime and returns it as written.
func parseDateTime(s string) (string, error) {
	t := strings.TrimSpace(s)
	if !xsdDateTime.MatchString(t) {
		return "", fmt.Errorf("%q is not a date and time (YYYY-MM-DDThh:mm:ss)", t)
	}
	if _, err := parseDate(t[:strings.IndexByte(t, 'T')]); err != nil {
		return "", err
	}
	return t, nil
}

// parseCurrency reads an ISO 4217 code; lower case is accepted and
// upper-cased.
func parseCurrency(s string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if err := money.ValidateCurrency(c); err != nil {
		return "", fmt.Errorf("currency %q is not an ISO 4217 code", strings.TrimSpace(s))
	}
	return c, nil
}
