package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Organisation is an agency, government, fund, foundation, university or
// association. Its kinds are named after the IATI OrganisationType codes.
type Organisation struct {
	ent.Schema
}

// Mixin of Organisation.
func (Organisation) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}} }

// Fields of Organisation.
func (Organisation) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().Annotations(entgql.OrderField("NAME")),
		field.String("acronym").Optional().Nillable().Annotations(entgql.OrderField("ACRONYM")),
		field.Enum("kind").Values(
			"GOVERNMENT", "LOCAL_GOVERNMENT", "OTHER_PUBLIC_SECTOR",
			"INTERNATIONAL_NGO", "NATIONAL_NGO", "REGIONAL_NGO",
			"PUBLIC_PRIVATE_PARTNERSHIP", "MULTILATERAL", "FOUNDATION",
			"PRIVATE_SECTOR", "ACADEMIC", "OTHER",
		).Annotations(entgql.OrderField("KIND")),
		field.String("iati_ref").Optional().Nillable().Unique().NotEmpty().
			Comment("IATI organisation identifier, e.g. XM-DAC-47066"),
		field.String("website").Optional().Nillable(),
		field.Int("headquarters_id").Optional().Nillable().Annotations(skipAll()),
		field.Int("parent_id").Optional().Nillable().Annotations(skipAll()),
		field.String("name_key").Optional().Annotations(skipAll()).
			Comment("the name as orgname.Key normalises it, set by identity.NameKeyHook; imports match names by it"),
		field.Int("merged_into_id").Optional().Nillable().Annotations(skipAll()).
			Comment("the organisation this one was merged into; node(id:) answers with that one"),
	}
}

// Edges of Organisation.
func (Organisation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("headquarters", Country.Type).Unique().Field("headquarters_id"),
		edge.To("children", Organisation.Type).Annotations(setByChild()).
			From("parent").Unique().Field("parent_id"),
		edge.To("presences", Presence.Type).Annotations(setByChild()),
		edge.To("contacts", Contact.Type).Annotations(setByChild()),
		edge.To("participations", Participation.Type).Annotations(setByChild()),
		edge.To("fundings_given", Funding.Type).Annotations(setByChild()),
		edge.To("fundings_received", Funding.Type).Annotations(setByChild()),
		edge.To("agreement_parties", AgreementParty.Type).Annotations(setByChild()),
		edge.From("events_organised", Event.Type).Ref("organisers").Annotations(setByChild()),
		edge.From("events_attended", Event.Type).Ref("participants").Annotations(setByChild()),
		// Read through Organisation.aliases (graph/identity.graphql), never null.
		edge.To("aliases", OrganisationAlias.Type).
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		cites(),
	}
}

// Annotations of Organisation.
func (Organisation) Annotations() []schema.Annotation { return rootAnnotations() }

// Indexes of Organisation: the lookups its edges are loaded by.
func (Organisation) Indexes() []ent.Index {
	return []ent.Index{index.Fields("parent_id"), index.Fields("headquarters_id"), index.Fields("name_key"), index.Fields("merged_into_id")}
}
