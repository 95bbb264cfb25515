// Package rawjson writes JSON that is already encoded (a database's, a
// marshaler's) the way encoding/json writes a json.RawMessage: without the
// spaces between tokens, and with <, >, &, U+2028 and U+2029 escaped. A
// response streamed piece by piece from it has the bytes json.Marshal of the
// whole response would have, without the whole being held or scanned again.
package rawjson

// inString marks the bytes that matter inside a string: its end, an
// escape, and what is HTML-escaped. Whitespace matters only outside one.
var inString = func() (t [256]bool) {
	for _, c := range []byte("\"\\<>&\xE2") {
		t[c] = true
	}
	return t
}()

const hex = "0123456789abcdef"

// AppendCompact appends src, which must be valid JSON (it is not checked:
// the point is to spare that scan for what a database built), compacted and
// HTML-escaped as encoding/json compacts a json.RawMessage, to dst. It may
// also be given a run of JSON tokens that starts and ends outside a string,
// such as a response with some values cut out of it.
func AppendCompact(dst, src []byte) []byte {
	start, i, n := 0, 0, len(src)
	for i < n {
		switch src[i] {
		case ' ', '\t', '\r', '\n':
			dst = append(dst, src[start:i]...)
			i++
			start = i
		case '"':
			dst, i, start = appendString(dst, src, i+1, start)
		default:
			i++
		}
	}
	return append(dst, src[start:]...)
}

// appendString scans a string from just after its opening quote to just
// after its closing one, in a loop of its own: most bytes of an answer are
// text, and there only six byte values need a look. It escapes what
// encoding/json escapes and gives the new position and start of the part
// not yet copied.
func appendString(dst, src []byte, i, start int) ([]byte, int, int) {
	n := len(src)
	for i < n {
		c := src[i]
		switch {
		case !inString[c]:
			i++
		case c == '"':
			return dst, i + 1, start
		case c == '\\':
			i += 2 // the escaped byte is ASCII: never a quote that ends the string
		case c == 0xE2:
			if i+2 < n && src[i+1] == 0x80 && src[i+2]&^1 == 0xA8 { // U+2028, U+2029
				dst = append(dst, src[start:i]...)
				dst = append(dst, '\\', 'u', '2', '0', '2', hex[src[i+2]&0xF])
				i += 3
				start = i
			} else {
				i++
			}
		default: // <, >, &
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			i++
			start = i
		}
	}
	return dst, i, start
}
