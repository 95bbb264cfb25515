package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/aidregistry/registry/internal/iati"
)

// The entities in this file are projections: rows an IATI import makes of
// element families people query (sectors, locations, policy markers,
// humanitarian scopes), so that `where` can filter on them. The elements
// themselves stay with the programme or funding that holds them and are
// what an export writes; these rows are remade from them at each import
// and go with their programme or funding (ON DELETE CASCADE). Clients read
// them; there are no mutations.

// derived is an edge to projection rows, deleted with their owner.
func derived(name string, t any) ent.Edge {
	return edge.To(name, t).Annotations(entsql.OnDelete(entsql.Cascade), setByChild())
}

// text is an optional string field; comment says what it holds.
func text(name string, comment ...string) ent.Field {
	f := field.String(name).Optional().Nillable()
	for _, c := range comment {
		f.Comment(c)
	}
	return f
}

// Sector is a sector classification of a programme or of one of its
// transactions: what the money is for.
type Sector struct {
	ent.Schema
}

// Fields of Sector.
func (Sector) Fields() []ent.Field {
	return []ent.Field{
		field.String("vocabulary").Comment("IATI SectorVocabulary code as written: 1 is DAC 5-digit, 2 DAC 3-digit"),
		field.String("code").Comment("the sector's code in its vocabulary, e.g. 12110"),
		text("name", "from the IATI codelist for DAC vocabularies, else the publisher's narrative"),
		decimalField("percentage"),
		field.Int("programme_id").Optional().Nillable().Annotations(skipAll()),
		field.Int("funding_id").Optional().Nillable().Annotations(skipAll()),
	}
}

// Edges of Sector.
func (Sector) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("programme", Programme.Type).Ref("sectors").Unique().Field("programme_id"),
		edge.From("funding", Funding.Type).Ref("sectors").Unique().Field("funding_id"),
	}
}

// Indexes of Sector: filters go from a code to its programmes.
func (Sector) Indexes() []ent.Index {
	return []ent.Index{index.Fields("programme_id"), index.Fields("funding_id"), index.Fields("code")}
}

// Annotations of Sector.
func (Sector) Annotations() []schema.Annotation { return nil }

// Location is a place a programme works in.
type Location struct {
	ent.Schema
}

// Fields of Location.
func (Location) Fields() []ent.Field {
	return []ent.Field{
		text("ref", "the publisher's own reference for the location"),
		text("name"),
		text("description"),
		field.JSON("point", &iati.Point{}).Optional().Annotations(entgql.Type("Point")),
		text("reach", "IATI GeographicLocationReach code"),
		text("exactness", "IATI GeographicExactness code"),
		text("location_class", "IATI GeographicLocationClass code"),
		text("feature_designation", "IATI LocationType code"),
		field.JSON("administrative", []iati.Administrative{}).Optional().
			Annotations(entgql.Type("[LocationAdministrative!]")),
		field.Int("programme_id").Annotations(skipAll()),
	}
}

// Edges of Location.
func (Location) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("programme", Programme.Type).Ref("locations").Unique().Required().Field("programme_id"),
	}
}

// Indexes of Location.
func (Location) Indexes() []ent.Index { return []ent.Index{index.Fields("programme_id")} }

// PolicyMarker says how much a programme targets a policy objective
// (gender equality, the environment...).
type PolicyMarker struct {
	ent.Schema
}

// Fields of PolicyMarker.
func (PolicyMarker) Fields() []ent.Field {
	return []ent.Field{
		field.String("vocabulary").Comment("IATI PolicyMarkerVocabulary code; 1 is OECD DAC CRS"),
		field.String("code"),
		text("name", "from the IATI codelist for vocabulary 1, else the publisher's narrative"),
		text("significance", "IATI PolicySignificance code: 0 not targeted ... 4 explicit primary objective"),
		field.Int("programme_id").Annotations(skipAll()),
	}
}

// Edges of PolicyMarker.
func (PolicyMarker) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("programme", Programme.Type).Ref("policy_markers").Unique().Required().Field("programme_id"),
	}
}

// Indexes of PolicyMarker.
func (PolicyMarker) Indexes() []ent.Index {
	return []ent.Index{index.Fields("programme_id"), index.Fields("code")}
}

// HumanitarianScope is an emergency or appeal a programme responds to.
type HumanitarianScope struct {
	ent.Schema
}

// Fields of HumanitarianScope.
func (HumanitarianScope) Fields() []ent.Field {
	return []ent.Field{
		field.String("type").Comment("IATI HumanitarianScopeType code: 1 emergency, 2 appeal"),
		field.String("vocabulary").Comment("IATI HumanitarianScopeVocabulary code, e.g. 1-2 GLIDE"),
		field.String("code"),
		text("name", "the publisher's narrative"),
		field.Int("programme_id").Annotations(skipAll()),
	}
}

// Edges of HumanitarianScope.
func (HumanitarianScope) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("programme", Programme.Type).Ref("humanitarian_scopes").Unique().Required().Field("programme_id"),
	}
}

// Indexes of HumanitarianScope.
func (HumanitarianScope) Indexes() []ent.Index {
	return []ent.Index{index.Fields("programme_id"), index.Fields("code")}
}
