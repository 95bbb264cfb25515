// Package gid encodes the registry's global ids as opaque strings. Inside,
// ids are integers whose range says their type (ent's sql/globalid); outside,
// a client sees base64url("Programme:42949672961") and cannot confuse a
// programme id with an organisation id.
package gid

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/apperr"
)

// Encode gives the opaque id of a record; an id outside every type's range
// (which only a bug could produce) is still encoded, without a type.
func Encode(id int) string {
	typ, _ := ent.NodeTypeOf(id)
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + strconv.Itoa(id)))
}

// Decode checks an opaque id and returns the integer id it stands for.
func Decode(s string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a registry id", s)
	}
	typ, num, ok := strings.Cut(string(raw), ":")
	if !ok {
		return 0, fmt.Errorf("%q is not a registry id", s)
	}
	id, err := strconv.Atoi(num)
	if err != nil {
		return 0, fmt.Errorf("%q is not a registry id", s)
	}
	if got, ok := ent.NodeTypeOf(id); !ok || got != typ {
		return 0, fmt.Errorf("%q is not a registry id", s)
	}
	return id, nil
}

// TypeOf names the GraphQL type an integer id belongs to.
func TypeOf(id int) (string, bool) { return ent.NodeTypeOf(id) }

// MarshalID writes an id for gqlgen's ID scalar.
func MarshalID(id int) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		b, _ := json.Marshal(Encode(id))
		_, _ = w.Write(b)
	})
}

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
func MarshalCursor(c entgql.Cursor[int]) graphql.Marshaler { return c }

// UnmarshalCursor reads a cursor, turning a malformed one into a client error
// rather than an internal one.
func UnmarshalCursor(v any) (entgql.Cursor[int], error) {
	var c entgql.Cursor[int]
	if err := c.UnmarshalGQL(v); err != nil {
		return c, apperr.Errorf(apperr.BadUserInput, "%v is not a cursor this server issued", v)
	}
	return c, nil
}
