package interchange_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/change"
	"github.com/aidregistry/registry/internal/store"
)

// parentActivity is an activity with an element its programme keeps
// (activity-scope) and the related-activities given.
func parentActivity(code, related string) string {
	return `<iati-activity><iati-identifier>` + code + `</iati-identifier><title><narrative>` + code + `</narrative></title>
	<activity-scope code="4"/>` + related + `</iati-activity>`
}

// A batch that creates programmes and links them to one another, in
// either direction, links them as a file read one activity at a time
// would: the children's parent is set, each keeps its elements, and the
// history of a child's adoption holds it whole before and after, elements
// included. The last file imported again changes nothing.
func TestImportLinksProgrammesCreatedInTheSameBatch(t *testing.T) {
	child := func(code string) string { return parentActivity(code, "") }
	tests := []struct {
		name  string
		files []string
		// adopted are the children whose parent an update set (an UPDATE
		// in their history), rather than their creation.
		adopted []string
	}{
		{"children first, their parent naming them", []string{
			child("C1") + child("C2") + parentActivity("P", `<related-activity ref="C1" type="2"/><related-activity ref="C2" type="2"/>`),
		}, []string{"C1", "C2"}},
		{"the parent first, children naming it", []string{
			child("P") + parentActivity("C1", `<related-activity ref="P" type="1"/>`) + parentActivity("C2", `<related-activity ref="P" type="1"/>`),
		}, nil},
		{"a stored child naming a new parent", []string{
			child("C1") + child("C2"),
			child("P") + parentActivity("C1", `<related-activity ref="P" type="1"/>`) + parentActivity("C2", `<related-activity ref="P" type="1"/>`),
		}, []string{"C1", "C2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			each(t, func(t *testing.T, st *store.Store) {
				c := st.Client
				for _, f := range tt.files {
					importString(t, c, `<iati-activities version="2.03">`+f+`</iati-activities>`)
				}
				for _, code := range []string{"C1", "C2", "P"} {
					p := loadProgramme(t, c, code)
					if code != "P" && (p.Edges.Parent == nil || p.Edges.Parent.Code != "P") {
						t.Errorf("%s has parent %v, want P", code, p.Edges.Parent)
					}
					if !strings.Contains(jsonOf(t, p.IatiElements), `"activity-scope"`) {
						t.Errorf("%s keeps %s, want its activity-scope among them", code, jsonOf(t, p.IatiElements))
					}
				}
				for _, code := range tt.adopted {
					p := loadProgramme(t, c, code)
					chs := c.Change.Query().Where(change.RecordID(p.ID), change.OperationEQ(change.OperationUPDATE)).AllX(context.Background())
					chs = slices.DeleteFunc(chs, func(ch *ent.Change) bool { return ch.Before["parent_id"] == ch.After["parent_id"] })
					if len(chs) != 1 {
						t.Fatalf("%s has %d updates in its history, want its adoption", code, len(chs))
					}
					for side, fields := range map[string]map[string]any{"before": chs[0].Before, "after": chs[0].After} {
						if !strings.Contains(jsonOf(t, fields["iati_elements"]), "activity-scope") {
							t.Errorf("%s's adoption: %s holds elements %v, want its activity-scope", code, side, fields["iati_elements"])
						}
					}
				}
				changes := c.Change.Query().CountX(context.Background())
				last := tt.files[len(tt.files)-1]
				if sum := importString(t, c, `<iati-activities version="2.03">`+last+`</iati-activities>`); sum.Created+sum.Updated != 0 {
					t.Errorf("again: %+v", sum)
				}
				if again := c.Change.Query().CountX(context.Background()); again != changes {
					t.Errorf("again: %d changes, were %d", again, changes)
				}
			})
		})
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
