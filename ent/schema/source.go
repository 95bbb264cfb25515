package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Source is a document records are taken from; every demo record cites one.
type Source struct {
	ent.Schema
}

// Mixin of Source.
func (Source) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}} }

// Fields of Source. A source is a web page (url) or a file (file_name).
func (Source) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").NotEmpty(),
		field.String("url").Optional().Nillable(),
		field.String("file_name").Optional().Nillable().Unique(),
		field.String("publisher").Optional().Nillable(),
		partialDate("published_on"),
	}
}

// Annotations of Source.
func (Source) Annotations() []schema.Annotation { return linkedAnnotations() }

// Edges of Source: what each document is cited by. They are the inverse of
// every entity's "sources" edge, which makes citing many-to-many.
func (Source) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("agreements", Agreement.Type).Ref("sources").Annotations(setByChild()),
		edge.From("agreement_parties", AgreementParty.Type).Ref("sources").Annotations(setByChild()),
		edge.From("areas", Area.Type).Ref("sources").Annotations(setByChild()),
		edge.From("contacts", Contact.Type).Ref("sources").Annotations(setByChild()),
		edge.From("countries", Country.Type).Ref("sources").Annotations(setByChild()),
		edge.From("events", Event.Type).Ref("sources").Annotations(setByChild()),
		edge.From("fundings", Funding.Type).Ref("sources").Annotations(setByChild()),
		edge.From("organisations", Organisation.Type).Ref("sources").Annotations(setByChild()),
		edge.From("participations", Participation.Type).Ref("sources").Annotations(setByChild()),
		edge.From("presences", Presence.Type).Ref("sources").Annotations(setByChild()),
		edge.From("programmes", Programme.Type).Ref("sources").Annotations(setByChild()),
		edge.From("programme_countries", ProgrammeCountry.Type).Ref("sources").Annotations(setByChild()),
		edge.From("results", Result.Type).Ref("sources").Annotations(setByChild()),
	}
}

// Indexes of Source: the IATI importer finds a document-link's source by
// its URL.
func (Source) Indexes() []ent.Index {
	return []ent.Index{index.Fields("url")}
}
