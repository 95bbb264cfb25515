package money

import (
	"fmt"
	"strings"

	"golang.org/x/text/currency"
)

// Money is an exact amount in one ISO 4217 currency.
type Money struct {
	Amount   Decimal `json:"amount"`
	Currency string  `json:"currency"`
}

// New pairs an optional stored amount and currency into Money; nil when the
// record names no sum.
func New(amount *Decimal, currencyCode *string) *Money {
	if amount == nil || currencyCode == nil {
		return nil
	}
	return &Money{Amount: *amount, Currency: *currencyCode}
}

// ValidateCurrency checks an ISO 4217 alphabetic code such as "USD".
func ValidateCurrency(code string) error {
	if len(code) != 3 || strings.ToUpper(code) != code {
		return fmt.Errorf("currency %q is not an ISO 4217 code (three capital letters, e.g. \"USD\")", code)
	}
	if _, err := currency.ParseISO(code); err != nil {
		return fmt.Errorf("currency %q is not an ISO 4217 code", code)
	}
	return nil
}

// MinorDigits is how many decimal places the currency uses (2 for USD, 0 for
// JPY, 3 for KWD).
func MinorDigits(code string) (int, error) {
	u, err := currency.ParseISO(code)
	if err != nil {
		return 0, fmt.Errorf("currency %q is not an ISO 4217 code", code)
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale, nil
}
