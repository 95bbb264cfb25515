package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// OrganisationAlias is another name or identifier an organisation is known
// by, with where it was met: a publisher's own code for it, the name an
// activity file gives it, the identifier of a record merged into it.
type OrganisationAlias struct {
	ent.Schema
}

// Mixin of OrganisationAlias.
func (OrganisationAlias) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}} }

// Fields of OrganisationAlias. An alias has a name, a ref or both.
func (OrganisationAlias) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Optional().Nillable(),
		field.String("ref").Optional().Nillable().
			Comment("an organisation identifier (XM-DAC-47066) or, with a publisher, that publisher's own code"),
		field.String("publisher").Optional().Nillable().
			Comment("identifier of the publisher whose code or name this is, when it is one publisher's choosing"),
		field.String("source").NotEmpty().
			Comment("where it came from: file, publisher and element, or the merge that added it"),
		field.String("name_key").Optional().Annotations(skipAll()).
			Comment("the name as orgname.Key normalises it, set by identity.NameKeyHook"),
		field.Int("merge_id").Optional().Nillable().Annotations(skipAll()).
			Comment("the merge that added this alias; undoing the merge removes it"),
		field.Int("organisation_id").Annotations(skipAll()),
	}
}

// Edges of OrganisationAlias.
func (OrganisationAlias) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("organisation", Organisation.Type).Ref("aliases").Unique().Required().Field("organisation_id"),
	}
}

// Annotations of OrganisationAlias: read through its organisation, written
// by imports and merges.
func (OrganisationAlias) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Annotation{Table: "organisation_aliases"},
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}

// Indexes of OrganisationAlias: imports look aliases up by ref and by name.
func (OrganisationAlias) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organisation_id"), index.Fields("ref"), index.Fields("name_key")}
}
