package gid

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/apperr"
)

// Ids and cursors are stored by clients (bookmarks, saved pages, sync
// checkpoints): their encoding must never change. These tests pin it.

func TestIDEncodingIsPinned(t *testing.T) {
	prog, _ := ent.NodeTypeStart("Programme")
	pc, _ := ent.NodeTypeStart("ProgrammeCountry")
	org, _ := ent.NodeTypeStart("Organisation")
	for _, c := range []struct {
		id   int
		want string
	}{
		{prog, "UHJvZ3JhbW1lOjQyOTQ5NjcyOTYw"},                 // Programme:42949672960
		{prog + 12345, "UHJvZ3JhbW1lOjQyOTQ5Njg1MzA1"},         // Programme:42949685305
		{pc + 99999, "UHJvZ3JhbW1lQ291bnRyeTo0NzI0NDc0MDI1NQ"}, // ProgrammeCountry:47244740255
		{org + 1, "T3JnYW5pc2F0aW9uOjMwMDY0NzcxMDcz"},          // Organisation:30064771073
		{5, "QWdyZWVtZW50OjU"},                                 // Agreement:5
	} {
		if got := Encode(c.id); got != c.want {
			t.Errorf("Encode(%d) = %q, want %q", c.id, got, c.want)
		}
		var buf bytes.Buffer
		buf.WriteString("x") // MarshalGQL appends to what the response already holds
		MarshalID(c.id).MarshalGQL(&buf)
		if got, want := buf.String(), `x"`+c.want+`"`; got != want {
			t.Errorf("MarshalID(%d) wrote %s, want %s", c.id, got, want)
		}
		var w strings.Builder // not a bytes.Buffer: the general path
		MarshalID(c.id).MarshalGQL(&w)
		if got, want := w.String(), `"`+c.want+`"`; got != want {
			t.Errorf("MarshalID(%d) to a strings.Builder wrote %s, want %s", c.id, got, want)
		}
		if got, err := Decode(c.want); err != nil || got != c.id {
			t.Errorf("Decode(%q) = %d, %v, want %d", c.want, got, err, c.id)
		}
	}
	// An id outside every range keeps its old encoding too.
	for _, id := range []int{-1, math.MaxInt64} {
		want := base64.RawURLEncoding.EncodeToString([]byte(":" + jsonNumber(id)))
		if got := Encode(id); got != want {
			t.Errorf("Encode(%d) = %q, want %q", id, got, want)
		}
	}
}

// TestDecodeAcceptsWhatItAlwaysDid: ids this server never writes but
// strconv.Atoi reads (a sign, leading zeros, longer than any issued id).
func TestDecodeAcceptsWhatItAlwaysDid(t *testing.T) {
	prog, _ := ent.NodeTypeStart("Programme")
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, raw := range []string{"Programme:+42949672960", "Programme:" + strings.Repeat("0", 60) + "42949672960"} {
		if got, err := Decode(enc(raw)); err != nil || got != prog {
			t.Errorf("Decode(%q) = %d, %v, want %d", raw, got, err, prog)
		}
	}
}

func jsonNumber(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestDecodeErrorsUnchanged(t *testing.T) {
	long := strings.Repeat("QUFB", 40) // longer than the stack buffers
	for _, in := range []string{"", "!!", "UHJvZ3JhbW1l", long, Encode(5) + "="} {
		_, err := Decode(in)
		if err == nil {
			t.Fatalf("Decode(%q) accepted a bad id", in)
		}
		if want := jsonQuote(in) + " is not a registry id"; err.Error() != want {
			t.Errorf("Decode(%q) error = %q, want %q", in, err, want)
		}
	}
}

func jsonQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// pinnedCursors are cursors as this server has always written them
// (entgql's msgpack in unpadded standard base64).
var pinnedCursors = []struct {
	c    entgql.Cursor[int]
	want string
}{
	{entgql.Cursor[int]{ID: 42949685305}, "gaFpzwAAAAoAADA5"},
	{entgql.Cursor[int]{ID: 42949685305, Value: ptr("2009-04-29")}, "gqFpzwAAAAoAADA5oXaqMjAwOS0wNC0yOQ"},
	{entgql.Cursor[int]{ID: 7, Value: "Bench programme 7"}, "gqFpB6F2sUJlbmNoIHByb2dyYW1tZSA3"},
	{entgql.Cursor[int]{ID: 0}, "gaFpAA"},
	{entgql.Cursor[int]{ID: -1, Value: ptr("")}, "gqFp/6F2oA"},
	{entgql.Cursor[int]{ID: 1, Value: 300}, "gqFpAaF2zQEs"},
}

func ptr[T any](v T) *T { return &v }

func TestCursorEncodingIsPinned(t *testing.T) {
	for _, p := range pinnedCursors {
		var buf bytes.Buffer
		buf.WriteString("[")
		MarshalCursor(p.c).MarshalGQL(&buf)
		if got, want := buf.String(), `["`+p.want+`"`; got != want {
			t.Errorf("MarshalCursor(%#v) wrote %s, want %s", p.c, got, want)
		}
		got, err := UnmarshalCursor(p.want)
		if err != nil {
			t.Errorf("UnmarshalCursor(%q): %v", p.want, err)
			continue
		}
		want := p.c
		if s, ok := want.Value.(*string); ok { // a cursor read back holds the string itself
			want.Value = *s
		}
		if want.Value == 300 { // and msgpack's own integer type
			want.Value = uint16(300)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("UnmarshalCursor(%q) = %#v, want %#v", p.want, got, want)
		}
	}
}

// entgqlCursor is the cursor as entgql itself writes it.
func entgqlCursor(c entgql.Cursor[int]) string {
	var buf bytes.Buffer
	c.MarshalGQL(&buf)
	return buf.String()
}

// TestCursorMatchesEntgql checks the cursor writer and reader against
// entgql's own over the shapes the registry's orderings produce, at every
// msgpack length and integer boundary.
func TestCursorMatchesEntgql(t *testing.T) {
	ints := []int{0, 1, 127, 128, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1, 42949685305, math.MaxInt64,
		-1, -32, -33, -128, -129, -32768, -32769, math.MinInt32, math.MinInt32 - 1, math.MinInt64}
	var values []any
	values = append(values, nil, 0, "", ptr(""), (*string)(nil), uint8(3), int64(4), int32(5), 1.5, true, []byte("x"), struct{}{})
	for _, n := range ints {
		values = append(values, n)
	}
	for _, n := range []int{1, 10, 31, 32, 200, 255, 256, 300, 65535, 65536} {
		s := strings.Repeat("é", n/2) + strings.Repeat("a", n%2)
		values = append(values, s, ptr(s))
	}
	for _, id := range ints {
		for _, v := range values {
			c := entgql.Cursor[int]{ID: id, Value: v}
			want := entgqlCursor(c)
			var buf bytes.Buffer
			MarshalCursor(c).MarshalGQL(&buf)
			if got := buf.String(); got != want {
				t.Fatalf("MarshalCursor(%#v) wrote %s, entgql writes %s", c, got, want)
			}
			var w strings.Builder
			MarshalCursor(c).MarshalGQL(&w)
			if got := w.String(); got != want {
				t.Fatalf("MarshalCursor(%#v) to a strings.Builder wrote %s, entgql writes %s", c, got, want)
			}
			checkUnmarshalLikeEntgql(t, strings.Trim(want, `"`))
		}
	}
}

// checkUnmarshalLikeEntgql compares UnmarshalCursor with entgql's reader.
func checkUnmarshalLikeEntgql(t *testing.T, in any) {
	t.Helper()
	var want entgql.Cursor[int]
	wantErr := func() (err error) {
		defer func() { // entgql panics on some input (a value key twice): that must be a client error
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return want.UnmarshalGQL(in)
	}()
	got, err := UnmarshalCursor(in)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("UnmarshalCursor(%q) error = %v, entgql's = %v", in, err, wantErr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("UnmarshalCursor(%q) = %#v, entgql reads %#v", in, got, want)
	}
}

// TestCursorReaderMatchesEntgql feeds the reader msgpack no registry cursor
// holds, and broken input: it must answer as entgql does.
func TestCursorReaderMatchesEntgql(t *testing.T) {
	b64 := func(b ...byte) string { return base64.RawStdEncoding.EncodeToString(b) }
	u64 := func(code byte, n uint64) []byte {
		b := []byte{code}
		return binary.BigEndian.AppendUint64(b, n)
	}
	inputs := []any{
		"", "!", "gaFp", "gaFpAA==", "gaFpAA\n", "gaFpAAA", 12, nil,
		b64(0x80),                       // empty map
		b64(0x81, 0xa1, 'v', 0xa1, 'x'), // value without id
		b64(0x82, 0xa1, 'v', 0xa1, 'x', 0xa1, 'i', 3), // keys in the other order
		b64(0x82, 0xa1, 'i', 3, 0xa1, 'i', 4),         // a key twice
		b64(0x82, 0xa1, 'v', 0xa1, 'x', 0xa1, 'v', 0xa1, 'y'),
		b64(0x83, 0xa1, 'i', 3, 0xa1, 'v', 0xa1, 'x', 0xa1, 'z', 1), // an unknown key
		b64(0x81, 0xa1, 'i', 0xc0),                                  // nil id
		b64(0x81, 0xa1, 'i', 0xca, 0, 0, 0, 0),                      // float id
		b64(0x81, 0xa1, 'i', 0xd0, 0x80),                            // int8 id
		b64(0x81, 0xa1, 'i', 0xcc, 0xff),                            // uint8 id
		b64(0x81, 0xa1, 'i', 0xd1, 0x80, 0),                         // int16
		b64(0x81, 0xa1, 'i', 0xd2, 0x80, 0, 0, 0),                   // int32
		b64(0x81, 0xa1, 'i', 0xce, 0xff, 0xff, 0xff, 0xff),
		b64(u64(0xcf, math.MaxUint64)...), // a bare uint64, not a map
		b64(append([]byte{0x81, 0xa1, 'i'}, u64(0xcf, math.MaxUint64)...)...),
		b64(append([]byte{0x81, 0xa1, 'i'}, u64(0xd3, 1<<63)...)...),
		b64(0x82, 0xa1, 'i', 3, 0xa1, 'v', 0xc0),         // nil value
		b64(0x82, 0xa1, 'i', 3, 0xa1, 'v', 0xc4, 1, 'x'), // bin value
		b64(0x82, 0xa1, 'i', 3, 0xa1, 'v', 0xd9, 1, 'x'), // str8 value
		b64(0x82, 0xa1, 'i', 3, 0xa1, 'v', 0xda, 0, 1, 'x'),
		b64(0x82, 0xa1, 'i', 3, 0xa1, 'v', 0xdb, 0, 0, 0, 1, 'x'),
		b64(0x82, 0xa1, 'i', 3, 0xa1, 'v', 0xa5, 'x'),       // truncated string
		b64(0x82, 0xa1, 'i', 3, 0xa1, 'v', 0xa1, 'x', 0xff), // trailing byte
		b64(0x82, 0xa1, 'i', 3, 0xa1, 'v', 7),
		b64(0x82, 0xa1, 'i', 3, 0xa1, 'v', 0x91, 1), // array value
		b64(0x81, 0xd9, 1, 'i', 3),                  // key as str8
		b64(0x81, 0xc4, 1, 'i', 3),                  // key as bin
		b64(0x81, 0xa2, 'i', 'd', 3),
		b64(0x91, 3),                  // struct as array
		b64(0xde, 0, 1, 0xa1, 'i', 3), // map16
		b64(0xc0),
		strings.Repeat("gaFpAA", 100),
	}
	for _, in := range inputs {
		checkUnmarshalLikeEntgql(t, in)
	}
}

// TestCraftedCursorIsBadInput: entgql's reader panics on a cursor with its
// value key twice; the server answered that with a 500. It is the client's
// error.
func TestCraftedCursorIsBadInput(t *testing.T) {
	in := base64.RawStdEncoding.EncodeToString([]byte{0x82, 0xa1, 'v', 0xa1, 'x', 0xa1, 'v', 0xa1, 'y'})
	_, err := UnmarshalCursor(in)
	if e, ok := apperr.As(err); !ok || e.Code != apperr.BadUserInput {
		t.Errorf("UnmarshalCursor(%q) = %v, want a BAD_USER_INPUT error", in, err)
	}
}
