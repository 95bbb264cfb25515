package gid

import (
	"testing"

	"entgo.io/contrib/entgql"
)

// FuzzID: any string sent as an ID is refused or names an id whose own
// encoding reads back to it. Seeds: testdata/fuzz/FuzzID.
func FuzzID(f *testing.F) {
	for _, s := range []string{Encode(1 << 32), Encode(3<<32 + 7), "42", "", "UHJvZ3JhbW1lOjQy", "Og", "UHJvZ3JhbW1lOi0x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Decode(s)
		if _, uerr := UnmarshalID(s); (err == nil) != (uerr == nil) {
			t.Fatalf("Decode and UnmarshalID disagree on %q: %v / %v", s, err, uerr)
		}
		if err != nil {
			return
		}
		if back, err := Decode(Encode(id)); err != nil || back != id {
			t.Fatalf("%q: id %d re-encoded as %q reads back as %d, %v", s, id, Encode(id), back, err)
		}
	})
}

// FuzzCursor: any string sent as a Cursor is refused as a client error,
// never a panic, and a cursor that is read writes back to one that reads
// the same. Seeds: testdata/fuzz/FuzzCursor.
func FuzzCursor(f *testing.F) {
	for _, c := range []entgql.Cursor[int]{{ID: 1}, {ID: 1 << 32, Value: "2007-01"}, {ID: 5, Value: 12.5}} {
		f.Add(cursorText(c))
	}
	for _, s := range []string{"", "bm90IGEgY3Vyc29y", "gaFpAQ", "gqFpAaFpAg"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := UnmarshalCursor(s)
		if err != nil {
			return
		}
		back, err := UnmarshalCursor(cursorText(c))
		if err != nil || back.ID != c.ID {
			t.Fatalf("%q: cursor %+v written back reads as %+v, %v", s, c, back, err)
		}
	})
}

func cursorText(c entgql.Cursor[int]) string {
	var b []byte
	w := writerFunc(func(p []byte) (int, error) { b = append(b, p...); return len(p), nil })
	MarshalCursor(c).MarshalGQL(w)
	if len(b) >= 2 && b[0] == '"' {
		return string(b[1 : len(b)-1])
	}
	return string(b)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
