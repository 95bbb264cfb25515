package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Area is a sub-national area of a country (Somaliland, Puntland,
// South-Central Somalia), shared by the country and the programmes covering it.
type Area struct {
	ent.Schema
}

// Mixin of Area.
func (Area) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}} }

// Fields of Area.
func (Area) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty(),
		field.Int("country_id").Annotations(skipAll()),
	}
}

// Edges of Area.
func (Area) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("country", Country.Type).Ref("areas").Unique().Required().Field("country_id"),
		edge.From("programme_countries", ProgrammeCountry.Type).Ref("areas").Annotations(setByChild()),
		cites(),
	}
}

// Indexes of Area: an area's name is unique within its country.
func (Area) Indexes() []ent.Index {
	return []ent.Index{index.Fields("country_id", "name").Unique()}
}

// Annotations of Area.
func (Area) Annotations() []schema.Annotation { return linkedAnnotations() }
