package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Contact is a person or mailbox to reach about an organisation or programme.
type Contact struct {
	ent.Schema
}

// Mixin of Contact.
func (Contact) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}, IATIHeld{}} }

// Fields of Contact. A source may give only a mailbox, so every field is optional.
func (Contact) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Optional().Nillable(),
		field.String("email").Optional().Nillable(),
		field.String("phone").Optional().Nillable(),
		field.String("office").Optional().Nillable(),
	}
}

// Edges of Contact.
func (Contact) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("organisation", Organisation.Type).Ref("contacts").Unique(),
		edge.From("programme", Programme.Type).Ref("contacts").Unique(),
		cites(),
	}
}

// Annotations of Contact.
func (Contact) Annotations() []schema.Annotation { return linkedAnnotations() }

// Indexes of Contact: the lookups its edges are loaded by.
func (Contact) Indexes() []ent.Index {
	return []ent.Index{index.Edges("organisation"), index.Edges("programme")}
}
