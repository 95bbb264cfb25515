package main

import (
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/aidregistry/registry/internal/iati"
)

// elementsColumn is the ent field holding the IATI activity a record keeps
// as published (ent/schema/iatifields.go).
const elementsColumn = "iati_elements"

// elementsField maps a field declared by hand on Programme, whose
// iati_elements hold the activity (a Funding's or a Participation's hold
// only the element each was made of), when iati.ActivityFamilies names it
// as the GraphQL field of a family the programme keeps: its resolver is that family's view of
// internal/iati/views.go over the kept activity, which internal/sqljson
// reads the same way (elements.go). The family's table, not the resolver's
// body, says which elements the list holds.
func elementsField(t *gen.Type, fd *ast.FieldDefinition) (fieldSpec, bool) {
	if fd.Type.Elem == nil || !fd.Type.NonNull || len(fd.Arguments) > 0 {
		return fieldSpec{}, false
	}
	var column *gen.Field
	for _, f := range t.Fields {
		if f.Name == elementsColumn {
			column = f
		}
	}
	if column == nil || t.Name != "Programme" {
		return fieldSpec{}, false
	}
	for _, fam := range iati.ActivityFamilies {
		if fam.Projection == fd.Name && fam.Holder == iati.HeldByProgramme {
			return fieldSpec{Kind: "elements", Column: column.StorageKey(), Shape: fd.Type.Name(), Family: fam.Name, NonNull: true}, true
		}
	}
	return fieldSpec{}, false
}
