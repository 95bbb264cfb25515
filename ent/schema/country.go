package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Country is an ISO 3166-1 state, loaded from a maintained code list.
type Country struct {
	ent.Schema
}

// Mixin of Country.
func (Country) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}} }

// Fields of Country.
func (Country) Fields() []ent.Field {
	return []ent.Field{
		field.String("iso2").MinLen(2).MaxLen(2).Unique().Annotations(entgql.OrderField("ISO2")),
		field.String("iso3").MinLen(3).MaxLen(3).Unique().Annotations(entgql.OrderField("ISO3")),
		field.String("name").NotEmpty().Annotations(entgql.OrderField("NAME")),
		field.String("region").Optional().Nillable().Annotations(entgql.OrderField("REGION")),
	}
}

// Edges of Country.
func (Country) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("areas", Area.Type).Annotations(setByChild()),
		edge.To("presences", Presence.Type).Annotations(setByChild()),
		edge.To("programme_countries", ProgrammeCountry.Type).Annotations(setByChild()),
		edge.From("headquartered", Organisation.Type).Ref("headquarters").Annotations(setByChild()),
		cites(),
	}
}

// Annotations of Country.
func (Country) Annotations() []schema.Annotation { return rootAnnotations() }
