package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/iati/iatifacts"
	"github.com/aidregistry/registry/internal/interchange"
)

// importShared imports a real file of ../shared/iati/examples into r's
// store and returns it parsed independently of the registry's reader.
func importShared(t *testing.T, r *registry, name string) *iatifacts.File {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "iati", "examples", name)
	f, err := os.Open(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("this test needs ../shared/iati: %v", err)
		}
		t.Skipf("this test needs ../shared/iati: %v", err)
	}
	defer f.Close()
	if _, err := interchange.Import(auth.AsSystem(context.Background()), r.Store.Client, f, interchange.Options{}); err != nil {
		t.Fatal(err)
	}
	src, err := iatifacts.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// countActivities counts the activities of which some element at path
// satisfies ok.
func countActivities(f *iatifacts.File, path string, ok func(*iatifacts.Node) bool) int {
	n := 0
	for _, a := range f.Activities {
		for _, e := range a.All(path) {
			if ok(e) {
				n++
				break
			}
		}
	}
	return n
}

func attr(n *iatifacts.Node, name string) string {
	v, _ := n.Attr("", name)
	return strings.TrimSpace(v)
}

// TestRealIATIDataQueryable: what a real file holds is found through the
// filters people use (sector by DAC prefix, policy marker and
// significance, humanitarian scope, quality notes, the exact transaction
// type) and read back through GraphQL, with codelist names; each expected
// count is computed from the XML.
func TestRealIATIDataQueryable(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		src := importShared(t, r, "dportal-covid-p099-denmark-undp-ifad-v2.03.xml")
		facts := iatifacts.FactsOf(src)
		dac := func(prefix string) func(*iatifacts.Node) bool {
			return func(s *iatifacts.Node) bool {
				v := attr(s, "vocabulary")
				return (v == "" || v == "1") && strings.HasPrefix(attr(s, "code"), prefix)
			}
		}
		gender := func(m *iatifacts.Node) bool {
			v := attr(m, "vocabulary")
			return (v == "" || v == "1") && attr(m, "code") == "1" && attr(m, "significance") == "1"
		}
		for _, tt := range []struct {
			name  string
			where string
			want  int
		}{
			{"DAC sector prefix 122 (basic health)", `{hasSectorsWith: [{vocabulary: "1", codeHasPrefix: "122"}]}`,
				countActivities(src, "sector", dac("122"))},
			{"DAC sector prefix 151 (government and civil society)", `{hasSectorsWith: [{vocabulary: "1", codeHasPrefix: "151"}]}`,
				countActivities(src, "sector", dac("151"))},
			{"gender equality as a significant objective", `{hasPolicyMarkersWith: [{vocabulary: "1", code: "1", significance: "1"}]}`,
				countActivities(src, "policy-marker", gender)},
			{"any humanitarian scope", `{hasHumanitarianScopes: true}`,
				countActivities(src, "humanitarian-scope", func(*iatifacts.Node) bool { return true })},
			{"with locations", `{hasLocations: true}`,
				countActivities(src, "location", func(*iatifacts.Node) bool { return true })},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var got struct{ Programmes struct{ TotalCount int } }
				r.mustData(t, `{ programmes(where: `+tt.where+`) { totalCount } }`, nil, &got)
				if got.Programmes.TotalCount != tt.want || tt.want == 0 {
					t.Errorf("totalCount %d, want %d (from the XML; a test needs a non-zero answer)", got.Programmes.TotalCount, tt.want)
				}
			})
		}

		var byType struct{ Fundings struct{ TotalCount int } }
		r.mustData(t, `{ fundings(where: {transactionType: INCOMING_COMMITMENT}) { totalCount } }`, nil, &byType)
		if byType.Fundings.TotalCount != facts.TransactionsByType["11"] {
			t.Errorf("incoming commitments %d, want %d", byType.Fundings.TotalCount, facts.TransactionsByType["11"])
		}
		var negative struct{ Fundings struct{ TotalCount int } }
		r.mustData(t, `{ fundings(where: {hasQualityNotes: true}) { totalCount } }`, nil, &negative)
		if negative.Fundings.TotalCount == 0 {
			t.Errorf("no funding has a quality note; the file has negative incoming funds")
		}

		// One activity read in full: names from the codelists.
		var one struct {
			Programmes struct {
				Edges []struct {
					Node struct {
						Code    string
						Sectors []struct {
							Vocabulary, Code string
							Name             *string
							Percentage       *string
						}
						PolicyMarkers []struct {
							Code, Vocabulary   string
							Name, Significance *string
						}
						Locations []struct {
							Name  *string
							Point *struct{ Latitude, Longitude float64 }
						}
						QualityNotes []struct{ Code, Element, Message string }
						IatiResults  []struct {
							Indicators []struct {
								Periods []struct {
									Targets, Actuals []struct{ Value string }
								}
							}
						}
						Fundings []struct {
							TransactionType *string
							Kind            *string
							QualityNotes    []struct{ Code string }
						}
					}
				}
			}
		}
		r.mustData(t, `{ programmes(first: 20, where: {hasSectorsWith: [{vocabulary: "1"}], hasLocations: true}) { edges { node {
			code sectors { vocabulary code name percentage } policyMarkers { code vocabulary name significance }
			locations { name point { latitude longitude } } qualityNotes { code element message }
			iatiResults { indicators { periods { targets { value } actuals { value } } } }
			fundings { transactionType kind qualityNotes { code } } } } } }`, nil, &one)
		if len(one.Programmes.Edges) == 0 {
			t.Fatal("no programme with DAC sectors and locations")
		}
		named := 0
		for _, e := range one.Programmes.Edges {
			for _, s := range e.Node.Sectors {
				if s.Vocabulary == "1" && s.Name != nil && *s.Name != "" {
					named++
				}
			}
			for _, l := range e.Node.Locations {
				if l.Point == nil {
					t.Errorf("%s: a location without its point (all 88 in the file have one)", e.Node.Code)
				}
			}
		}
		if named == 0 {
			t.Errorf("no DAC sector has its codelist name")
		}
	})
}
