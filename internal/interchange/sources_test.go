package interchange_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aidregistry/registry/ent/change"
	"github.com/aidregistry/registry/ent/source"
	"github.com/aidregistry/registry/internal/store"
)

// An activity's new sources are made together: one per URL however often
// the activity gives it, a stored one found rather than made again, each
// made recorded in the history, and the programme cites them all.
func TestImportMakesAnActivitysSourcesTogether(t *testing.T) {
	each(t, func(t *testing.T, st *store.Store) {
		c, ctx := st.Client, context.Background()
		importString(t, c, `<iati-activities version="2.03"><iati-activity>
			<iati-identifier>S-1</iati-identifier><title><narrative>First</narrative></title>
			<document-link url="https://example.org/b.pdf" format="application/pdf"><title><narrative>B</narrative></title></document-link>
			</iati-activity></iati-activities>`)
		sum := importString(t, c, `<iati-activities version="2.03"><iati-activity>
			<iati-identifier>S-2</iati-identifier><title><narrative>Second</narrative></title>
			<document-link url="https://example.org/a.pdf" format="application/pdf"><title><narrative>A</narrative></title></document-link>
			<document-link url="https://example.org/b.pdf" format="application/pdf"><title><narrative>B again</narrative></title></document-link>
			<document-link url="https://example.org/a.pdf" format="application/pdf"><title><narrative>A again</narrative></title></document-link>
			<document-link url="https://example.org/c.pdf" format="application/pdf"/>
			</iati-activity></iati-activities>`)
		if sum.Created != 1 || len(sum.Skipped) != 0 {
			t.Fatalf("summary %+v", sum)
		}
		var got []string
		for _, s := range loadProgramme(t, c, "S-2").Edges.Sources {
			got = append(got, s.Title+" "+*s.URL)
		}
		slices.Sort(got)
		want := []string{"A https://example.org/a.pdf", "B https://example.org/b.pdf", "https://example.org/c.pdf https://example.org/c.pdf"}
		if !slices.Equal(got, want) {
			t.Errorf("sources %v, want %v", got, want)
		}
		if n := c.Source.Query().CountX(ctx); n != 3 {
			t.Errorf("%d sources stored, want 3", n)
		}
		made := c.Change.Query().Where(change.RecordType("Source"), change.OperationEQ(change.OperationCREATE)).CountX(ctx)
		if made != 3 {
			t.Errorf("%d sources' creations recorded, want 3", made)
		}
	})
}

// A source made by one activity of a file is found by the later ones of
// its batch, whether they create their programme or update it (the
// source, held until the batch's rows are inserted, is then inserted at
// once): one Source per URL, each programme citing it, one creation
// recorded.
func TestImportFindsASourceMadeEarlierInTheBatch(t *testing.T) {
	activity := func(code, url string) string {
		return `<iati-activity><iati-identifier>` + code + `</iati-identifier><title><narrative>` + code + `</narrative></title>
			<document-link url="` + url + `" format="application/pdf"><title><narrative>Report</narrative></title></document-link></iati-activity>`
	}
	const shared = "https://example.org/shared.pdf"
	cases := []struct {
		name    string
		before  string // imported first, in a file of its own
		file    string
		created int
		updated int
	}{
		{"both created", "", activity("B-1", shared) + activity("B-2", shared), 2, 0},
		{"the second updated", activity("B-2", "https://example.org/old.pdf"), activity("B-1", shared) + activity("B-2", shared), 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			each(t, func(t *testing.T, st *store.Store) {
				c, ctx := st.Client, context.Background()
				if tc.before != "" {
					importString(t, c, `<iati-activities version="2.03">`+tc.before+`</iati-activities>`)
				}
				sum := importString(t, c, `<iati-activities version="2.03">`+tc.file+`</iati-activities>`)
				if sum.Created != tc.created || sum.Updated != tc.updated || len(sum.Skipped) != 0 {
					t.Fatalf("summary %+v, want %d created and %d updated", sum, tc.created, tc.updated)
				}
				stored := c.Source.Query().Where(source.URL(shared)).AllX(ctx)
				if len(stored) != 1 {
					t.Fatalf("%d sources of %s stored, want 1", len(stored), shared)
				}
				for _, code := range []string{"B-1", "B-2"} {
					var urls []string
					for _, s := range loadProgramme(t, c, code).Edges.Sources {
						if s.ID != stored[0].ID {
							t.Errorf("%s cites source %d, want %d", code, s.ID, stored[0].ID)
						}
						urls = append(urls, *s.URL)
					}
					if !slices.Equal(urls, []string{shared}) {
						t.Errorf("%s cites %v, want %s", code, urls, shared)
					}
				}
				made := c.Change.Query().Where(change.RecordType("Source"), change.RecordID(stored[0].ID), change.OperationEQ(change.OperationCREATE)).CountX(ctx)
				if made != 1 {
					t.Errorf("%d creations of the shared source recorded, want 1", made)
				}
			})
		})
	}
}
