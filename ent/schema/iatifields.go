package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	"github.com/aidregistry/registry/internal/iati"
)

// IATIFields keeps what an IATI activity says of a programme that the
// registry's own fields cannot: the language its title and description are
// in, their versions in other languages, its recipient regions, and the
// organisation that published it. The importer (internal/interchange) fills
// them and the exporter writes them back, so an activity keeps its
// narratives, regions, publisher, planned and actual dates and budget
// periods through the registry. The dates and budget periods are written
// back only while they still give the programme's startDate, endDate and
// budget: a programme edited since is exported from its own fields.
type IATIFields struct {
	mixin.Schema
}

// importManaged keeps a field out of the create and update inputs: the IATI
// importer sets it, clients read it.
func importManaged(graphQLType string) []schema.Annotation {
	return []schema.Annotation{
		entgql.Type(graphQLType),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}

// Fields of the IATIFields mixin.
func (IATIFields) Fields() []ent.Field {
	return []ent.Field{
		field.String("language").Optional().Nillable().MaxLen(35).
			Comment("language of title and description (IATI xml:lang, e.g. en)"),
		field.JSON("title_translations", []iati.Narrative{}).Optional().
			Annotations(importManaged("[Narrative!]")...).
			Comment("the title in other languages"),
		field.JSON("description_translations", []iati.Narrative{}).Optional().
			Annotations(importManaged("[Narrative!]")...).
			Comment("the description in other languages"),
		field.JSON("recipient_regions", []iati.RecipientRegion{}).Optional().
			Annotations(importManaged("[RecipientRegion!]")...).
			Comment("IATI recipient-region elements: region codes with their vocabulary and share"),
		field.JSON("reporting_org", &iati.ReportingOrg{}).Optional().
			Annotations(skipAll()).
			Comment("the IATI reporting-org of the imported activity, written back on export"),
		field.JSON("activity_dates", []iati.ActivityDate{}).Optional().
			Annotations(skipAll()).
			Comment("the IATI activity-dates (planned and actual) start_date and end_date were taken from"),
		field.JSON("budget_periods", []iati.Budget{}).Optional().
			Annotations(skipAll()).
			Comment("the IATI budgets, by period, that budget totals"),
	}
}

// IATIHeld keeps, on a record an import made, the IATI elements the record
// stands for, exactly as published (internal/iati.Families says which
// record holds which family). An export writes them back while the record
// is as imported (updated_at equal to iati_synced_at); once it is changed
// through the API its fields are written instead. A programme holds one
// element: its iati-activity with the activity's attributes and every
// child no other record holds.
type IATIHeld struct {
	mixin.Schema
}

// Fields of the IATIHeld mixin.
func (IATIHeld) Fields() []ent.Field {
	return []ent.Field{
		field.JSON("iati_elements", []*iati.Element{}).Optional().
			Annotations(skipAll()).
			Comment("the IATI elements this record was imported from, as published"),
		field.Time("iati_synced_at").Optional().Nillable().
			Annotations(skipAll()).
			Comment("when the import last wrote the record: equal to updated_at while nobody has changed it since"),
	}
}

// QualityNotes records how an imported record departs from the rules it
// would have been held to had a person typed it in: the publisher's
// record is kept as published, and the departure noted.
type QualityNotes struct {
	mixin.Schema
}

// Fields of the QualityNotes mixin.
func (QualityNotes) Fields() []ent.Field {
	return []ent.Field{
		field.JSON("quality_notes", []iati.QualityNote{}).Optional().
			Annotations(entgql.Skip(entgql.SkipAll)).
			Comment("departures from the IATI rules or the registry's own, kept as published"),
		field.Bool("has_quality_notes").Default(false).
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			Comment("whether quality_notes has any: the filter hasQualityNotes"),
	}
}
