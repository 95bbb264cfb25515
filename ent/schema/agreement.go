package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Agreement is a signed instrument between organisations.
type Agreement struct {
	ent.Schema
}

// Mixin of Agreement.
func (Agreement) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}} }

// Fields of Agreement.
func (Agreement) Fields() []ent.Field {
	return []ent.Field{
		field.String("reference").Optional().Nillable().Unique().NotEmpty().
			Annotations(entgql.OrderField("REFERENCE")),
		field.String("title").NotEmpty().Annotations(entgql.OrderField("TITLE")),
		field.Enum("kind").Values("MOU", "PARTNERSHIP", "FUNDING", "IMPLEMENTATION", "COOPERATION").
			Optional().Nillable().
			Annotations(entgql.OrderField("KIND")),
		field.Enum("status").Values("DRAFT", "SIGNED", "IN_FORCE", "EXPIRED", "TERMINATED").
			Optional().Nillable().
			Annotations(entgql.OrderField("STATUS")),
		partialDate("signed_on", entgql.OrderField("SIGNED_ON")),
		field.String("place").Optional().Nillable(),
		field.Text("summary").Optional().Nillable(),
	}
}

// Edges of Agreement.
func (Agreement) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("parties", AgreementParty.Type).Annotations(setByChild()),
		edge.To("programmes", Programme.Type),
		edge.To("fundings", Funding.Type).Annotations(setByChild()),
		cites(),
	}
}

// Annotations of Agreement.
func (Agreement) Annotations() []schema.Annotation { return rootAnnotations() }
