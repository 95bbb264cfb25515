package server_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/server"
)

// TestSQLJSONListsKeptAsJSON: the lists ent keeps in JSON columns (quality
// notes, title and description translations, recipient regions with their
// narratives and shares, a location's administrative divisions) are
// written by the SQL JSON path in one statement, byte for byte as gqlgen's
// resolvers write them: in the selection's order, under aliases, with
// __typename, null for a nullable list the record lacks and [] for one that
// is non-null. Real IATI files give the values; each case names text its
// answer must hold, so that it cannot pass on empty lists.
func TestSQLJSONListsKeptAsJSON(t *testing.T) {
	cases := []pathCase{
		{name: "every list of an imported programme, fields reordered and renamed",
			query: `{ programmes(first: 100, orderBy: [{field: CODE}], where: {hasLocations: true}) { edges { node { code
				titleTranslations { text lang }
				d: descriptionTranslations { __typename lang t: text }
				recipientRegions { percentage narratives { text lang } code __typename vocabulary vocabularyURI }
				qualityNotes { element code message }
				locations { name administrative { level code vocabulary } point { longitude __typename latitude } } } } } }`,
			holds: []string{`"point":{"longitude":`, `"titleTranslations":[{"text":"`, `"d":[{"__typename":"Narrative","lang":"`, `"recipientRegions":[{"percentage":"`,
				`"narratives":[{"text":"`, `"qualityNotes":[{"element":"`, `"administrative":[{"level":"`}},
		{name: "a region's share and a narrative's language missing, and fragments",
			query: `query { programmes(first: 100, orderBy: [{field: CODE}]) { edges { node { ... on Programme { code recipientRegions { ...region } } } } } }
				fragment region on RecipientRegion { code p: percentage names: narratives { lang } }`,
			holds: []string{`"p":null`, `"p":"`, `"names":[{"lang":""}]`, `"recipientRegions":null`}},
		{name: "records without them: null for a nullable list, [] for a non-null one",
			query: `{ programmes(first: 10) { edges { node { code titleTranslations { lang }
				qualityNotes { code } recipientRegions { code } locations { administrative { code } at: point { latitude longitude } } } } } }`,
			holds: []string{`"at":null`, `"administrative":[]`, `"at":{"latitude":1e-05,"longitude":1.2345675e+06}`, `"titleTranslations":null`, `"titleTranslations":[]`, `"qualityNotes":[]`, `"recipientRegions":null`, `"administrative":null`}},
		{name: "a funding's quality notes",
			query: `{ fundings(first: 100, where: {hasQualityNotes: true}) { edges { node { value { amount } qualityNotes { __typename code message element } } } } }`,
			holds: []string{`"qualityNotes":[{"__typename":"QualityNote","code":"NEGATIVE_VALUE"`}},
	}
	eachRegistry(t, func(t *testing.T, fast *registry) {
		importShared(t, fast, "activity-standard-example-annotated-203.xml")
		importShared(t, fast, "dportal-covid-p099-denmark-undp-ifad-v2.03.xml")
		addRecordsTheDemoLacks(t, fast.Store.Client) // a location without administrative divisions
		keepEdgeLists(t, fast.Store.Client)
		slow := resolversOnly(t, fast, server.Options{})
		sameAsResolvers(t, fast, slow, cases)
	})
}

// keepEdgeLists gives a demo programme what no imported file has: a region
// without a share, whose narrative declares no language, an empty list of
// title translations (stored [], not null), and a location whose
// coordinates gqlgen's Float (%g) writes with exponents.
func keepEdgeLists(t *testing.T, c *ent.Client) {
	ctx := auth.AsSystem(t.Context())
	p := c.Programme.Query().FirstX(ctx)
	c.Programme.UpdateOne(p).
		SetRecipientRegions([]iati.RecipientRegion{{Code: "289", Narratives: []iati.Narrative{{Text: "South of Sahara, regional"}}}}).
		SetTitleTranslations([]iati.Narrative{}).
		ExecX(ctx)
	c.Location.Create().SetProgrammeID(p.ID).SetRef("L-2").SetAdministrative([]iati.Administrative{}).
		SetPoint(&iati.Point{Latitude: 0.00001, Longitude: 1234567.5}).ExecX(ctx)
}

// pathCase is a question both paths must answer alike, with text its
// answer must hold, so that it cannot pass on empty lists.
type pathCase struct {
	name  string
	query string
	holds []string
}

// sameAsResolvers asks each case of the SQL JSON path (fast) and of the
// resolvers (slow): the answers are equal byte for byte, the path runs
// one statement, and each holds what the case names.
func sameAsResolvers(t *testing.T, fast, slow *registry, cases []pathCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := slow.query(t, tc.query, nil)
			got, ran := fast.queryCounting(t, tc.query, nil)
			if len(want.Errors) > 0 || len(got.Errors) > 0 {
				t.Fatalf("errors: SQL JSON %+v, resolvers %+v", got.Errors, want.Errors)
			}
			if !bytes.Equal(got.Data, want.Data) {
				t.Errorf("SQL JSON answer:\n%s\nresolvers' answer:\n%s", got.Data, want.Data)
			}
			if ran != 1 {
				t.Errorf("ran %d SQL statements, want 1 (did the SQL JSON path step aside?)", ran)
			}
			for _, s := range tc.holds {
				if !strings.Contains(string(want.Data), s) {
					t.Errorf("the answer holds no %s: the case compares nothing there", s)
				}
			}
		})
	}
}
