package iati

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Element is one XML element of an activity, kept whole: the importer
// stores what a publisher wrote as Elements, so that every element and
// attribute of the IATI standard (and of other namespaces a publisher adds)
// is written back on export, including those the registry has no field
// for. Names are local names; Space is the namespace URI ("" for IATI's
// own elements).
type Element struct {
	Space    string     `json:"s,omitempty"`
	Name     string     `json:"n"`
	Attrs    []Attr     `json:"a,omitempty"`
	Text     string     `json:"t,omitempty"`
	Children []*Element `json:"c,omitempty"`
	// Pos is the element's place among its activity's children of the
	// same name, so that an export puts the elements of one family back in
	// the file's order when different records hold them. It counts within
	// the family, so that a new element of one family does not move the
	// others (and a re-import finds them unchanged).
	Pos int `json:"p,omitempty"`
}

// Attr is one attribute. Space is the namespace URI: xmlNS for xml:lang,
// "xmlns" for a namespace declaration (Name is then the prefix).
type Attr struct {
	Space string `json:"s,omitempty"`
	Name  string `json:"n"`
	Value string `json:"v"`
}

// Attr returns the value of the attribute in no namespace named name.
func (e *Element) Attr(name string) string {
	for _, a := range e.Attrs {
		if a.Space == "" && a.Name == name {
			return a.Value
		}
	}
	return ""
}

// Lang is the element's xml:lang, "" when it has none.
func (e *Element) Lang() string {
	for _, a := range e.Attrs {
		if a.Space == xmlNS && a.Name == "lang" {
			return a.Value
		}
	}
	return ""
}

// All returns the children in IATI's namespace named name, in order.
func (e *Element) All(name string) []*Element {
	var out []*Element
	for _, c := range e.Children {
		if c.Space == "" && c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// First returns the first child in IATI's namespace named name, or nil.
func (e *Element) First(name string) *Element {
	for _, c := range e.Children {
		if c.Space == "" && c.Name == name {
			return c
		}
	}
	return nil
}

// Key names the element's family: its local name, or "{uri}local" for
// another namespace.
func (e *Element) Key() string {
	if e.Space == "" {
		return e.Name
	}
	return "{" + e.Space + "}" + e.Name
}

// Equal reports whether two elements are the same, position included.
func (e *Element) Equal(o *Element) bool {
	if e == nil || o == nil {
		return e == o
	}
	return e.Space == o.Space && e.Name == o.Name && e.Text == o.Text && e.Pos == o.Pos &&
		slices.Equal(e.Attrs, o.Attrs) && slices.EqualFunc(e.Children, o.Children, (*Element).Equal)
}

// EqualElements compares two lists of elements with Equal.
func EqualElements(a, b []*Element) bool { return slices.EqualFunc(a, b, (*Element).Equal) }

// Narratives gives the element's narrative children as Narratives, each
// with its own xml:lang else lang.
func (e *Element) Narratives(lang string) []Narrative {
	var out []Narrative
	for _, n := range e.All("narrative") {
		if t := strings.TrimSpace(n.Text); t != "" {
			out = append(out, Narrative{Lang: first(n.Lang(), lang), Text: t})
		}
	}
	return out
}

// buildElement turns the tokens of one element, start to end, into an
// Element. Character data between child elements that is only white space
// (indentation) is dropped; comments and processing instructions are not
// kept.
func buildElement(toks []xml.Token) *Element {
	var stack []*Element
	var root *Element
	// seen counts the root's children by name, for Pos: an activity may
	// have hundreds (p124's name about 210 related activities each).
	var seen map[xml.Name]int
	for _, t := range toks {
		switch t := t.(type) {
		case xml.StartElement:
			e := &Element{Space: t.Name.Space, Name: t.Name.Local}
			if len(t.Attr) > 0 {
				e.Attrs = make([]Attr, len(t.Attr))
				for i, a := range t.Attr {
					e.Attrs[i] = Attr{Space: a.Name.Space, Name: a.Name.Local, Value: a.Value}
				}
			}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				if len(stack) == 1 {
					if seen == nil {
						seen = map[xml.Name]int{}
					}
					e.Pos = seen[t.Name]
					seen[t.Name]++
				}
				parent.Children = append(parent.Children, e)
			} else {
				root = e
			}
			stack = append(stack, e)
		case xml.EndElement:
			e := stack[len(stack)-1]
			if len(e.Children) > 0 && strings.TrimSpace(e.Text) == "" {
				e.Text = ""
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		}
	}
	return root
}

// tokenSlice replays recorded tokens to an xml.Decoder.
type tokenSlice struct {
	toks []xml.Token
	i    int
}

func (s *tokenSlice) Token() (xml.Token, error) {
	if s.i >= len(s.toks) {
		return nil, io.EOF
	}
	t := s.toks[s.i]
	s.i++
	return t, nil
}

// ElementWriter writes Elements as XML, declaring the prefixes of other
// namespaces as it meets them.
type elementWriter struct {
	w *Writer
	// prefixes maps a namespace URI to the prefix in scope, innermost last.
	scopes []map[string]string
	n      int
}

func (ew *elementWriter) prefix(uri string) (string, bool) {
	if uri == xmlNS {
		return "xml", true
	}
	for i := len(ew.scopes) - 1; i >= 0; i-- {
		if p, ok := ew.scopes[i][uri]; ok {
			return p, true
		}
	}
	return "", false
}

func (ew *elementWriter) write(depth int, e *Element) {
	w := ew.w
	scope := map[string]string{}
	for _, a := range e.Attrs {
		if a.Space == "xmlns" {
			scope[a.Value] = a.Name
		}
	}
	ew.scopes = append(ew.scopes, scope)
	defer func() { ew.scopes = ew.scopes[:len(ew.scopes)-1] }()

	var decl []string // prefixes this element must declare
	name := ew.qualify(e.Space, e.Name, scope, &decl)
	attrs := make([]string, 0, 2*len(e.Attrs))
	for _, a := range e.Attrs {
		switch {
		case a.Space == "xmlns":
			attrs = append(attrs, "xmlns:"+a.Name, a.Value)
		case a.Space == "" && a.Name == "xmlns":
			attrs = append(attrs, "xmlns", a.Value)
		default:
			attrs = append(attrs, ew.qualify(a.Space, a.Name, scope, &decl), a.Value)
		}
	}
	attrs = append(attrs, decl...)

	w.indent(depth)
	w.raw("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		w.raw(" " + attrs[i] + `="`)
		w.escapeAttr(attrs[i+1])
		w.raw(`"`)
	}
	switch {
	case len(e.Children) == 0 && e.Text == "":
		w.raw("/>")
	case len(e.Children) == 0:
		w.raw(">")
		w.escape(e.Text)
		w.raw("</" + name + ">")
	default:
		w.raw(">")
		if strings.TrimSpace(e.Text) != "" {
			w.escape(e.Text)
		}
		for _, c := range e.Children {
			ew.write(depth+1, c)
		}
		w.endTag(depth, name)
	}
}

// qualify gives a name in namespace uri its prefix, declaring a new one on
// this element when none is in scope.
func (ew *elementWriter) qualify(uri, local string, scope map[string]string, decl *[]string) string {
	if uri == "" {
		return local
	}
	p, ok := ew.prefix(uri)
	if !ok {
		ew.n++
		p = "ns" + strconv.Itoa(ew.n)
		scope[uri] = p
		*decl = append(*decl, "xmlns:"+p, uri)
	}
	return p + ":" + local
}

// WriteElement writes one iati-activity given as an Element, as it stands:
// it is the publisher's record, so Check's rules are not applied. Any error
// is the underlying writer's and is sticky.
func (w *Writer) WriteElement(e *Element) error {
	if w.closed {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	w.begin()
	ew := &elementWriter{w: w}
	ew.write(1, e)
	if w.err == nil && w.b.Buffered() > 32<<10 {
		w.err = w.b.Flush()
	}
	return w.err
}

// Render gives a typed activity as the Element the Writer would write for
// it, without Check: the registry's own view of a record, which an export
// merges with what a publisher wrote.
func Render(a *Activity) (*Element, error) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.begin()
	w.activity(a)
	if err := w.Close(); err != nil {
		return nil, err
	}
	got, err := NewReader(&buf).Next()
	if err != nil {
		return nil, fmt.Errorf("iati: reading back a rendered activity: %w", err)
	}
	return got.Element, nil
}
