package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// APIKey lets a partner agency write. Only a hash of the secret is kept;
// the prefix finds the row without comparing secrets one by one.
type APIKey struct {
	ent.Schema
}

// Fields of APIKey.
func (APIKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("prefix").Unique().NotEmpty().Immutable(),
		field.Bytes("secret_hash").Sensitive().Immutable(),
		field.Enum("role").Values("EDITOR", "ADMIN").Immutable(),
		field.String("label").Optional(),
		field.Time("created_at").Default(now).Immutable(),
		field.Time("revoked_at").Optional().Nillable(),
		field.Int("organisation_id").Immutable(),
	}
}

// Edges of APIKey.
func (APIKey) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("organisation", Organisation.Type).Unique().Required().Immutable().Field("organisation_id"),
	}
}

// Annotations of APIKey: keys never appear in GraphQL.
func (APIKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
