package money

import (
	"bytes"
	"io"
	"strconv"
)

// Every amount in a result goes through MarshalGQL: appendText writes the
// text String gives without shopspring's intermediate strings (and
// big.Int copies) for the amounts that fit in an int64 coefficient, which
// is every aid budget. format_test.go holds it to the shopspring
// formatting it replaces.

// appendText appends the text String gives.
func (x Decimal) appendText(dst []byte) []byte {
	if b, ok := x.appendSmall(dst); ok {
		return b
	}
	return append(dst, x.formatted()...)
}

// appendSmall formats decimals with an exponent of zero or below and at
// most 18 digits (so the coefficient is an exact int64); ok is false for
// the others.
func (x Decimal) appendSmall(dst []byte) (_ []byte, ok bool) {
	exp := x.d.Exponent()
	if exp > 0 || exp < -1000 || x.d.NumDigits() > 18 {
		return dst, false
	}
	c := x.d.CoefficientInt64()
	if c < 0 {
		dst = append(dst, '-')
		c = -c
	}
	var arr [20]byte
	digits := strconv.AppendInt(arr[:0], c, 10)
	scale := int(-exp)
	switch {
	case scale == 0:
		dst = append(dst, digits...)
	case len(digits) > scale: // "79929.00"
		dst = append(dst, digits[:len(digits)-scale]...)
		dst = append(dst, '.')
		dst = append(dst, digits[len(digits)-scale:]...)
	default: // "0.05"
		dst = append(dst, '0', '.')
		for range scale - len(digits) {
			dst = append(dst, '0')
		}
		dst = append(dst, digits...)
	}
	return dst, true
}

// writeQuoted writes the decimal as a JSON string: its text holds only
// digits, '-', '.' (and 'E'), none of which JSON escapes. gqlgen marshals a
// response into a bytes.Buffer, which takes the bytes without a copy in
// between.
func (x Decimal) writeQuoted(w io.Writer) {
	if bb, ok := w.(*bytes.Buffer); ok {
		bb.Grow(24)
		out := bb.AvailableBuffer()
		out = append(out, '"')
		out = x.appendText(out)
		out = append(out, '"')
		_, _ = bb.Write(out)
		return
	}
	_, _ = w.Write(x.appendQuoted(make([]byte, 0, 24)))
}

// appendQuoted appends the decimal as a JSON string.
func (x Decimal) appendQuoted(dst []byte) []byte {
	dst = append(dst, '"')
	dst = x.appendText(dst)
	return append(dst, '"')
}
