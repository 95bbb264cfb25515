// Package money holds the registry's exact amounts: a Decimal that keeps the
// scale it was given ("79929.00" stays "79929.00") in storage and on the
// wire, and Money, an amount with its ISO 4217 currency.
package money

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/aidregistry/registry/internal/apperr"
)

// plainDecimal is the only accepted text form: exponents ("1e9") and floats
// would let rounding in through the back door.
var plainDecimal = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// maxDigits bounds what a client may send; no aid budget needs more.
const maxDigits = 40

// Decimal is an exact decimal number. It is stored as PostgreSQL numeric or
// SQLite text and travels in GraphQL as a string.
type Decimal struct {
	d decimal.Decimal
}

// Parse reads a plain decimal string such as "79929.00" or "-12.5".
func Parse(s string) (Decimal, error) {
	if len(s) > maxDigits+2 || !plainDecimal.MatchString(s) {
		return Decimal{}, fmt.Errorf("%q is not a plain decimal number (digits with an optional fraction, e.g. \"79929.00\")", s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Decimal{}, fmt.Errorf("parse decimal %q: %w", s, err)
	}
	return Decimal{d: d}, nil
}

// MustParse is Parse for literals known to be valid.
func MustParse(s string) Decimal {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// String gives the number with the scale it was written with.
func (x Decimal) String() string {
	var arr [24]byte
	if b, ok := x.appendSmall(arr[:0]); ok {
		return string(b)
	}
	return x.formatted()
}

// formatted is String by shopspring's formatting, for any decimal.
func (x Decimal) formatted() string {
	if exp := x.d.Exponent(); exp < 0 {
		return x.d.StringFixed(-exp)
	}
	return x.d.String()
}

// Decimal exposes the underlying value for arithmetic.
func (x Decimal) Decimal() decimal.Decimal { return x.d }

// Sign reports -1, 0 or 1.
func (x Decimal) Sign() int { return x.d.Sign() }

// Equal compares by value, ignoring scale ("1.0" equals "1.00").
func (x Decimal) Equal(y Decimal) bool { return x.d.Equal(y.d) }

// Value stores the exact text; decimal.Decimal's own Value drops trailing zeros.
func (x Decimal) Value() (driver.Value, error) { return x.String(), nil }

// Scan reads numeric or text columns. Float columns are refused: the registry
// never stores amounts as floats, so one would be a schema error.
func (x *Decimal) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case int64:
		s = strconv.FormatInt(v, 10)
	default:
		return fmt.Errorf("scan decimal: unsupported column type %T", src)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return fmt.Errorf("scan decimal %q: %w", s, err)
	}
	x.d = d
	return nil
}

// MarshalGQL writes the decimal as a JSON string.
func (x Decimal) MarshalGQL(w io.Writer) { x.writeQuoted(w) }

// UnmarshalGQL accepts only strings: a JSON number may already have been
// rounded by the client's float parser before it reached us.
func (x *Decimal) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return apperr.Errorf(apperr.BadUserInput, "Decimal must be a string such as \"79929.00\", got %T", v)
	}
	d, err := Parse(s)
	if err != nil {
		return apperr.Invalid("", err)
	}
	*x = d
	return nil
}

// MarshalJSON writes the decimal as a JSON string, as on the GraphQL wire.
func (x Decimal) MarshalJSON() ([]byte, error) { return x.appendQuoted(make([]byte, 0, 24)), nil }

// UnmarshalJSON reads a decimal from a JSON string.
func (x *Decimal) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("decimal must be a JSON string: %w", err)
	}
	d, err := Parse(s)
	if err != nil {
		return err
	}
	*x = d
	return nil
}

// Scale is the number of digits after the decimal point as written.
func (x Decimal) Scale() int {
	if e := x.d.Exponent(); e < 0 {
		return int(-e)
	}
	return 0
}
