package server_test

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/sqljson"
)

// TestSQLJSONAnswersIATIExtras: the lists internal/iati reads in Go from a
// programme's kept activity (otherIdentifiers, plannedDisbursements,
// documentLinks, tags, iatiResults with indicators, baselines and periods)
// are written by the SQL JSON path in one statement, byte for byte as the
// resolvers write them, for the programmes of every real file in
// ../shared/iati/examples and for one whose activity holds what no file
// does (blank narratives, languages to pick from, Unicode white space, a
// value money.Parse refuses, another namespace). Each field is asked alone
// with every subfield, then all at once under aliases and fragments; each
// case names text its answer must hold, so it cannot pass on empty lists.
func TestSQLJSONAnswersIATIExtras(t *testing.T) {
	page := func(fields string) string {
		return `{ programmes(first: 1000, orderBy: [{field: CODE}]) { edges { node { code ` + fields + ` } } } }`
	}
	cases := []pathCase{
		{name: "otherIdentifiers", query: page("otherIdentifiers " + sqljson.ViewSelection("OtherIdentifier")),
			holds: []string{`"otherIdentifiers":[]`, `"ownerOrganisation":{"name":"`, `"ownerOrganisation":null`}},
		{name: "plannedDisbursements", query: page("plannedDisbursements " + sqljson.ViewSelection("PlannedDisbursement")),
			holds: []string{`"plannedDisbursements":[]`, `"value":{"amount":"`, `"value":null`, `"provider":{"name":"`, `"receiver":null`}},
		{name: "documentLinks", query: page("documentLinks " + sqljson.ViewSelection("DocumentLink")),
			holds: []string{`"documentLinks":[]`, `"categories":["`, `"languages":[]`, `"title":"`}},
		{name: "tags", query: page("tags " + sqljson.ViewSelection("Tag")),
			holds: []string{`"tags":[]`, `"tags":[{"code":"`}},
		{name: "iatiResults", query: page("iatiResults " + sqljson.ViewSelection("IatiResult")),
			holds: []string{`"iatiResults":[]`, `"baselines":[{"comment":"`, `"actuals":[{"comment":"`, `"targets":[]`, `"periods":[{"actuals":`}},
		{name: "all five, aliased, reordered, with fragments and __typename",
			query: `query { programmes(first: 1000, orderBy: [{field: CODE}]) { edges { node { code ...extras } } } }
				fragment extras on Programme {
					ids: otherIdentifiers { __typename owner: ownerOrganisation { n: name ref } ref }
					plannedDisbursements { value { currency __typename amount } end: periodEnd provider { type } }
					documentLinks { languages url categories }
					tags { name ... on Tag { vocabularyURI } }
					iatiResults { indicators { periods { targets { value } start } title } title } }`,
			holds: []string{`"owner":{"n":"`, `"value":{"currency":"`, `"tags":[{"name":"`, `"indicators":[{"periods":[{"targets":[`}},
		{name: "a kept activity no file has", query: `{ programmes(first: 1000, where: {code: "EXTRAS-1"}) { edges { node { code
				otherIdentifiers ` + sqljson.ViewSelection("OtherIdentifier") + `
				plannedDisbursements ` + sqljson.ViewSelection("PlannedDisbursement") + `
				documentLinks ` + sqljson.ViewSelection("DocumentLink") + `
				tags ` + sqljson.ViewSelection("Tag") + `
				iatiResults ` + sqljson.ViewSelection("IatiResult") + ` } } } }`,
			holds: []string{`"name":"Deux"`, `"ref":"spaced"`, `"amount":"7.50","currency":"EUR"`, `"amount":"0.0","currency":"XOF"`,
				`"value":null`, `"title":"First"`, `"categories":["A01",""]`}},
	}
	// Every programme on one page, results four lists deep: far beyond
	// the default cost limit, which guards clients, not this comparison.
	unbounded := server.Limits{MaxCost: 1 << 40}
	eachRegistry(t, func(t *testing.T, r *registry) {
		ts := httptest.NewServer(server.New(r.Store, server.Options{Logger: quietLogger, Limits: unbounded}))
		t.Cleanup(ts.Close)
		fast := &registry{URL: ts.URL, Store: r.Store}
		files, err := filepath.Glob(filepath.Join("..", "..", "..", "shared", "iati", "examples", "*.xml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if activities(t, f) {
				importShared(t, fast, filepath.Base(f))
			}
		}
		keepEdgeElements(t, fast.Store.Client)
		slow := resolversOnly(t, fast, server.Options{Limits: unbounded})
		sameAsResolvers(t, fast, slow, cases)
	})
}

// activities reports whether an IATI file holds activities (an
// organisation file holds none, and makes no programme).
func activities(t *testing.T, path string) bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(b, []byte("<iati-activities"))
}

// keepEdgeElements gives a programme, coded EXTRAS-1, an activity in
// French with what the views must read as internal/iati does: narratives
// blank, in other languages or in none, attributes padded with Unicode
// white space (U+00A0, U+2003) or missing, a child in another namespace
// with an IATI name, values with leading zeros, a negative zero, a lower
// case currency, the default currency, an exponent money.Parse refuses.
func keepEdgeElements(t *testing.T, c *ent.Client) {
	ctx := auth.AsSystem(t.Context())
	attr := func(kv ...string) []iati.Attr {
		var out []iati.Attr
		for i := 0; i < len(kv); i += 2 {
			out = append(out, iati.Attr{Name: kv[i], Value: kv[i+1]})
		}
		return out
	}
	lang := func(l string) iati.Attr {
		return iati.Attr{Space: "http://www.w3.org/XML/1998/namespace", Name: "lang", Value: l}
	}
	el := func(name string, attrs []iati.Attr, kids ...*iati.Element) *iati.Element {
		return &iati.Element{Name: name, Attrs: attrs, Children: kids}
	}
	narr := func(text string, attrs ...iati.Attr) *iati.Element {
		return &iati.Element{Name: "narrative", Attrs: attrs, Text: text}
	}
	value := func(text string, attrs []iati.Attr) *iati.Element {
		return &iati.Element{Name: "value", Attrs: attrs, Text: text}
	}
	foreign := &iati.Element{Space: "http://example.org/ns", Name: "owner-org", Attrs: attr("ref", "not-iati")}
	activity := el("iati-activity", append(attr("default-currency", " xof "), lang("fr")),
		el("other-identifier", attr("ref", "\u00a0spaced\u2003", "type", "A1"), foreign,
			el("owner-org", attr("type", "10"), narr("   "), narr("One", lang("en")), narr(" Deux "), narr("Trois", lang("fr")))),
		el("other-identifier", nil),
		el("planned-disbursement", attr("type", "1"),
			el("period-start", attr("iso-date", "2024-01-01")),
			value(" 007.50 ", attr("currency", "eur", "value-date", "2024-01-02")),
			el("receiver-org", nil, narr("Only", lang(" fr ")))),
		el("planned-disbursement", nil, value("-0.0", nil)),
		el("planned-disbursement", nil, value("1e3", attr("currency", "USD"))),
		el("planned-disbursement", nil, el("provider-org", attr("ref", "P"))),
		el("document-link", attr("url", "http://example.org/d"),
			el("category", attr("code", "A01")), el("category", nil),
			el("title", nil, narr("First"), narr("Second", lang("es")))),
		el("tag", attr("vocabulary", "2", "code", "1.1"), narr("Premier", lang("fr")), narr("First", lang("en"))),
		el("result", attr("type", "1"),
			el("indicator", attr("measure", "1"),
				el("baseline", attr("year", "2020"), el("comment", nil, narr("c"))),
				el("period", nil, el("period-end", attr("iso-date", "2021")),
					el("actual", attr("value", " 3 ")), el("target", nil)))),
	)
	p := c.Programme.Query().FirstX(ctx)
	c.Programme.UpdateOne(p).SetCode("EXTRAS-1").SetIatiElements([]*iati.Element{
		{Name: "iati-activity", Space: "http://example.org/ns"}, activity}).ExecX(ctx)
}
