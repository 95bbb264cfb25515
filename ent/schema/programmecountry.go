package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// ProgrammeCountry is a country's role in a programme: a BENEFICIARY (with
// an optional IATI-style percentage share) or a DIASPORA_HOST, and the
// sub-national areas covered.
type ProgrammeCountry struct {
	ent.Schema
}

// Mixin of ProgrammeCountry.
func (ProgrammeCountry) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}, IATIHeld{}} }

// Fields of ProgrammeCountry.
func (ProgrammeCountry) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("role").Values("BENEFICIARY", "DIASPORA_HOST"),
		decimalField("share_percent"),
		field.Int("programme_id").Annotations(skipAll()),
		field.Int("country_id").Annotations(skipAll()),
	}
}

// Edges of ProgrammeCountry.
func (ProgrammeCountry) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("programme", Programme.Type).Ref("countries").Unique().Required().Field("programme_id"),
		edge.From("country", Country.Type).Ref("programme_countries").Unique().Required().Field("country_id"),
		edge.To("areas", Area.Type),
		cites(),
	}
}

// Indexes of ProgrammeCountry.
func (ProgrammeCountry) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("programme_id", "country_id", "role").Unique(),
		index.Fields("country_id", "role"),
	}
}

// Annotations of ProgrammeCountry.
func (ProgrammeCountry) Annotations() []schema.Annotation { return linkedAnnotations() }
