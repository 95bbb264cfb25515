package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Funding is money moving for a programme. Kinds are IATI TransactionType
// codes plus PLEDGE. The funder is optional because IATI transactions may
// name no provider; the value is optional because sources often name none.
type Funding struct {
	ent.Schema
}

// Mixin of Funding.
func (Funding) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}, IATIHeld{}, QualityNotes{}} }

// Fields of Funding.
func (Funding) Fields() []ent.Field {
	return append([]ent.Field{
		field.Enum("kind").
			Values("INCOMING_FUNDS", "COMMITMENT", "DISBURSEMENT", "EXPENDITURE", "PLEDGE").
			Optional().Nillable().
			Annotations(entgql.OrderField("KIND")),
		field.Enum("transaction_type").
			Values("INCOMING_FUNDS", "OUTGOING_COMMITMENT", "DISBURSEMENT", "EXPENDITURE",
				"INTEREST_PAYMENT", "LOAN_REPAYMENT", "REIMBURSEMENT", "PURCHASE_OF_EQUITY",
				"SALE_OF_EQUITY", "CREDIT_GUARANTEE", "INCOMING_COMMITMENT", "OUTGOING_PLEDGE",
				"INCOMING_PLEDGE").
			Optional().Nillable().
			Annotations(entgql.OrderField("TRANSACTION_TYPE"), entgql.Type("TransactionType")).
			Comment("the IATI TransactionType exactly (1-13); kind is its coarse family"),
		partialDate("date", entgql.OrderField("DATE")),
		field.Text("note").Optional().Nillable(),
		field.Int("programme_id").Annotations(skipAll()),
		field.Int("funder_id").Optional().Nillable().Annotations(skipAll()),
		field.Int("recipient_id").Optional().Nillable().Annotations(skipAll()),
		field.Int("agreement_id").Optional().Nillable().Annotations(skipAll()),
	}, moneyParts("value")...)
}

// Edges of Funding.
func (Funding) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("programme", Programme.Type).Ref("fundings").Unique().Required().Field("programme_id"),
		edge.From("funder", Organisation.Type).Ref("fundings_given").Unique().Field("funder_id"),
		edge.From("recipient", Organisation.Type).Ref("fundings_received").Unique().Field("recipient_id"),
		edge.From("agreement", Agreement.Type).Ref("fundings").Unique().Field("agreement_id"),
		derived("sectors", Sector.Type),
		cites(),
	}
}

// Indexes of Funding.
func (Funding) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("programme_id"),
		index.Fields("funder_id"),
		index.Fields("recipient_id"),
	}
}

// Annotations of Funding.
func (Funding) Annotations() []schema.Annotation { return rootAnnotations() }
