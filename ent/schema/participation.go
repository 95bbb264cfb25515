package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Participation is an organisation's role in a programme: the IATI
// OrganisationRole codes 1-4 (FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING)
// plus PARTNER.
type Participation struct {
	ent.Schema
}

// Mixin of Participation.
func (Participation) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}, IATIHeld{}} }

// Fields of Participation.
func (Participation) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("role").Values("FUNDING", "ACCOUNTABLE", "EXTENDING", "IMPLEMENTING", "PARTNER"),
		field.Int("programme_id").Annotations(skipAll()),
		field.Int("organisation_id").Annotations(skipAll()),
	}
}

// Edges of Participation.
func (Participation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("programme", Programme.Type).Ref("participations").Unique().Required().Field("programme_id"),
		edge.From("organisation", Organisation.Type).Ref("participations").Unique().Required().Field("organisation_id"),
		cites(),
	}
}

// Indexes of Participation: one role per organisation per programme, and
// "what does this organisation do" lookups.
func (Participation) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("programme_id", "organisation_id", "role").Unique(),
		index.Fields("organisation_id", "role"),
	}
}

// Annotations of Participation.
func (Participation) Annotations() []schema.Annotation { return linkedAnnotations() }
