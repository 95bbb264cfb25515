package sqljson

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// An elements field is a list internal/iati computes in Go from the IATI
// activity a programme keeps (its iati_elements column, an iati.Element
// tree): the activity's children of one family (otherIdentifiers is every
// other-identifier), each read by a view of internal/iati/views.go. The
// generator finds the field by its family (iati.ActivityFamilies names the
// GraphQL field of each); how each view reads an element is written once
// below, in the terms views.go is written in, and the statement repeats
// what those helpers do: attributes and texts trimmed as strings.TrimSpace
// trims, "" for what is missing, a narrative in the activity's language
// else the first, lists in the document's order and [] when empty, and a
// planned disbursement's value read as money.Parse reads it.

// elemKind says how a view reads one GraphQL field from an element.
type elemKind int

const (
	elemAttr     elemKind = iota // an attribute of the element or of its first child, trimmed; "" when missing
	elemText                     // the narrative of the element or of its first child (iati's text); "" when none
	elemObject                   // the first child, as another view; null when none
	elemChildren                 // every child of a name, as another view; [] when none
	elemAttrList                 // an attribute of every child of a name, trimmed
	elemMoney                    // the value child's amount and currency (or the activity's default currency)
)

// elemRule is how one field of a view is read: child names the child
// element read ("" for the element itself), attr its attribute, view the
// GraphQL type of an elemObject or elemChildren.
type elemRule struct {
	kind        elemKind
	child, attr string
	view        string
}

func attrOf(child, attr string) elemRule { return elemRule{kind: elemAttr, child: child, attr: attr} }
func textOf(child string) elemRule       { return elemRule{kind: elemText, child: child} }
func childAs(child, view string) elemRule {
	return elemRule{kind: elemObject, child: child, view: view}
}
func childrenAs(child, view string) elemRule {
	return elemRule{kind: elemChildren, child: child, view: view}
}

// views are internal/iati/views.go's views by the GraphQL type gqlgen
// writes from each: TestViewsMatchSchema holds them to the schema, the
// equality tests of internal/server to the views over every real file.
var views = map[string]map[string]elemRule{
	"OtherIdentifier": {"ref": attrOf("", "ref"), "type": attrOf("", "type"),
		"ownerOrganisation": childAs("owner-org", "OrganisationRef")},
	"OrganisationRef": {"ref": attrOf("", "ref"), "type": attrOf("", "type"), "name": textOf("")},
	"PlannedDisbursement": {"type": attrOf("", "type"),
		"periodStart": attrOf("period-start", "iso-date"), "periodEnd": attrOf("period-end", "iso-date"),
		"value": {kind: elemMoney, child: "value"}, "valueDate": attrOf("value", "value-date"),
		"provider": childAs("provider-org", "OrganisationRef"), "receiver": childAs("receiver-org", "OrganisationRef")},
	"DocumentLink": {"url": attrOf("", "url"), "format": attrOf("", "format"),
		"title": textOf("title"), "description": textOf("description"),
		"categories": {kind: elemAttrList, child: "category", attr: "code"},
		"languages":  {kind: elemAttrList, child: "language", attr: "code"},
		"date":       attrOf("document-date", "iso-date")},
	"Tag": {"vocabulary": attrOf("", "vocabulary"), "vocabularyURI": attrOf("", "vocabulary-uri"),
		"code": attrOf("", "code"), "name": textOf("")},
	"IatiResult": {"type": attrOf("", "type"), "aggregationStatus": attrOf("", "aggregation-status"),
		"title": textOf("title"), "description": textOf("description"),
		"indicators": childrenAs("indicator", "ResultIndicator")},
	"ResultIndicator": {"measure": attrOf("", "measure"), "ascending": attrOf("", "ascending"),
		"title": textOf("title"), "baselines": childrenAs("baseline", "Measurement"),
		"periods": childrenAs("period", "IndicatorPeriod")},
	"IndicatorPeriod": {"start": attrOf("period-start", "iso-date"), "end": attrOf("period-end", "iso-date"),
		"targets": childrenAs("target", "Measurement"), "actuals": childrenAs("actual", "Measurement")},
	"Measurement": {"value": attrOf("", "value"), "year": attrOf("", "year"),
		"date": attrOf("", "iso-date"), "comment": textOf("comment")},
}

// activityScope is what every view of one activity reads besides its
// element: the activity element and its language (xml:lang, "" for none).
type activityScope struct{ activity, lang string }

// elements is the JSON of a programme's elements field: the children named
// def.family of the activity its column holds, [] when it holds none.
func (c *compiler) elements(def field, row string, sel ast.SelectionSet) (string, error) {
	act := c.alias()
	scope := activityScope{activity: act + ".a", lang: act + ".l"}
	list, err := c.children(def.shape, scope.activity, def.family, scope, sel)
	if err != nil {
		return "", err
	}
	first := c.sql.activity(ident(row, def.column))
	return "(SELECT " + list + " FROM (SELECT x.a, COALESCE(" + c.sql.xmlLang("x.a") + ", '') AS l FROM (SELECT " +
		first + " AS a) x) " + act + ")", nil
}

// children is the JSON list of src's children named name, each read by
// the view of type view.
func (c *compiler) children(view, src, name string, scope activityScope, sel ast.SelectionSet) (string, error) {
	k := c.alias()
	obj, err := c.view(view, c.sql.kid(k), scope, sel)
	if err != nil {
		return "", err
	}
	return c.sql.array(obj, c.sql.kids(src, k, name), c.sql.kidOrder(k)), nil
}

// view is the JSON object of the element elem read by the view of type
// view, as sel selects it.
func (c *compiler) view(view, elem string, scope activityScope, sel ast.SelectionSet) (string, error) {
	rules, ok := views[view]
	if !ok {
		return "", unsupported("type %s", view)
	}
	fields, err := c.fields(view, sel)
	if err != nil {
		return "", err
	}
	m := newMembers(len(fields))
	for _, f := range fields {
		if len(f.Arguments) > 0 || hasOwnDirectives(f.Field) {
			return "", unsupported("%s.%s has arguments or directives", view, f.Name)
		}
		v, isJSON := quote(view), false
		if f.Name != "__typename" {
			r, ok := rules[f.Name]
			if !ok {
				return "", unsupported("field %s.%s", view, f.Name)
			}
			var err error
			if v, isJSON, err = c.viewField(r, elem, scope, f.Selections); err != nil {
				return "", err
			}
		}
		m.add(f.Alias, v, isJSON)
	}
	return c.sql.object(m.keys, m.values, m.nested), nil
}

// viewField is the SQL value of one field of a view, and whether it is
// JSON.
func (c *compiler) viewField(r elemRule, elem string, scope activityScope, sel ast.SelectionSet) (string, bool, error) {
	src := elem
	if r.child != "" && r.kind != elemChildren && r.kind != elemAttrList {
		src = c.sql.firstKid(elem, r.child)
	}
	switch r.kind {
	case elemAttr:
		return "COALESCE(" + c.sql.trim(c.sql.attr(src, r.attr)) + ", '')", false, nil
	case elemText:
		return c.narrative(src, scope.lang), false, nil
	case elemObject:
		o := c.alias()
		obj, err := c.view(r.view, o+".v", scope, sel)
		return "(SELECT " + c.sql.ifObject(o+".v", obj) + " FROM (SELECT " + src + " AS v) " + o + ")", true, err
	case elemChildren:
		v, err := c.children(r.view, elem, r.child, scope, sel)
		return v, true, err
	case elemAttrList:
		k := c.alias()
		value := c.sql.quoted("COALESCE(" + c.sql.trim(c.sql.attr(c.sql.kid(k), r.attr)) + ", '')")
		return c.sql.array(value, c.sql.kids(elem, k, r.child), c.sql.kidOrder(k)), true, nil
	case elemMoney:
		v, err := c.viewMoney(src, scope, sel)
		return v, true, err
	}
	return "", false, unsupported("element rule kind %d", r.kind)
}

// narrative is iati's text of the element src: the first non-blank
// narrative whose language (its own xml:lang, else the activity's, each
// trimmed) is the activity's, else the first, trimmed; "" when none.
func (c *compiler) narrative(src, lang string) string {
	k := c.alias()
	text := c.sql.trim(c.sql.jsonText(c.sql.kid(k), "t"))
	own := "NULLIF(" + c.sql.trim(c.sql.xmlLang(c.sql.kid(k))) + ", '')"
	return "COALESCE((SELECT " + text + " " + c.sql.kids(src, k, "narrative") + " AND COALESCE(" + text + ", '') <> ''" +
		" ORDER BY CASE WHEN " + lang + " <> '' AND COALESCE(" + own + ", " + c.sql.trim(lang) + ") = " + lang +
		" THEN 0 ELSE 1 END, " + c.sql.kidOrder(k) + " LIMIT 1), '')"
}

// viewMoney is a planned disbursement's value: Money when the value
// element's text is a plain decimal and a currency is given (its own,
// else the activity's default), else null, as iati.PlannedDisbursements
// gives.
func (c *compiler) viewMoney(src string, scope activityScope, sel ast.SelectionSet) (string, error) {
	m, o := c.alias(), c.alias()
	fields := graphql.CollectFields(c.op, sel, []string{"Money"})
	keys := make([]string, 0, len(fields))
	values := make([]string, 0, len(fields))
	for _, f := range fields {
		var v string
		switch f.Name {
		case "amount":
			v = m + ".amount"
		case "currency":
			v = m + ".currency"
		case "__typename":
			v = quote("Money")
		default:
			return "", unsupported("field Money.%s", f.Name)
		}
		keys, values = append(keys, f.Alias), append(values, v)
	}
	trimmed := func(s string) string { return "NULLIF(" + c.sql.trim(s) + ", '')" }
	currency := c.sql.upper("COALESCE(" + trimmed(c.sql.attr(o+".v", "currency")) + ", " +
		trimmed(c.sql.attr(scope.activity, "default-currency")) + ")")
	amount := c.sql.decimal(c.sql.trim(c.sql.jsonText(o+".v", "t")))
	return "(SELECT CASE WHEN " + m + ".amount IS NOT NULL AND " + m + ".currency <> '' THEN " +
		c.sql.object(keys, values, make([]bool, len(keys))) + " END FROM (SELECT " + amount + " AS amount, " +
		currency + " AS currency FROM (SELECT " + src + " AS v) " + o + ") " + m + ")", nil
}
