package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Result is a programme's indicator: the target as the source words it
// ("200-300") and what was achieved as an exact number (46).
type Result struct {
	ent.Schema
}

// Mixin of Result.
func (Result) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}} }

// Fields of Result.
func (Result) Fields() []ent.Field {
	return []ent.Field{
		field.String("indicator").NotEmpty(),
		field.String("unit").Optional().Nillable(),
		field.String("target").Optional().Nillable(),
		decimalField("achieved"),
		field.Int("programme_id").Annotations(skipAll()),
	}
}

// Edges of Result.
func (Result) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("programme", Programme.Type).Ref("results").Unique().Required().Field("programme_id"),
		cites(),
	}
}

// Annotations of Result.
func (Result) Annotations() []schema.Annotation { return linkedAnnotations() }

// Indexes of Result: the lookups its edges are loaded by.
func (Result) Indexes() []ent.Index {
	return []ent.Index{index.Fields("programme_id")}
}
