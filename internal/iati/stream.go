package iati

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
)

// xmlNS is the namespace the predeclared xml: prefix stands for.
const xmlNS = "http://www.w3.org/XML/1998/namespace"

// SupportedVersions are the IATI versions the readers are written for.
var SupportedVersions = []string{"2.01", "2.02", "2.03"}

// ErrUnsupportedVersion is returned (wrapped) for IATI 1.x files, whose
// texts are not narratives and whose codes differ.
var ErrUnsupportedVersion = errors.New("unsupported IATI version")

// stream walks a file <root><item/>...<item/></root>, handing out one item
// start element at a time. Children of the root that are not items
// (extensions in other namespaces) are skipped.
type stream struct {
	dec  *xml.Decoder
	root string
	item string

	started, done bool
	version       string
	lang          string
	line          int // where the last item started
	count         int
	err           error // sticky
}

func newStream(r io.Reader, root, item string) *stream {
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charsetReader
	return &stream{dec: dec, root: root, item: item}
}

// charsetReader decodes files declared in another encoding than UTF-8
// (ISO-8859-1 and windows-1252 are met in IATI files).
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("unknown encoding %q", label)
	}
	return enc.NewDecoder().Reader(input), nil
}

// next returns the next item's start element, or io.EOF after the root's
// end. Errors name the line.
func (s *stream) next() (*xml.StartElement, error) {
	if s.err != nil {
		return nil, s.err
	}
	if s.done {
		return nil, io.EOF
	}
	for {
		tok, err := s.dec.Token()
		if err == io.EOF {
			if !s.started {
				s.err = fmt.Errorf("iati: not an IATI file: no <%s> element", s.root)
			} else {
				s.err = s.fail(io.ErrUnexpectedEOF)
			}
			return nil, s.err
		}
		if err != nil {
			s.err = s.fail(err)
			return nil, s.err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !s.started {
				if err := s.open(t); err != nil {
					s.err = err
					return nil, err
				}
				continue
			}
			if t.Name.Local == s.item && t.Name.Space == "" {
				s.line, _ = s.dec.InputPos()
				s.count++
				return &t, nil
			}
			if err := s.dec.Skip(); err != nil {
				s.err = s.fail(err)
				return nil, s.err
			}
		case xml.EndElement:
			// Token has checked it closes the root.
			s.done = true
			return nil, io.EOF
		}
	}
}

func (s *stream) open(t xml.StartElement) error {
	if t.Name.Local != s.root || t.Name.Space != "" {
		return fmt.Errorf("iati: not an <%s> file: the root element is <%s>", s.root, t.Name.Local)
	}
	s.started = true
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "" && a.Name.Local == "version":
			s.version = strings.TrimSpace(a.Value)
		case a.Name.Space == xmlNS && a.Name.Local == "lang":
			s.lang = strings.TrimSpace(a.Value)
		}
	}
	if strings.HasPrefix(s.version, "1.") {
		return fmt.Errorf("iati: <%s version=%q>: %w (this reader reads %s)",
			s.root, s.version, ErrUnsupportedVersion, strings.Join(SupportedVersions, ", "))
	}
	return nil
}

// fail wraps an error of the XML layer with the position: encoding/xml's
// syntax errors name their line already; others get the decoder's.
func (s *stream) fail(err error) error {
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("iati: after %d <%s>: %w", s.count, s.item, err)
	}
	line, _ := s.dec.InputPos()
	return fmt.Errorf("iati: line %d: %w", line, err)
}

// record reads the item whose start element next returned, up to its end,
// and returns its tokens, start and end included.
func (s *stream) record(start *xml.StartElement) ([]xml.Token, error) {
	toks := []xml.Token{start.Copy()}
	for depth := 1; depth > 0; {
		t, err := s.dec.Token()
		if err != nil {
			return nil, s.itemError(err)
		}
		switch t.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
		toks = append(toks, xml.CopyToken(t))
	}
	return toks, nil
}

// decode decodes the item whose start element next returned, from dec: the
// stream's own decoder with start, or one replaying the item's recorded
// tokens with a nil start.
func (s *stream) decode(dec *xml.Decoder, v any, start *xml.StartElement) error {
	var err error
	if start == nil {
		err = dec.Decode(v)
	} else {
		err = dec.DecodeElement(v, start)
	}
	if err != nil {
		return s.itemError(err)
	}
	return nil
}

// itemError names the item and the line of a failure to read it; it is
// sticky.
func (s *stream) itemError(err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	s.err = fmt.Errorf("iati: <%s> %d starting on line %d: %w", s.item, s.count, s.line, err)
	var syn *xml.SyntaxError
	if !errors.As(err, &syn) {
		line, _ := s.dec.InputPos()
		s.err = fmt.Errorf("iati: <%s> %d starting on line %d, at line %d: %w", s.item, s.count, s.line, line, err)
	}
	return s.err
}
