package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// AgreementParty is one organisation's signature on an agreement.
type AgreementParty struct {
	ent.Schema
}

// Mixin of AgreementParty.
func (AgreementParty) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}} }

// Fields of AgreementParty.
func (AgreementParty) Fields() []ent.Field {
	return []ent.Field{
		field.String("signatory_name").Optional().Nillable(),
		field.String("signatory_title").Optional().Nillable(),
	}
}

// Edges of AgreementParty.
func (AgreementParty) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("agreement", Agreement.Type).Ref("parties").Unique().Required(),
		edge.From("organisation", Organisation.Type).Ref("agreement_parties").Unique().Required(),
		cites(),
	}
}

// Annotations of AgreementParty.
func (AgreementParty) Annotations() []schema.Annotation { return linkedAnnotations() }

// Indexes of AgreementParty: the lookups its edges are loaded by.
func (AgreementParty) Indexes() []ent.Index {
	return []ent.Index{index.Edges("agreement"), index.Edges("organisation")}
}
