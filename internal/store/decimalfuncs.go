package store

import (
	"database/sql/driver"
	"fmt"

	"github.com/shopspring/decimal"
	"modernc.org/sqlite"
)

// SQLite's own SUM and * would read the text amounts as floats. These
// functions do the arithmetic PostgreSQL's numeric does, exactly, on the
// decimal strings SQLite stores (ent/schema: decimalSchemaType):
//
//	decimal_sum(x)        aggregate: the exact sum; NULLs are skipped, and
//	                      no value at all gives NULL, as SUM does
//	decimal_mul(a, b, ...) the exact product; NULL if any factor is NULL
//
// Results keep the scale numeric would give them (a sum has the largest
// scale of its terms, a product the sum of its factors' scales). Floats are
// refused rather than rounded: write constants as text ('0.01').
func init() {
	sqlite.MustRegisterFunction("decimal_sum", &sqlite.FunctionImpl{
		NArgs:         1,
		Deterministic: true,
		MakeAggregate: func(sqlite.FunctionContext) (sqlite.AggregateFunction, error) {
			return &decimalSum{}, nil
		},
	})
	sqlite.MustRegisterFunction("decimal_mul", &sqlite.FunctionImpl{
		NArgs:         -1,
		Deterministic: true,
		Scalar:        decimalMul,
	})
}

// decimalArg reads one SQL value; ok is false for NULL.
func decimalArg(v driver.Value) (d decimal.Decimal, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return decimal.Decimal{}, false, nil
	case string:
		d, err = decimal.NewFromString(x)
	case []byte:
		d, err = decimal.NewFromString(string(x))
	case int64:
		d = decimal.NewFromInt(x)
	default:
		return decimal.Decimal{}, false, fmt.Errorf("exact decimal arithmetic refuses a %T (%v): store and write amounts as text", v, v)
	}
	if err != nil {
		return decimal.Decimal{}, false, fmt.Errorf("%q is not a decimal number", v)
	}
	return d, true, nil
}

// decimalText writes d with its scale, as numeric's text output does.
func decimalText(d decimal.Decimal) string {
	if exp := d.Exponent(); exp < 0 {
		return d.StringFixed(-exp)
	}
	return d.String()
}

func decimalMul(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("decimal_mul needs at least one factor")
	}
	product := decimal.NewFromInt(1)
	for _, a := range args {
		d, ok, err := decimalArg(a)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, nil
		}
		product = product.Mul(d)
	}
	return decimalText(product), nil
}

// decimalSum is one evaluation of decimal_sum; n counts the non-NULL terms
// so that a window emptied by WindowInverse gives NULL again.
type decimalSum struct {
	sum decimal.Decimal
	n   int
}

func (s *decimalSum) Step(_ *sqlite.FunctionContext, args []driver.Value) error {
	d, ok, err := decimalArg(args[0])
	if err != nil || !ok {
		return err
	}
	if s.n == 0 {
		s.sum = d
	} else {
		s.sum = s.sum.Add(d)
	}
	s.n++
	return nil
}

func (s *decimalSum) WindowInverse(_ *sqlite.FunctionContext, args []driver.Value) error {
	d, ok, err := decimalArg(args[0])
	if err != nil || !ok {
		return err
	}
	s.sum = s.sum.Sub(d)
	s.n--
	return nil
}

func (s *decimalSum) WindowValue(*sqlite.FunctionContext) (driver.Value, error) {
	if s.n == 0 {
		return nil, nil
	}
	return decimalText(s.sum), nil
}

func (s *decimalSum) Final(*sqlite.FunctionContext) {}
