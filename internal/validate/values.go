package validate

import (
	"context"
	"fmt"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/money"
)

type asPublishedKey struct{}

// AsPublished marks writes that keep a publisher's record (an IATI
// import): the rules on values (signs, minor digits, shares within 100,
// dates in order) protect what people type in, and are not applied to
// what a publisher published; the importer notes each departure instead
// (MoneyDepartures). Unique codes, references and cycles are still
// refused.
func AsPublished(ctx context.Context) context.Context {
	return context.WithValue(ctx, asPublishedKey{}, true)
}

func asPublished(ctx context.Context) bool { return ctx.Value(asPublishedKey{}) != nil }

type freeCodeKey struct{}

// CodeFree says the caller has read, in the transaction it writes in, that
// no programme has this code: creating one with it need not ask again.
// An import reads the codes of a batch of activities at once; asking once
// more for each programme it creates would cost a statement each. A code
// taken since by another transaction is still refused, by the store's
// unique index.
func CodeFree(ctx context.Context, code string) context.Context {
	return context.WithValue(ctx, freeCodeKey{}, code)
}

// vouchedFree reports whether the caller vouched that no record holds
// value (CodeFree, IdentifierFree: key is the one each uses).
func vouchedFree(ctx context.Context, key any, value string) bool {
	free, ok := ctx.Value(key).(string)
	return ok && free == value
}

type freeIdentifierKey struct{}

// IdentifierFree says the caller has read, in the transaction it writes
// in, that no organisation has this IATI identifier: creating one with it
// need not ask again (an import matched the identifier against the store
// before deciding to create). One taken since by another transaction is
// still refused, by the store's unique index.
func IdentifierFree(ctx context.Context, ref string) context.Context {
	return context.WithValue(ctx, freeIdentifierKey{}, ref)
}

// Departure is a value that breaks a rule typed-in writes are held to: an
// import keeps it and notes it, a person's write is refused for it.
type Departure struct {
	Code, Message string
}

// MoneyDepartures lists how an amount in a valid currency breaks the
// registry's rules: more decimal places than the currency uses, or a
// negative value where negativeOK is false.
func MoneyDepartures(amount money.Decimal, currency string, negativeOK bool) []Departure {
	var out []Departure
	if digits, err := money.MinorDigits(currency); err == nil && amount.Scale() > digits {
		out = append(out, Departure{iati.NoteExcessDecimals,
			fmt.Sprintf("%s has more decimal places than %s uses (%d)", amount, currency, digits)})
	}
	if amount.Sign() < 0 && !negativeOK {
		out = append(out, Departure{iati.NoteNegativeValue,
			fmt.Sprintf("%s must not be negative (only disbursements and expenditures may be, as corrections)", amount)})
	}
	return out
}

// moneyPair checks an amount and its currency as they will be stored; as
// published, only that both halves are there and the currency is ISO 4217.
func moneyPair(ctx context.Context, prefix string, amount *money.Decimal, cur *string, negativeOK bool) error {
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
	if _, err := money.MinorDigits(*cur); err != nil {
		return invalid(prefix+"Currency", "%v", err)
	}
	if asPublished(ctx) {
		return nil
	}
	if d := MoneyDepartures(*amount, *cur, negativeOK); len(d) > 0 {
		return invalid(prefix+"Amount", "%s", d[0].Message)
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
