// Package iatifacts is test support for the IATI importer and exporter: it
// reads an iati-activities file into a plain element tree, counts and sums
// what the file says (FactsOf), and puts activities in a canonical form
// (Canonical) so that a source file and the registry's export of it can be
// compared activity by activity (Diff).
//
// It is deliberately independent of the registry's own reader and writer
// (internal/iati, internal/interchange): it uses only encoding/xml and
// shopspring/decimal, so that expected values in tests come from the XML
// itself and not from the code under test.
package iatifacts

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// XMLNamespace is the namespace URI of the xml: prefix (xml:lang).
const XMLNamespace = "http://www.w3.org/XML/1998/namespace"

// Node is one XML element: namespace URI and local name, attributes, trimmed
// text, children in document order. IATI's own elements and attributes have
// an empty Space.
type Node struct {
	Space, Name string
	Attrs       []Attr // in document order; xmlns declarations are dropped
	Text        string // character data, whitespace-trimmed
	Children    []*Node
}

// Attr is one attribute; Space is a namespace URI (XMLNamespace for xml:).
type Attr struct{ Space, Name, Value string }

// Attr returns the value of the attribute space:name. The space "xml" is
// taken as XMLNamespace, so n.Attr("xml", "lang") finds xml:lang.
func (n *Node) Attr(space, name string) (string, bool) {
	if space == "xml" {
		space = XMLNamespace
	}
	for _, a := range n.Attrs {
		if a.Space == space && a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// attr is Attr for IATI's own (unqualified) attributes, "" when absent.
func (n *Node) attr(name string) string {
	v, _ := n.Attr("", name)
	return v
}

// SetAttr sets space:name to value, replacing an existing value or
// appending the attribute.
func (n *Node) SetAttr(space, name, value string) {
	if space == "xml" {
		space = XMLNamespace
	}
	for i, a := range n.Attrs {
		if a.Space == space && a.Name == name {
			n.Attrs[i].Value = value
			return
		}
	}
	n.Attrs = append(n.Attrs, Attr{space, name, value})
}

// DelAttr removes space:name if present.
func (n *Node) DelAttr(space, name string) {
	if space == "xml" {
		space = XMLNamespace
	}
	out := n.Attrs[:0]
	for _, a := range n.Attrs {
		if a.Space != space || a.Name != name {
			out = append(out, a)
		}
	}
	n.Attrs = out
}

// Child returns the first child in IATI's namespace named name, or nil.
func (n *Node) Child(name string) *Node {
	for _, c := range n.Children {
		if c.Space == "" && c.Name == name {
			return c
		}
	}
	return nil
}

// All returns the elements reached from n by a slash-separated path of IATI
// element names ("result/indicator/period"), in document order. The empty
// path returns n itself.
func (n *Node) All(path string) []*Node {
	nodes := []*Node{n}
	if path == "" {
		return nodes
	}
	for _, step := range strings.Split(path, "/") {
		var next []*Node
		for _, m := range nodes {
			for _, c := range m.Children {
				if c.Space == "" && c.Name == step {
					next = append(next, c)
				}
			}
		}
		nodes = next
	}
	return nodes
}

// Clone returns a deep copy of n.
func (n *Node) Clone() *Node {
	if n == nil {
		return nil
	}
	c := &Node{Space: n.Space, Name: n.Name, Text: n.Text}
	if n.Attrs != nil {
		c.Attrs = append([]Attr(nil), n.Attrs...)
	}
	if n.Children != nil {
		c.Children = make([]*Node, len(n.Children))
		for i, ch := range n.Children {
			c.Children[i] = ch.Clone()
		}
	}
	return c
}

// key names an element as paths and Facts do: its local name in IATI's
// namespace, "{uri}local" in any other.
func (n *Node) key() string { return qname(n.Space, n.Name) }

func qname(space, name string) string {
	if space == "" {
		return name
	}
	return "{" + space + "}" + name
}

// File is a parsed iati-activities document.
type File struct {
	Version, Lang string  // root attributes version and xml:lang
	Activities    []*Node // each iati-activity
}

// ParseFile parses the iati-activities file at path.
func ParseFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	f, err := Parse(fh)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// Parse reads an iati-activities document. The root must be
// iati-activities (in no namespace); its children other than iati-activity
// are ignored. Comments and processing instructions are dropped.
func Parse(r io.Reader) (*File, error) {
	d := xml.NewDecoder(r)
	d.CharsetReader = charsetReader
	var (
		root  *Node
		stack []*Node
		texts []*bytes.Buffer
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &Node{Space: t.Name.Space, Name: t.Name.Local}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				n.Attrs = append(n.Attrs, Attr{a.Name.Space, a.Name.Local, a.Value})
			}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				if n.Space != "" || n.Name != "iati-activities" {
					return nil, fmt.Errorf("root element is %s, not iati-activities", n.key())
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
			texts = append(texts, new(bytes.Buffer))
		case xml.CharData:
			if len(texts) > 0 {
				texts[len(texts)-1].Write(t)
			}
		case xml.EndElement:
			n := stack[len(stack)-1]
			n.Text = strings.TrimSpace(texts[len(texts)-1].String())
			stack, texts = stack[:len(stack)-1], texts[:len(texts)-1]
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	f := &File{Version: root.attr("version")}
	f.Lang, _ = root.Attr(XMLNamespace, "lang")
	for _, c := range root.Children {
		if c.Space == "" && c.Name == "iati-activity" {
			f.Activities = append(f.Activities, c)
		}
	}
	return f, nil
}

// charsetReader accepts the single-byte encodings IATI files are sometimes
// declared in besides UTF-8.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii":
		b, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		out := make([]byte, 0, len(b))
		for _, c := range b {
			out = utf8.AppendRune(out, rune(c))
		}
		return bytes.NewReader(out), nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", label)
}

// Identifier returns an activity's iati-identifier text.
func Identifier(a *Node) string {
	if id := a.Child("iati-identifier"); id != nil {
		return id.Text
	}
	return ""
}
