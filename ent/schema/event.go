package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Event is a conference or meeting, with its organisers and participants.
type Event struct {
	ent.Schema
}

// Mixin of Event.
func (Event) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}} }

// Fields of Event.
func (Event) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").NotEmpty().Annotations(entgql.OrderField("TITLE")),
		partialDate("starts_on", entgql.OrderField("STARTS_ON")),
		partialDate("ends_on"),
		field.String("place").Optional().Nillable(),
		field.Text("summary").Optional().Nillable(),
		field.Int("programme_id").Optional().Nillable().Annotations(skipAll()),
	}
}

// Edges of Event.
func (Event) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("organisers", Organisation.Type),
		edge.To("participants", Organisation.Type),
		edge.To("programme", Programme.Type).Unique().Field("programme_id"),
		cites(),
	}
}

// Annotations of Event.
func (Event) Annotations() []schema.Annotation { return rootAnnotations() }

// Indexes of Event: the lookups its edges are loaded by.
func (Event) Indexes() []ent.Index {
	return []ent.Index{index.Fields("programme_id")}
}
