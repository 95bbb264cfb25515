package gid

import (
	"bytes"
	"testing"

	"entgo.io/contrib/entgql"

	"github.com/aidregistry/registry/ent"
)

// Benchmarks of the opaque ids and cursors every connection writes:
//
//	go test ./internal/gid -run '^$' -bench . -benchmem
//
// Each Marshal benchmark writes into a reused bytes.Buffer, as gqlgen's
// generated Exec does for a whole response, and calls through a function
// value, as if from the generated code: the compiler may not inline the
// Marshaler away, so its one allocation (the scalar boxed in the
// graphql.Marshaler interface) counts, as it does in a real response.
var (
	marshalCursor = MarshalCursor
	marshalID     = MarshalID
)

// benchProgrammeID is a programme's integer id, as a cursor or an ID holds it.
func benchProgrammeID(b *testing.B) int {
	start, ok := ent.NodeTypeStart("Programme")
	if !ok {
		b.Fatal("no Programme id range")
	}
	return start + 12345
}

// benchCursor is the cursor of an edge of programmes(orderBy: START_DATE):
// the record's id and its start date (ent reads the column as *string).
func benchCursor(b *testing.B) entgql.Cursor[int] {
	start := "2009-04-29"
	return entgql.Cursor[int]{ID: benchProgrammeID(b), Value: &start}
}

func BenchmarkCursorMarshal(b *testing.B) {
	cases := []struct {
		name string
		c    entgql.Cursor[int]
	}{
		{"id", entgql.Cursor[int]{ID: benchProgrammeID(b)}},
		{"id+startDate", benchCursor(b)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				marshalCursor(c.c).MarshalGQL(&buf)
			}
		})
	}
}

func BenchmarkCursorUnmarshal(b *testing.B) {
	cases := []struct {
		name string
		c    entgql.Cursor[int]
	}{
		{"id", entgql.Cursor[int]{ID: benchProgrammeID(b)}},
		{"id+startDate", benchCursor(b)},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		c.c.MarshalGQL(&buf)
		var in any = string(bytes.Trim(buf.Bytes(), `"`)) // as gqlgen passes it
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := UnmarshalCursor(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCursorIDEncode(b *testing.B) {
	id := benchProgrammeID(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = Encode(id)
	}
}

func BenchmarkCursorIDDecode(b *testing.B) {
	s := Encode(benchProgrammeID(b))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCursorIDMarshal(b *testing.B) {
	id := benchProgrammeID(b)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		marshalID(id).MarshalGQL(&buf)
	}
}

func BenchmarkCursorIDUnmarshal(b *testing.B) {
	var s any = Encode(benchProgrammeID(b))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := UnmarshalID(s); err != nil {
			b.Fatal(err)
		}
	}
}
