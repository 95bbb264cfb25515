// Package gid encodes the registry's global ids as opaque strings. Inside,
// ids are integers whose range says their type (ent's sql/globalid); outside,
// a client sees base64url("Programme:42949672961") and cannot confuse a
// programme id with an organisation id.
package gid

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/apperr"
)

// Encode gives the opaque id of a record; an id outside every type's range
// (which only a bug could produce) is still encoded, without a type.
func Encode(id int) string {
	var raw, out [64]byte
	return string(base64.RawURLEncoding.AppendEncode(out[:0], appendRawID(raw[:0], id)))
}

// Decode checks an opaque id and returns the integer id it stands for.
func Decode(s string) (int, error) {
	var in [64]byte
	var buf [48]byte // base64.RawURLEncoding.DecodedLen(64)
	var raw []byte
	if len(s) <= len(in) { // every id this server writes: decode on the stack
		n, err := base64.RawURLEncoding.Decode(buf[:], in[:copy(in[:], s)])
		if err != nil {
			return 0, fmt.Errorf("%q is not a registry id", s)
		}
		raw = buf[:n]
	} else {
		var err error
		if raw, err = base64.RawURLEncoding.DecodeString(s); err != nil {
			return 0, fmt.Errorf("%q is not a registry id", s)
		}
	}
	typ, num, ok := bytes.Cut(raw, []byte{':'})
	if !ok {
		return 0, fmt.Errorf("%q is not a registry id", s)
	}
	id, err := strconv.Atoi(string(num))
	if err != nil {
		return 0, fmt.Errorf("%q is not a registry id", s)
	}
	if got, ok := ent.NodeTypeOf(id); !ok || got != string(typ) {
		return 0, fmt.Errorf("%q is not a registry id", s)
	}
	return id, nil
}

// TypeOf names the GraphQL type an integer id belongs to.
func TypeOf(id int) (string, bool) { return ent.NodeTypeOf(id) }

// MarshalID writes an id for gqlgen's ID scalar.
func MarshalID(id int) graphql.Marshaler { return idMarshaler(id) }

// UnmarshalID reads gqlgen's ID scalar.
func UnmarshalID(v any) (int, error) {
	s, ok := v.(string)
	if !ok {
		return 0, apperr.Errorf(apperr.BadUserInput, "an ID must be a string, got %T", v)
	}
	id, err := Decode(s)
	if err != nil {
		return 0, apperr.Invalid("", err)
	}
	return id, nil
}

// MarshalCursor writes a connection cursor (gqlgen's Cursor scalar).
// It writes the bytes entgql.Cursor's own MarshalGQL writes.
func MarshalCursor(c entgql.Cursor[int]) graphql.Marshaler { return cursorMarshaler(c) }

// UnmarshalCursor reads a cursor, turning a malformed one into a client error
// rather than an internal one.
func UnmarshalCursor(v any) (entgql.Cursor[int], error) {
	if s, ok := v.(string); ok {
		if c, ok := decodeCursor(s); ok {
			return c, nil
		}
	}
	return unmarshalCursor(v)
}

// unmarshalCursor reads a cursor decodeCursor does not: with entgql's reader.
func unmarshalCursor(v any) (c entgql.Cursor[int], err error) {
	defer func() {
		// entgql's msgpack reader panics on some crafted input (a value
		// key twice); that is a bad cursor too, not a server fault.
		if r := recover(); r != nil {
			c, err = entgql.Cursor[int]{}, apperr.Errorf(apperr.BadUserInput, "%v is not a cursor this server issued", v)
		}
	}()
	if err := c.UnmarshalGQL(v); err != nil {
		return c, apperr.Errorf(apperr.BadUserInput, "%v is not a cursor this server issued", v)
	}
	return c, nil
}
