package interchange_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aidregistry/registry/ent/change"
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
