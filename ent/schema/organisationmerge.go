package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// OrganisationMerge records one organisation merged into another: what the
// merged one held before and which records moved, so the merge can be
// undone. It appears in the change feed like any record.
type OrganisationMerge struct {
	ent.Schema
}

// Mixin of OrganisationMerge.
func (OrganisationMerge) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}} }

// Fields of OrganisationMerge.
func (OrganisationMerge) Fields() []ent.Field {
	return []ent.Field{
		field.Int("into_id").Immutable().Annotations(entgql.Type("ID")).
			Comment("the organisation that remains"),
		field.Int("from_id").Immutable().Annotations(entgql.Type("ID")).
			Comment("the organisation merged into it"),
		field.JSON("before", map[string]any{}).Optional().Immutable().Annotations(entgql.Type("Map")).
			Comment("the merged organisation's fields before the merge"),
		field.JSON("moved", map[string]any{}).Optional().Annotations(entgql.Type("Map")).
			Comment("ids of the records moved, by link (participations, fundingsGiven, ...), and of aliases added"),
		field.Time("undone_at").Optional().Nillable(),
	}
}

// Annotations of OrganisationMerge: read only.
func (OrganisationMerge) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}

// Indexes of OrganisationMerge: a merged organisation's merges.
func (OrganisationMerge) Indexes() []ent.Index {
	return []ent.Index{index.Fields("from_id"), index.Fields("into_id")}
}
