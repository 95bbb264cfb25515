package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/aidregistry/registry/internal/money"
	"github.com/aidregistry/registry/internal/partialdate"
)

// ExchangeRate is one line of a published rate table: how many units of
// to_currency one unit of currency buys on a date ("2007" for an annual
// average, or a day), with the table it came from. fundingSummary(in:)
// converts with these rates; `registry rates load FILE` fills them.
type ExchangeRate struct {
	ent.Schema
}

// Mixin of ExchangeRate.
func (ExchangeRate) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}} }

// Fields of ExchangeRate.
func (ExchangeRate) Fields() []ent.Field {
	return []ent.Field{
		field.String("currency").MinLen(3).MaxLen(3).Validate(money.ValidateCurrency).
			Annotations(entgql.OrderField("CURRENCY")).
			Comment("ISO 4217 code of the currency converted from"),
		field.String("to_currency").MinLen(3).MaxLen(3).Validate(money.ValidateCurrency).
			Comment("ISO 4217 code of the currency converted to"),
		field.String("rate").
			GoType(money.Decimal{}).
			SchemaType(decimalSchemaType).
			Annotations(entgql.Type("Decimal")).
			Comment("units of to_currency for one unit of currency, exact"),
		field.String("date").
			Validate(partialdate.Validate).
			Annotations(entgql.Type("PartialDate"), entgql.OrderField("DATE")).
			Comment("the day, month or year (annual average) the rate applies to"),
		field.String("source").NotEmpty().
			Comment("the rate table: publisher, title or file name"),
	}
}

// Indexes of ExchangeRate: one rate per pair and date, so that loading a
// table again replaces rather than duplicates.
func (ExchangeRate) Indexes() []ent.Index {
	return []ent.Index{index.Fields("currency", "to_currency", "date").Unique()}
}

// Annotations of ExchangeRate: readable as a root connection, written only
// by `registry rates load`.
func (ExchangeRate) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.QueryField(), entgql.MultiOrder()}
}
