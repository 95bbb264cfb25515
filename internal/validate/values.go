package validate

import (
	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/money"
)

// moneyPair checks an amount and its currency as they will be stored.
func moneyPair(prefix string, amount *money.Decimal, cur *string, negativeOK bool) error {
	switch {
	case amount == nil && cur == nil:
		return nil
	case amount == nil:
		return invalid(prefix+"Amount", "%sCurrency is set but %sAmount is not", prefix, prefix)
	case cur == nil:
		return invalid(prefix+"Currency", "%sAmount needs a currency (%sCurrency, ISO 4217)", prefix, prefix)
	}
	if err := money.ValidateCurrency(*cur); err != nil {
		return invalid(prefix+"Currency", "%v", err)
	}
	digits, err := money.MinorDigits(*cur)
	if err != nil {
		return invalid(prefix+"Currency", "%v", err)
	}
	if amount.Scale() > digits {
		return invalid(prefix+"Amount", "%s has more decimal places than %s uses (%d)", amount, *cur, digits)
	}
	if amount.Sign() < 0 && !negativeOK {
		return invalid(prefix+"Amount", "%s must not be negative (only disbursements and expenditures may be, as corrections)", amount)
	}
	return nil
}

// mergedMoney is the amount and currency after the mutation: its own values,
// else the record's old ones unless cleared.
func mergedMoney(
	amount func() (money.Decimal, bool), amountCleared func() bool,
	cur func() (string, bool), curCleared func() bool,
	old func() (*money.Decimal, *string),
) (*money.Decimal, *string) {
	var oldAmount *money.Decimal
	var oldCur *string
	if old != nil {
		oldAmount, oldCur = old()
	}
	var a *money.Decimal
	if v, ok := amount(); ok {
		a = &v
	} else if !amountCleared() {
		a = oldAmount
	}
	var c *string
	if v, ok := cur(); ok {
		c = &v
	} else if !curCleared() {
		c = oldCur
	}
	return a, c
}

func oldProgrammeMoney(p *ent.Programme) func() (*money.Decimal, *string) {
	if p == nil {
		return nil
	}
	return func() (*money.Decimal, *string) { return p.BudgetAmount, p.BudgetCurrency }
}

// mergedString is a field's value after the mutation.
func mergedString(get func() (string, bool), cleared func() bool, old func() *string) *string {
	if v, ok := get(); ok {
		return &v
	}
	if cleared() {
		return nil
	}
	return old()
}

func oldField[T any](old *T, get func(*T) *string) *string {
	if old == nil {
		return nil
	}
	return get(old)
}

// ordered refuses an end before its start, comparing partial dates at the
// precision they share ("2008" is not before "2008-05").
func ordered(start, end *string, field string) error {
	if start == nil || end == nil {
		return nil
	}
	n := min(len(*start), len(*end))
	if (*end)[:n] < (*start)[:n] {
		return invalid(field, "%s is before the start %s", *end, *start)
	}
	return nil
}
