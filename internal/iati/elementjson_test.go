package iati

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The shape of Element and Attr, which encoding/json encodes by
// reflection: what stored elements were written as before the hand
// encoder, and must still be (should Element gain a MarshalJSON).
type (
	reflectedElement struct {
		Space    string              `json:"s,omitempty"`
		Name     string              `json:"n"`
		Attrs    []reflectedAttr     `json:"a,omitempty"`
		Text     string              `json:"t,omitempty"`
		Children []*reflectedElement `json:"c,omitempty"`
		Pos      int                 `json:"p,omitempty"`
	}
	reflectedAttr struct {
		Space string `json:"s,omitempty"`
		Name  string `json:"n"`
		Value string `json:"v"`
	}
)

func reflected(e *Element) *reflectedElement {
	if e == nil {
		return nil
	}
	r := &reflectedElement{Space: e.Space, Name: e.Name, Text: e.Text, Pos: e.Pos}
	if e.Attrs != nil {
		r.Attrs = make([]reflectedAttr, len(e.Attrs))
		for i, a := range e.Attrs {
			r.Attrs[i] = reflectedAttr(a)
		}
	}
	r.Children = reflectedList(e.Children)
	return r
}

func reflectedList(es []*Element) []*reflectedElement {
	if es == nil {
		return nil
	}
	out := make([]*reflectedElement, len(es))
	for i, e := range es {
		out[i] = reflected(e)
	}
	return out
}

// sameJSON fails t unless every way elements are encoded gives the bytes
// encoding/json gives their reflected shape.
func sameJSON(t *testing.T, es []*Element) {
	t.Helper()
	want, err := json.Marshal(reflectedList(es))
	if err != nil {
		t.Fatal(err)
	}
	if got := AppendElementsJSON(nil, es); !bytes.Equal(got, want) {
		t.Fatalf("AppendElementsJSON\n got %s\nwant %s", got, want)
	}
	// What other callers of encoding/json get.
	got, err := json.Marshal(es)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("json.Marshal\n got %s\nwant %s", got, want)
	}
	for _, e := range es {
		want, _ := json.Marshal(reflected(e))
		if got := e.AppendJSON([]byte("x")); !bytes.Equal(got[1:], want) || got[0] != 'x' {
			t.Fatalf("AppendJSON\n got %s\nwant x%s", got, want)
		}
	}
}

// awkward are strings encoding/json escapes, each in its own way.
var awkward = []string{
	"", "plain", `"quoted" \back\slash/`, "<a href='x'>&amp;</a>",
	"\x00\x01\x1f\x7f", "\b\f\n\r\t\v", "line\u2028para\u2029end", "\u2027\u202a",
	"caf\xc3", "\xff\xfe", "\xe2\x80", "\xed\xa0\x80 surrogate", "\xf4\x90\x80\x80 beyond",
	"é ü 中文 😀", "\ufffd", "a\x00b<c>d&e\u2028f\xffg",
}

func TestElementJSONAsReflected(t *testing.T) {
	tests := map[string][]*Element{
		"nil list":     nil,
		"empty list":   {},
		"nil element":  {nil},
		"bare":         {{Name: "title"}},
		"empty fields": {{Name: "", Attrs: []Attr{}, Children: []*Element{}}},
		"negative pos": {{Name: "x", Pos: -3}},
		"all fields": {{
			Space: "http://example.org/ns", Name: "budget", Text: "  text ",
			Attrs: []Attr{{Name: "type", Value: "1"}, {Space: xmlNS, Name: "lang", Value: "en"}, {Space: "xmlns", Name: "p", Value: ""}},
			Children: []*Element{
				{Name: "value", Text: "100", Attrs: []Attr{{Name: "currency", Value: "EUR"}}},
				nil,
				{Name: "period-start", Children: []*Element{{Name: "deep", Pos: 7}}},
			},
			Pos: 12,
		}},
	}
	for _, s := range awkward {
		tests["string "+s] = []*Element{{
			Space: s, Name: s, Text: s,
			Attrs:    []Attr{{Space: s, Name: s, Value: s}},
			Children: []*Element{{Name: s, Text: s}},
		}}
	}
	for name, es := range tests {
		t.Run(name, func(t *testing.T) { sameJSON(t, es) })
	}
}

// TestExampleElementsJSONAsReflected encodes every activity of the real
// example files both ways.
func TestExampleElementsJSONAsReflected(t *testing.T) {
	for _, name := range []string{
		"activity-standard-example-annotated-203.xml",
		"spain-maec-indonesia-2.01.xml",
		"dportal-covid-p112-undp-unhcr-v2.03.xml",
		"dportal-covid-2749528-p116-germany-iom-v2.03.xml",
	} {
		t.Run(name, func(t *testing.T) { sameJSON(t, readElements(t, example(t, name))) })
	}
}

func FuzzElementJSON(f *testing.F) {
	for _, s := range awkward {
		f.Add(s, s, s, s, 0)
	}
	f.Add("", "iati-activity", "", "", 1)
	f.Fuzz(func(t *testing.T, space, name, text, value string, pos int) {
		sameJSON(t, []*Element{{
			Space: space, Name: name, Text: text, Pos: pos,
			Attrs: []Attr{{Space: space, Name: value, Value: text}, {Name: name, Value: value}},
			Children: []*Element{
				{Name: text, Text: value, Pos: -pos},
				{Space: value, Name: space, Attrs: []Attr{{Value: name}}},
			},
		}})
	})
}

func BenchmarkElementJSON(b *testing.B) {
	es := readElements(b, example(b, "dportal-covid-2749528-p116-germany-iom-v2.03.xml"))
	b.Run("reflected", func(b *testing.B) {
		r := reflectedList(es)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf = AppendElementsJSON(buf[:0], es)
		}
	})
}
