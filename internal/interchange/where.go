package interchange

import (
	"bytes"
	"encoding/json"

	"strings"

	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/gid"
)

// idKeys are the id predicates of every entgql WhereInput: GraphQL sends
// opaque ids, the generated inputs hold integers.
var idKeys = map[string]bool{"id": true, "idNEQ": true, "idGT": true, "idGTE": true, "idLT": true, "idLTE": true}
var idListKeys = map[string]bool{"idIn": true, "idNotIn": true}

// ParseWhere reads a GraphQL `where` argument written as JSON (what a
// client would send as the variable) into one of ent's generated where
// inputs, such as ent.ProgrammeWhereInput, so that an export filters as
// the GraphQL connection does. Opaque ids are decoded. An empty string is
// no filter (nil). Errors are BAD_USER_INPUT.
func ParseWhere[T any](raw string) (*T, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, apperr.Errorf(apperr.BadUserInput, "where is not JSON: %v", err)
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, apperr.Errorf(apperr.BadUserInput, "where must be a JSON object, as the GraphQL where argument")
	}
	v, err := decodeIDs(v)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := new(T)
	strict := json.NewDecoder(bytes.NewReader(b))
	strict.DisallowUnknownFields()
	if err := strict.Decode(out); err != nil {
		return nil, apperr.Errorf(apperr.BadUserInput, "where: %v", err)
	}
	return out, nil
}

func decodeIDs(v any) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch {
			case idKeys[k]:
				id, err := decodeID(k, e)
				if err != nil {
					return nil, err
				}
				x[k] = id
			case idListKeys[k]:
				list, ok := e.([]any)
				if !ok {
					return nil, apperr.Errorf(apperr.BadUserInput, "where: %s must be a list of ids", k)
				}
				for i, item := range list {
					id, err := decodeID(k, item)
					if err != nil {
						return nil, err
					}
					list[i] = id
				}
			default:
				d, err := decodeIDs(e)
				if err != nil {
					return nil, err
				}
				x[k] = d
			}
		}
	case []any:
		for i, e := range x {
			d, err := decodeIDs(e)
			if err != nil {
				return nil, err
			}
			x[i] = d
		}
	}
	return v, nil
}

func decodeID(key string, v any) (int, error) {
	s, ok := v.(string)
	if !ok {
		return 0, apperr.Errorf(apperr.BadUserInput, "where: %s must be an id string, as GraphQL gives it", key)
	}
	id, err := gid.Decode(s)
	if err != nil {
		return 0, apperr.Errorf(apperr.BadUserInput, "where: %s: %v", key, err)
	}
	return id, nil
}

// whereError wraps a where input that ent cannot turn into a predicate.
func whereError(err error) error {
	return apperr.Errorf(apperr.BadUserInput, "where: %v", err)
}
