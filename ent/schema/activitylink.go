package schema

import (
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// ActivityLink is an IATI related-activity the registry cannot hold as a
// programme's parent or child: a sibling, co-funded or third-party activity
// (types 3-5), or a parent or child (types 1-2) that is not in the store
// yet. The importer links a pending parent or child when its activity
// arrives and then deletes the row; the exporter writes the rest back as
// related-activity elements. Rows name programmes by code, not by a foreign
// key, because the other end may never be imported.
type ActivityLink struct {
	ent.Schema
}

// Fields of ActivityLink.
func (ActivityLink) Fields() []ent.Field {
	return []ent.Field{
		field.String("programme_code").NotEmpty().
			Comment("code of the programme whose activity declares the link"),
		field.String("ref").NotEmpty().
			Comment("iati-identifier of the related activity, as given"),
		field.String("type").Match(relatedActivityType).
			Comment("IATI RelatedActivityType code, 1 parent to 5 third party"),
	}
}

// Indexes of ActivityLink: a programme's links, and links waiting for an
// activity that arrives.
func (ActivityLink) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("programme_code", "type", "ref").Unique(),
		index.Fields("ref"),
	}
}

// Annotations of ActivityLink: bookkeeping of the importer, not in GraphQL.
func (ActivityLink) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

var relatedActivityType = regexp.MustCompile(`^[1-5]$`)
