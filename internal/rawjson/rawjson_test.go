package rawjson

import (
	"bytes"
	"encoding/json"
	"testing"
)

// encodingJSON is what json.Marshal writes for src as a json.RawMessage:
// the bytes AppendCompact must give.
func encodingJSON(t testing.TB, src []byte) []byte {
	t.Helper()
	out, err := json.Marshal(json.RawMessage(src))
	if err != nil {
		t.Fatalf("json.Marshal(%q): %v", src, err)
	}
	return out
}

var cases = []struct{ name, src string }{
	{"PostgreSQL's spacing", `{"code" : "P1", "titles" : [1, 2, {"a" : null}]}`},
	{"newlines and tabs between tokens", "{\n\t\"a\":\r\n [ true ,false ]\n}"},
	{"spaces inside strings stay", `{"title": "water  and \t sanitation "}`},
	{"HTML characters in a string", `{"t": "<b>R&D</b> > 5"}`},
	{"line and paragraph separators", "{\"t\": \"a\u2028b\u2029c\u2027d\"}"},
	{"escaped quotes and backslashes", `{"t": "say \"hi\" \\", "u": "\\\" x"}`},
	{"an escaped backslash before a closing quote", `["a\\", " b "]`},
	{"escapes kept as written", `{"t": "\u003c\n\u00e9 é"}`},
	{"other multi-byte text", `{"t": "€ 5 – ∑ ✓"}`},
	{"numbers and literals", `[ -1.5e3 , 0, true, false, null ]`},
	{"empty containers", `{ "a" : { }, "b" : [ ] }`},
	{"a bare string", `"  <x>  "`},
}

func TestAppendCompactWritesWhatEncodingJSONWrites(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := encodingJSON(t, []byte(c.src))
			if got := AppendCompact(nil, []byte(c.src)); !bytes.Equal(got, want) {
				t.Errorf("AppendCompact(%s)\n got %s\nwant %s", c.src, got, want)
			}
		})
	}
}

func TestAppendCompactAppendsAndIsIdempotent(t *testing.T) {
	src := []byte(`{"a" : "<&>"}`)
	got := AppendCompact([]byte("prefix,"), src)
	if want := `prefix,{"a":"\u003c\u0026\u003e"}`; string(got) != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	// encoding/json compacts the answer once more on the multipart path:
	// a second pass must change nothing.
	once := AppendCompact(nil, src)
	if twice := AppendCompact(nil, once); !bytes.Equal(once, twice) {
		t.Fatalf("a second pass changed %s into %s", once, twice)
	}
}

// TestAppendCompactInPieces: a response cut into pieces outside strings,
// each piece compacted alone, is the whole compacted.
func TestAppendCompactInPieces(t *testing.T) {
	whole := `{"data" : {"a" : [1, "x y"], "b" : {"c" : "<"}}}`
	pieces := []string{`{"data" : {"a" : `, `[1, "x y"]`, `, "b" : `, `{"c" : "<"}`, `}}`}
	var got []byte
	for _, p := range pieces {
		got = AppendCompact(got, []byte(p))
	}
	if want := encodingJSON(t, []byte(whole)); !bytes.Equal(got, want) {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func FuzzAppendCompact(f *testing.F) {
	for _, c := range cases {
		f.Add([]byte(c.src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if !json.Valid(src) {
			return
		}
		want := encodingJSON(t, src)
		if got := AppendCompact(nil, src); !bytes.Equal(got, want) {
			t.Fatalf("AppendCompact(%q) = %q, want %q", src, got, want)
		}
	})
}

// BenchmarkAppendCompact compacts an answer shaped like PostgreSQL's
// json_build_object output for an organisations page (text-heavy objects
// with " : " and ", " between tokens), the bulk of what the read path
// compacts.
func BenchmarkAppendCompact(b *testing.B) {
	var src bytes.Buffer
	src.WriteString("[")
	for i := range 20000 {
		if i > 0 {
			src.WriteString(", ")
		}
		src.WriteString(`{"role" : "FUNDING", "programme" : {"code" : "BENCH-000012", ` +
			`"title" : "Remittances building digital education & health", "status" : "FINALISATION"}}`)
	}
	src.WriteString("]")
	dst := make([]byte, 0, src.Len())
	b.SetBytes(int64(src.Len()))
	for b.Loop() {
		dst = AppendCompact(dst[:0], src.Bytes())
	}
}
