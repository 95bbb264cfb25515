package interchange

import (
	"testing"

	"github.com/aidregistry/registry/ent"
)

// FuzzParseWhere: any text sent as an export's ?where= is refused with a
// BAD_USER_INPUT error or read into a filter from which ent can build a
// predicate (or report it empty), never a panic. Seeds:
// testdata/fuzz/FuzzParseWhere.
func FuzzParseWhere(f *testing.F) {
	for _, s := range []string{
		`{"hasCountriesWith":[{"hasCountryWith":[{"iso2":"SO"}]}]}`,
		`{"and":[{"and":[{"and":[{}]}]}]}`,
		`{"status":"ACTIVE","codeHasPrefix":"UN"}`,
		`{"not":{"budgetAmountGT":"1000.50"}}`,
		`{"idIn":["UHJvZ3JhbW1lOjQy"]}`,
		`{"colour":"red"}`,
		`[]`, `{`, `{} {}`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWhere[ent.ProgrammeWhereInput](s)
		if err != nil || w == nil {
			return
		}
		_, _ = w.P()
		if d := jsonDepth(s); d > MaxWhereDepth {
			t.Fatalf("a filter %d levels deep was accepted", d)
		}
	})
}
