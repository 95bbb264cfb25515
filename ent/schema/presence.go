package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/index"
)

// Presence is an organisation's office in a country, with the year it opened
// (IOM in Mali since 1998).
type Presence struct {
	ent.Schema
}

// Mixin of Presence.
func (Presence) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}} }

// Fields of Presence.
func (Presence) Fields() []ent.Field {
	return []ent.Field{partialDate("opened_in")}
}

// Edges of Presence.
func (Presence) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("organisation", Organisation.Type).Ref("presences").Unique().Required(),
		edge.From("country", Country.Type).Ref("presences").Unique().Required(),
		cites(),
	}
}

// Annotations of Presence.
func (Presence) Annotations() []schema.Annotation { return linkedAnnotations() }

// Indexes of Presence: the lookups its edges are loaded by.
func (Presence) Indexes() []ent.Index {
	return []ent.Index{index.Edges("organisation"), index.Edges("country")}
}
