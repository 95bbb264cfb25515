package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Change is one entry of the audit history, written in the same transaction
// as the change it records. Its id grows with every write, so integrators
// page through changes by a sequence that never ties, unlike a timestamp.
type Change struct {
	ent.Schema
}

// Fields of Change.
func (Change) Fields() []ent.Field {
	return []ent.Field{
		field.Time("at").Default(now).Immutable().Annotations(entgql.OrderField("AT")),
		field.Enum("operation").Values("CREATE", "UPDATE", "DELETE").Immutable(),
		field.String("record_type").Immutable().Comment("GraphQL type name, e.g. Programme"),
		field.Int("record_id").Immutable().Annotations(entgql.Type("ID")),
		field.JSON("before", map[string]any{}).Optional().Immutable().SchemaType(historyJSON).Annotations(entgql.Type("Map")),
		field.JSON("after", map[string]any{}).Optional().Immutable().SchemaType(historyJSON).Annotations(entgql.Type("Map")),
		field.Int("key_id").Optional().Nillable().Immutable().Annotations(entgql.Type("Int")),
		field.Int("organisation_id").Optional().Nillable().Immutable().Annotations(entgql.Type("ID")),
	}
}

// historyJSON keeps a Change's before and after in PostgreSQL's json, the
// text as written, rather than jsonb: the history is only ever read back
// whole, decoded in Go, so jsonb's parsed form buys no query and costs an
// import about a third more of its time writing the history (COPY parses
// every value into jsonb). What the text keeps that jsonb would have
// dropped (a negative zero's sign, a NUL escape) is settled where the
// history is written (internal/audit, jsonbEquivalent).
var historyJSON = map[string]string{dialect.Postgres: "json"}

// Indexes of Change: a record's history, and changes since a time.
func (Change) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("record_id"),
		index.Fields("at"),
	}
}

// Annotations of Change: a connection (changes, history) but no generated
// root field, since `changes` takes a `since` argument entgql does not make.
func (Change) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.MultiOrder()}
}
