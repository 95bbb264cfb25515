package validate

import (
	"testing"

	"entgo.io/ent/dialect/sql/schema"

	"github.com/aidregistry/registry/ent/migrate"
)

// TestReferencesCoverEveryForeignKey: a delete is refused only for the
// references listed; one missing from the list would let ent null it out
// or fail with a bare constraint error.
func TestReferencesCoverEveryForeignKey(t *testing.T) {
	for _, table := range migrate.Tables {
		if len(table.PrimaryKey) != 1 {
			continue // join tables: their rows go with the record (ON DELETE CASCADE)
		}
		for _, fk := range table.ForeignKeys {
			if fk.OnDelete == schema.Cascade {
				continue // derived rows (an import's projections) go with their record
			}
			ref := reference{Table: table.Name, Column: fk.Columns[0].Name}
			found := false
			for _, r := range References[fk.RefTable.Name] {
				found = found || r == ref
			}
			if !found {
				t.Errorf("%s.%s points at %s but is not in References", ref.Table, ref.Column, fk.RefTable.Name)
			}
			if _, ok := counters[table.Name]; !ok {
				t.Errorf("no counter for table %s", table.Name)
			}
		}
	}
	for refTable := range References {
		if _, ok := tableOfRef(refTable); !ok {
			t.Errorf("References lists %s, which no mutation type maps to", refTable)
		}
	}
}

func tableOfRef(table string) (string, bool) {
	for typ, t := range tableOf {
		if t == table {
			return typ, true
		}
	}
	return "", false
}
