package iatifacts

import (
	"sort"
)

// activityOrder is the sequence of iati-activity's children in the IATI 2.03
// activity schema (iati-activities-schema.xsd, element iati-activity).
var activityOrder = []string{
	"iati-identifier",
	"reporting-org",
	"title",
	"description",
	"participating-org",
	"other-identifier",
	"activity-status",
	"activity-date",
	"contact-info",
	"activity-scope",
	"recipient-country",
	"recipient-region",
	"location",
	"sector",
	"tag",
	"country-budget-items",
	"humanitarian-scope",
	"policy-marker",
	"collaboration-type",
	"default-flow-type",
	"default-finance-type",
	"default-aid-type",
	"default-tied-status",
	"budget",
	"planned-disbursement",
	"capital-spend",
	"transaction",
	"document-link",
	"related-activity",
	"legacy-data",
	"conditions",
	"result",
	"crs-add",
	"fss",
}

var activityRank = func() map[string]int {
	m := make(map[string]int, len(activityOrder))
	for i, name := range activityOrder {
		m[name] = i
	}
	return m
}()

// currencyPaths are the elements below iati-activity whose @currency defaults
// to the activity's default-currency: the three currencyType values and the
// two loan and forecast amounts that carry @currency themselves.
var currencyPaths = []string{
	"budget/value",
	"transaction/value",
	"planned-disbursement/value",
	"crs-add/loan-status",
	"fss/forecast",
}

// Canonical returns a copy of the activity in canonical form for comparison:
//
//   - text is trimmed (Parse does that) and comments are gone; attributes
//     are sorted by (space, name);
//   - elements and attributes of other namespaces are kept and compare by
//     URI, so prefixes do not matter;
//   - every currency-bearing element without @currency (budget/value,
//     transaction/value, planned-disbursement/value, crs-add/loan-status,
//     fss/forecast) gets the activity's default-currency, and the activity's
//     @default-currency is dropped;
//   - every narrative without xml:lang gets the xml:lang of its nearest
//     enclosing element that has one (the activity included), else fileLang;
//     xml:lang is then dropped from every element other than narrative
//     (2.01 publishers put it on participating-org and the like);
//   - children of iati-activity are ordered by the 2.03 schema's sequence,
//     stable for the same name, with elements the sequence does not name
//     (other namespaces) last in document order; children of other elements
//     keep document order.
func Canonical(a *Node, fileLang string) *Node {
	c := a.Clone()
	if cur, ok := c.Attr("", "default-currency"); ok {
		for _, p := range currencyPaths {
			for _, v := range c.All(p) {
				if _, has := v.Attr("", "currency"); !has {
					v.SetAttr("", "currency", cur)
				}
			}
		}
		c.DelAttr("", "default-currency")
	}
	inheritLang(c, fileLang)
	sort.SliceStable(c.Children, func(i, j int) bool {
		return rank(c.Children[i]) < rank(c.Children[j])
	})
	sortAttrs(c)
	return c
}

func rank(n *Node) int {
	if n.Space == "" {
		if r, ok := activityRank[n.Name]; ok {
			return r
		}
	}
	return len(activityOrder)
}

// inheritLang gives narratives below n the language lang or the nearest
// enclosing one, and drops xml:lang from the other elements.
func inheritLang(n *Node, lang string) {
	if l, ok := n.Attr(XMLNamespace, "lang"); ok {
		if n.Space == "" && n.Name == "narrative" {
			return
		}
		lang = l
		n.DelAttr(XMLNamespace, "lang")
	}
	if n.Space == "" && n.Name == "narrative" {
		if lang != "" {
			n.SetAttr(XMLNamespace, "lang", lang)
		}
		return
	}
	for _, c := range n.Children {
		inheritLang(c, lang)
	}
}

func sortAttrs(n *Node) {
	sort.SliceStable(n.Attrs, func(i, j int) bool {
		a, b := n.Attrs[i], n.Attrs[j]
		if a.Space != b.Space {
			return a.Space < b.Space
		}
		return a.Name < b.Name
	})
	for _, c := range n.Children {
		sortAttrs(c)
	}
}
