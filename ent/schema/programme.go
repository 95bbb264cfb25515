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

// Programme is a programme or project; programmes nest (MIDA holds
// QUESTS-MIDA and MIDA Great Lakes). Statuses are IATI ActivityStatus codes.
type Programme struct {
	ent.Schema
}

// Mixin of Programme.
func (Programme) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, IATIFields{}, IATIHeld{}, QualityNotes{}}
}

// Fields of Programme.
func (Programme) Fields() []ent.Field {
	return append([]ent.Field{
		field.String("code").NotEmpty().Unique().Annotations(entgql.OrderField("CODE")),
		field.String("title").NotEmpty().Annotations(entgql.OrderField("TITLE")),
		field.Text("description").Optional().Nillable(),
		field.Enum("status").
			Values("PIPELINE", "IMPLEMENTATION", "FINALISATION", "CLOSED", "CANCELLED", "SUSPENDED").
			Optional().Nillable().
			Annotations(entgql.OrderField("STATUS")),
		field.String("theme").Optional().Nillable().Annotations(entgql.OrderField("THEME")),
		partialDate("start_date", entgql.OrderField("START_DATE")),
		partialDate("end_date", entgql.OrderField("END_DATE")),
		field.Enum("coverage").Values("NATIONAL", "REGIONAL", "GLOBAL").Optional().Nillable(),
		field.String("region").Optional().Nillable(),
		field.Int("parent_id").Optional().Nillable().Annotations(skipAll()),
	}, moneyParts("budget")...)
}

// Edges of Programme.
func (Programme) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("children", Programme.Type).Annotations(setByChild()).
			From("parent").Unique().Field("parent_id"),
		edge.To("participations", Participation.Type).Annotations(setByChild()),
		edge.To("countries", ProgrammeCountry.Type).Annotations(setByChild()),
		edge.To("fundings", Funding.Type).Annotations(setByChild()),
		edge.To("results", Result.Type).Annotations(setByChild()),
		edge.To("contacts", Contact.Type).Annotations(setByChild()),
		edge.From("agreements", Agreement.Type).Ref("programmes").Annotations(setByChild()),
		edge.From("events", Event.Type).Ref("programme").Annotations(setByChild()),
		derived("sectors", Sector.Type),
		derived("locations", Location.Type),
		derived("policy_markers", PolicyMarker.Type),
		derived("humanitarian_scopes", HumanitarianScope.Type),
		cites(),
	}
}

// Indexes of Programme: dashboards list newest first, and entgql breaks ties
// by ascending id, so (start_date DESC, id) hands pages out in order, after
// any cursor, with no sort; children load by parent.
func (Programme) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("start_date", "id").Annotations(entsql.DescColumns("start_date")),
		index.Fields("parent_id"),
	}
}

// Annotations of Programme.
func (Programme) Annotations() []schema.Annotation { return rootAnnotations() }
