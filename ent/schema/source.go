package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// Source is a document records are taken from; every demo record cites one.
type Source struct {
	ent.Schema
}

// Mixin of Source.
func (Source) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}} }

// Fields of Source. A source is a web page (url) or a file (file_name).
func (Source) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").NotEmpty(),
		field.String("url").Optional().Nillable(),
		field.String("file_name").Optional().Nillable().Unique(),
		field.String("publisher").Optional().Nillable(),
		partialDate("published_on"),
	}
}

// Annotations of Source.
func (Source) Annotations() []schema.Annotation { return linkedAnnotations() }
