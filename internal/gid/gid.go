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

	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/ent"
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
		return 0, fmt.Errorf("an ID must be a string, got %T", v)
	}
	return Decode(s)
}
