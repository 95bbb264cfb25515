package gid

import (
	"encoding/base64"
	"strconv"
	"testing"

	"github.com/aidregistry/registry/ent"
)

// TestEveryTableHasAType: a new entity whose table is missing from the
// type-name map would get ids no client could send back.
func TestEveryTableHasAType(t *testing.T) {
	if missing := ent.UnnamedNodeTables(); len(missing) > 0 {
		t.Errorf("tables without a GraphQL type name in ent/globalid_types.go: %v", missing)
	}
}

func typeStarts(t *testing.T) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, typ := range []string{"Agreement", "AgreementParty", "Area", "Contact", "Country", "Event", "Funding",
		"Organisation", "Participation", "Presence", "Programme", "ProgrammeCountry", "Result", "Source"} {
		start, ok := ent.NodeTypeStart(typ)
		if !ok {
			t.Errorf("type %s has no global-id range", typ)
		}
		m[typ] = start
	}
	return m
}

func TestRoundTrip(t *testing.T) {
	for typ, start := range typeStarts(t) {
		for _, id := range []int{start, start + 1, start + 123456} {
			got, err := Decode(Encode(id))
			if err != nil || got != id {
				t.Errorf("%s id %d: Decode(Encode) = %d, %v", typ, id, got, err)
			}
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	prog, _ := ent.NodeTypeStart("Programme")
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, in := range []string{
		"", "42", "not base64!", enc("Programme"), enc("Programme:x"),
		enc("Organisation:" + strconv.Itoa(prog+1)), // a programme id claiming to be an organisation
		enc("Nothing:1"),
	} {
		if _, err := Decode(in); err == nil {
			t.Errorf("Decode(%q) accepted a bad id", in)
		}
	}
}
