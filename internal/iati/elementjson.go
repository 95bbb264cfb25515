package iati

import (
	"strconv"
	"unicode/utf8"
)

// An import stores every activity's Elements as JSON twice over (the
// column, and the record's history), and encoding/json spends most of that
// time finding the fields of each element by reflection. The encoder here
// writes the same bytes encoding/json writes for an Element, Attr and
// []*Element (their tags' keys and omitempty, its string escaping with
// HTML characters escaped), appending to a buffer: stored JSON does not
// change, so what an earlier import wrote compares equal to a re-import's.
//
// Element has no MarshalJSON: encoding/json validates and compacts what a
// Marshaler returns, which costs more than its reflection saves. The
// writers of an import call AppendElementsJSON themselves.

// AppendJSON appends the element's JSON to b.
func (e *Element) AppendJSON(b []byte) []byte {
	if e == nil {
		return append(b, "null"...)
	}
	b = append(b, '{')
	if e.Space != "" {
		b = AppendJSONString(append(b, `"s":`...), e.Space)
		b = append(b, ',')
	}
	b = AppendJSONString(append(b, `"n":`...), e.Name)
	if len(e.Attrs) > 0 {
		b = append(b, `,"a":[`...)
		for i := range e.Attrs {
			if i > 0 {
				b = append(b, ',')
			}
			b = e.Attrs[i].AppendJSON(b)
		}
		b = append(b, ']')
	}
	if e.Text != "" {
		b = AppendJSONString(append(b, `,"t":`...), e.Text)
	}
	if len(e.Children) > 0 {
		b = AppendElementsJSON(append(b, `,"c":`...), e.Children)
	}
	if e.Pos != 0 {
		b = strconv.AppendInt(append(b, `,"p":`...), int64(e.Pos), 10)
	}
	return append(b, '}')
}

// AppendJSON appends the attribute's JSON to b.
func (a *Attr) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	if a.Space != "" {
		b = AppendJSONString(append(b, `"s":`...), a.Space)
		b = append(b, ',')
	}
	b = AppendJSONString(append(b, `"n":`...), a.Name)
	b = AppendJSONString(append(b, `,"v":`...), a.Value)
	return append(b, '}')
}

// AppendElementsJSON appends the JSON of a list of elements to b: null
// for a nil list, as encoding/json writes one.
func AppendElementsJSON(b []byte, es []*Element) []byte {
	if es == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, e := range es {
		if i > 0 {
			b = append(b, ',')
		}
		b = e.AppendJSON(b)
	}
	return append(b, ']')
}

// AppendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it by default: <, > and & as \u003c, \u003e and \u0026, U+2028
// and U+2029 escaped, each byte of invalid UTF-8 as \ufffd, and control
// characters as \b, \f, \n, \r, \t or \u00XX.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	done := 0 // s[:done] is in b
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plainJSON[c] {
				i++
				continue
			}
			b = append(b, s[done:i]...)
			b = appendEscapedByte(b, c)
			i++
			done = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[done:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[done:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		done = i
	}
	b = append(b, s[done:]...)
	return append(b, '"')
}

// appendEscapedByte appends the escape of an ASCII byte plainJSON leaves
// out.
func appendEscapedByte(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

const hexDigits = "0123456789abcdef"

// plainJSON says which ASCII bytes a JSON string holds as they are: not
// control characters, quotes, backslashes, or the characters HTML gives a
// meaning to.
var plainJSON = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()
