package money

import (
	"bytes"
	"testing"
)

// Benchmarks of the Decimal scalar as results write it:
//
//	go test ./internal/money -run '^$' -bench . -benchmem

func BenchmarkDecimalMarshalGQL(b *testing.B) {
	// A typical budget, a whole number, and one too long for the int64
	// fast path (shopspring formats it).
	for _, in := range []string{"79929.00", "46", "123456789012345678901234567890.12"} {
		d := MustParse(in)
		b.Run(in, func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				d.MarshalGQL(&buf)
			}
		})
	}
}

// sink keeps results alive, so the compiler cannot keep them on the stack.
var sink []byte

func BenchmarkDecimalMarshalJSON(b *testing.B) {
	d := MustParse("79929.00")
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if sink, err = d.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecimalUnmarshalGQL(b *testing.B) {
	var in any = "79929.00"
	b.ReportAllocs()
	for b.Loop() {
		var d Decimal
		if err := d.UnmarshalGQL(in); err != nil {
			b.Fatal(err)
		}
	}
}
