// Package schema is the registry's data model: one ent schema per entity of
// shared/domain.md. entgql annotations here shape the public GraphQL surface.
package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	"github.com/aidregistry/registry/internal/money"
	"github.com/aidregistry/registry/internal/partialdate"
)

// Timestamps gives every record createdAt and updatedAt, set by the store
// rather than by clients, so integrators can sync on updatedAt.
type Timestamps struct {
	mixin.Schema
}

// Fields of the Timestamps mixin.
func (Timestamps) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Default(now).
			Immutable().
			Annotations(
				entgql.OrderField("CREATED_AT"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
		field.Time("updated_at").
			Default(now).
			UpdateDefault(now).
			Annotations(
				entgql.OrderField("UPDATED_AT"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
		field.Int("created_by").
			Optional().
			Nillable().
			Immutable().
			Comment("organisation whose API key created the record; its editors may change it").
			Annotations(skipAll()),
	}
}

// now is the current time at the precision PostgreSQL keeps, so the
// updatedAt a client reads back right after a write equals the stored one
// (expectedUpdatedAt compares them exactly).
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// partialDate is a date at the precision its source gives ("2007", "2009-04").
func partialDate(name string, ants ...schema.Annotation) ent.Field {
	return field.String(name).
		Optional().
		Nillable().
		Validate(partialdate.Validate).
		Annotations(append(ants, entgql.Type("PartialDate"))...)
}

// decimalSchemaType keeps amounts exact: numeric in PostgreSQL, text in SQLite
// (whose NUMERIC affinity would turn them into floats).
var decimalSchemaType = map[string]string{
	"postgres": "numeric",
	"sqlite3":  "text COLLATE decimal",
}

// decimalField is an optional exact amount.
func decimalField(name string, ants ...schema.Annotation) ent.Field {
	return field.String(name).
		GoType(money.Decimal{}).
		SchemaType(decimalSchemaType).
		Optional().
		Nillable().
		Annotations(append(ants, entgql.Type("Decimal"))...)
}

// currencyField is an optional ISO 4217 code paired with a decimalField.
func currencyField(name string, ants ...schema.Annotation) ent.Field {
	return field.String(name).
		MaxLen(3).
		Optional().
		Nillable().
		Validate(money.ValidateCurrency).
		Annotations(ants...)
}

// moneyParts are the stored halves of a Money value. The GraphQL type shows
// them joined as one Money field (see graph/registry.graphql); inputs and
// filters keep the two fields.
func moneyParts(prefix string) []ent.Field {
	return []ent.Field{
		decimalField(prefix+"_amount", entgql.Skip(entgql.SkipType)),
		currencyField(prefix+"_currency", entgql.Skip(entgql.SkipType)),
	}
}

// rootAnnotations make an entity a root Relay connection with multi-field
// ordering and generated create/update inputs.
func rootAnnotations() []schema.Annotation {
	return append(linkedAnnotations(), entgql.RelayConnection(), entgql.QueryField(), entgql.MultiOrder())
}

// linkedAnnotations are for entities reached through another (a programme's
// participations): filterable and writable, but with no root connection.
func linkedAnnotations() []schema.Annotation {
	return []schema.Annotation{entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate())}
}

// cites links a record to the documents it was taken from.
func cites() ent.Edge {
	return edge.To("sources", Source.Type)
}

// skipAll hides a foreign-key column from GraphQL: the edge it backs is the
// public face (entgql would otherwise expose raw integer ids).
func skipAll() entgql.Annotation { return entgql.Skip(entgql.SkipAll) }

// setByChild marks an edge whose records hold the reference (a programme's
// participations): it is set when the child is created or updated, not from
// the parent's input, so every write goes through the child's own checks.
func setByChild() entgql.Annotation {
	return entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
}
