package gid

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"io"
	"math"
	"strconv"

	"entgo.io/contrib/entgql"

	"github.com/aidregistry/registry/ent"
)

// Every connection edge writes an id, and often a cursor: these encoders
// write the exact bytes the straightforward ones (base64 of a string,
// json.Marshal, entgql's msgpack encoder) wrote, without their
// intermediate strings and encoders. encoding_test.go pins the output.

// appendRawID appends "Type:42949672961", the text an opaque id encodes.
func appendRawID(dst []byte, id int) []byte {
	typ, _ := ent.NodeTypeOf(id)
	dst = append(dst, typ...)
	dst = append(dst, ':')
	return strconv.AppendInt(dst, int64(id), 10)
}

// writeQuotedBase64 writes src in base64 between double quotes, the JSON
// string of it (base64 needs no escaping). gqlgen marshals a response
// into a bytes.Buffer, which takes the bytes without a copy in between.
func writeQuotedBase64(w io.Writer, enc *base64.Encoding, src []byte) {
	n := enc.EncodedLen(len(src)) + 2
	if bb, ok := w.(*bytes.Buffer); ok {
		bb.Grow(n)
		out := bb.AvailableBuffer()
		out = append(out, '"')
		out = enc.AppendEncode(out, src)
		out = append(out, '"')
		_, _ = bb.Write(out)
		return
	}
	var arr [128]byte
	out := append(arr[:0], '"')
	out = enc.AppendEncode(out, src)
	out = append(out, '"')
	_, _ = w.Write(out)
}

// idMarshaler writes an opaque id as a JSON string.
type idMarshaler int

func (m idMarshaler) MarshalGQL(w io.Writer) {
	var raw [64]byte
	writeQuotedBase64(w, base64.RawURLEncoding, appendRawID(raw[:0], int(m)))
}

// cursorMarshaler writes a cursor as entgql.Cursor's MarshalGQL does:
// msgpack of {"i": id, "v": value} (value omitted when empty) in unpadded
// standard base64, quoted.
type cursorMarshaler entgql.Cursor[int]

func (c cursorMarshaler) MarshalGQL(w io.Writer) {
	var raw [64]byte
	b, ok := appendCursorMsgpack(raw[:0], entgql.Cursor[int](c))
	if !ok {
		entgql.Cursor[int](c).MarshalGQL(w)
		return
	}
	writeQuotedBase64(w, base64.RawStdEncoding, b)
}

// appendCursorMsgpack appends what msgpack/v5's default encoder writes for
// an entgql.Cursor[int], for the values the registry's orderings put in a
// cursor (none, a string, a *string, an int); ok is false for any other
// value, which is left to entgql.
func appendCursorMsgpack(dst []byte, c entgql.Cursor[int]) (_ []byte, ok bool) {
	var (
		str            string
		num            int
		hasStr, hasNum bool
	)
	// msgpack's omitempty looks through the interface: nil, "", 0 and a nil
	// pointer are empty, a pointer to "" is not.
	switch v := c.Value.(type) {
	case nil:
	case string:
		str, hasStr = v, v != ""
	case *string:
		if v != nil {
			str, hasStr = *v, true
		}
	case int:
		num, hasNum = v, v != 0
	default:
		return dst, false
	}
	if hasStr || hasNum {
		dst = append(dst, 0x82) // fixmap, two entries
	} else {
		dst = append(dst, 0x81)
	}
	dst = append(dst, 0xa1, 'i')
	dst = appendMsgpackInt(dst, int64(c.ID))
	switch {
	case hasStr:
		dst = append(dst, 0xa1, 'v')
		dst = appendMsgpackString(dst, str)
	case hasNum:
		dst = append(dst, 0xa1, 'v')
		dst = appendMsgpackInt(dst, int64(num))
	}
	return dst, true
}

// appendMsgpackInt is msgpack/v5's Encoder.EncodeInt: the shortest form.
func appendMsgpackInt(dst []byte, n int64) []byte {
	switch {
	case n >= 0:
		return appendMsgpackUint(dst, uint64(n))
	case n >= -32:
		return append(dst, byte(n)) // negative fixint
	case n >= math.MinInt8:
		return append(dst, 0xd0, byte(n))
	case n >= math.MinInt16:
		return binary.BigEndian.AppendUint16(append(dst, 0xd1), uint16(n))
	case n >= math.MinInt32:
		return binary.BigEndian.AppendUint32(append(dst, 0xd2), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(dst, 0xd3), uint64(n))
}

// appendMsgpackUint is msgpack/v5's Encoder.EncodeUint.
func appendMsgpackUint(dst []byte, n uint64) []byte {
	switch {
	case n <= math.MaxInt8:
		return append(dst, byte(n)) // positive fixint
	case n <= math.MaxUint8:
		return append(dst, 0xcc, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(dst, 0xcd), uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(dst, 0xce), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(dst, 0xcf), n)
}

// appendMsgpackString is msgpack/v5's Encoder.EncodeString.
func appendMsgpackString(dst []byte, s string) []byte {
	switch l := len(s); {
	case l < 32:
		dst = append(dst, 0xa0|byte(l))
	case l < 256:
		dst = append(dst, 0xd9, byte(l))
	case l <= math.MaxUint16:
		dst = binary.BigEndian.AppendUint16(append(dst, 0xda), uint16(l))
	default:
		dst = binary.BigEndian.AppendUint32(append(dst, 0xdb), uint32(l))
	}
	return append(dst, s...)
}

// decodeCursor reads the cursors appendCursorMsgpack writes (and any other
// fixmap of "i" and "v" with an integer id and a string or nil value),
// giving what entgql's reader gives for them. ok is false for anything
// else, which is left to entgql.
func decodeCursor(s string) (c entgql.Cursor[int], ok bool) {
	var in [128]byte
	var raw [96]byte // base64.RawStdEncoding.DecodedLen(128)
	if len(s) > len(in) {
		return c, false
	}
	n, err := base64.RawStdEncoding.Decode(raw[:], in[:copy(in[:], s)])
	if err != nil {
		return c, false
	}
	b := raw[:n]
	if len(b) < 1 || b[0] < 0x81 || b[0] > 0x82 {
		return c, false
	}
	entries := int(b[0] & 0x0f)
	b = b[1:]
	var seenID, seenValue bool
	for range entries {
		if len(b) < 3 || b[0] != 0xa1 {
			return c, false
		}
		key := b[1]
		b = b[2:]
		switch {
		case key == 'i' && !seenID:
			id, rest, ok := readMsgpackInt(b)
			if !ok {
				return c, false
			}
			c.ID, b, seenID = int(id), rest, true
		case key == 'v' && !seenValue:
			v, rest, ok := readMsgpackStringOrNil(b)
			if !ok {
				return c, false
			}
			c.Value, b, seenValue = v, rest, true
		default:
			return c, false
		}
	}
	return c, len(b) == 0
}

// readMsgpackInt reads an integer as msgpack/v5's DecodeInt64 does.
func readMsgpackInt(b []byte) (int64, []byte, bool) {
	code := b[0]
	b = b[1:]
	switch {
	case code <= 0x7f || code >= 0xe0: // fixints
		return int64(int8(code)), b, true
	case code == 0xcc && len(b) >= 1:
		return int64(b[0]), b[1:], true
	case code == 0xd0 && len(b) >= 1:
		return int64(int8(b[0])), b[1:], true
	case code == 0xcd && len(b) >= 2:
		return int64(binary.BigEndian.Uint16(b)), b[2:], true
	case code == 0xd1 && len(b) >= 2:
		return int64(int16(binary.BigEndian.Uint16(b))), b[2:], true
	case code == 0xce && len(b) >= 4:
		return int64(binary.BigEndian.Uint32(b)), b[4:], true
	case code == 0xd2 && len(b) >= 4:
		return int64(int32(binary.BigEndian.Uint32(b))), b[4:], true
	case (code == 0xcf || code == 0xd3) && len(b) >= 8:
		return int64(binary.BigEndian.Uint64(b)), b[8:], true
	}
	return 0, nil, false
}

// readMsgpackStringOrNil reads a str or nil into an interface as msgpack/v5's
// DecodeInterface does.
func readMsgpackStringOrNil(b []byte) (any, []byte, bool) {
	code := b[0]
	b = b[1:]
	var l int
	switch {
	case code == 0xc0:
		return nil, b, true
	case code >= 0xa0 && code <= 0xbf:
		l = int(code & 0x1f)
	case code == 0xd9 && len(b) >= 1:
		l, b = int(b[0]), b[1:]
	case code == 0xda && len(b) >= 2:
		l, b = int(binary.BigEndian.Uint16(b)), b[2:]
	case code == 0xdb && len(b) >= 4:
		l, b = int(binary.BigEndian.Uint32(b)), b[4:]
	default:
		return nil, nil, false
	}
	if l > len(b) {
		return nil, nil, false
	}
	return string(b[:l]), b[l:], true
}
