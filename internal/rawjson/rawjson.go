// Package rawjson writes JSON that is already encoded (a database's, a
// marshaler's) the way encoding/json writes a json.RawMessage: without the
// spaces between tokens, and with <, >, &, U+2028 and U+2029 escaped. A
// response streamed piece by piece from it has the bytes json.Marshal of the
// whole response would have, without the whole being held or scanned again.
package rawjson

// special marks the bytes AppendCompact may change or that change its state.
var special = func() (t [256]bool) {
	for _, c := range []byte(" \t\r\n\"\\<>&\xE2") {
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
	inString, escaped := false, false
	start := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		if !special[c] {
			escaped = false
			continue
		}
		switch {
		case c == '<' || c == '>' || c == '&':
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			start = i + 1
		case c == 0xE2 && i+2 < len(src) && src[i+1] == 0x80 && src[i+2]&^1 == 0xA8:
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[src[i+2]&0xF])
			i += 2
			start = i + 1
		case inString:
			switch {
			case escaped:
			case c == '\\':
				escaped = true
				continue
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			dst = append(dst, src[start:i]...)
			start = i + 1
		}
		escaped = false
	}
	return append(dst, src[start:]...)
}
