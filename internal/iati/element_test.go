package iati

import (
	"bytes"
	"io"
	"testing"
)

// TestElementsWrittenAsRead reads every real example file's activities as
// elements, writes them with WriteElement and reads the result again: each
// activity comes back element for element, attribute for attribute,
// other namespaces included.
func TestElementsWrittenAsRead(t *testing.T) {
	for _, name := range []string{
		"activity-standard-example-annotated-203.xml",
		"spain-maec-indonesia-2.01.xml",
		"dportal-covid-p112-undp-unhcr-v2.03.xml",
		"dportal-covid-p124-italy-aics-v2.01.xml",
		"dportal-covid-p099-denmark-undp-ifad-v2.03.xml",
		"dportal-covid-2749528-p116-germany-iom-v2.03.xml",
	} {
		t.Run(name, func(t *testing.T) {
			first := readElements(t, example(t, name))
			var buf bytes.Buffer
			w := NewWriter(&buf)
			for _, e := range first {
				if err := w.WriteElement(e); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			second := readElements(t, &buf)
			if len(second) != len(first) {
				t.Fatalf("%d activities back, want %d", len(second), len(first))
			}
			for i := range first {
				if !first[i].Equal(second[i]) {
					t.Errorf("activity %d differs after writing", i+1)
				}
			}
		})
	}
}

func readElements(t testing.TB, r io.Reader) []*Element {
	t.Helper()
	var out []*Element
	for _, a := range readActivities(t, r) {
		out = append(out, a.Element)
	}
	return out
}

// TestViewsReadKeptElements: the GraphQL views of families the registry
// has no table for read every element of IATI's annotated example.
func TestViewsReadKeptElements(t *testing.T) {
	a := readElements(t, example(t, "activity-standard-example-annotated-203.xml"))[0]
	held := []*Element{a}
	for _, tt := range []struct {
		family string
		got    int
	}{
		{"other-identifier", len(OtherIdentifiers(held))},
		{"planned-disbursement", len(PlannedDisbursements(held))},
		{"document-link", len(DocumentLinks(held))},
		{"tag", len(Tags(held))},
		{"result", len(Results(held))},
	} {
		if want := len(a.All(tt.family)); tt.got != want || want == 0 {
			t.Errorf("%s: %d read, %d in the example", tt.family, tt.got, want)
		}
	}
	pd := PlannedDisbursements(held)[0]
	if pd.Value == nil || pd.Value.Currency == "" || pd.PeriodStart == "" || pd.Provider == nil {
		t.Errorf("planned disbursement read as %+v", pd)
	}
	r := Results(held)[0]
	if len(r.Indicators) == 0 || len(r.Indicators[0].Periods) == 0 || len(r.Indicators[0].Periods[0].Targets) == 0 ||
		len(r.Indicators[0].Periods[0].Actuals) == 0 || r.Indicators[0].Periods[0].Targets[0].Value == "" {
		t.Errorf("result read as %+v", r)
	}
	if d := DocumentLinks(held)[0]; d.URL == "" || len(d.Categories) == 0 || d.Title == "" {
		t.Errorf("document link read as %+v", d)
	}
}

// An activity's children are numbered among those of the same name (Pos),
// which the export orders them by and the store keeps: a name in another
// namespace is another name, and deeper elements are not numbered.
func TestElementPositionsCountSameNamedChildren(t *testing.T) {
	doc := `<iati-activities version="2.03" xmlns:z="http://example.org/z"><iati-activity>
  <sector code="1"/><title/><sector code="2"/><z:sector/>
  <sector code="3"><sector code="nested"/><narrative/><narrative/></sector>
  <related-activity ref="a"/><related-activity ref="b"/>
</iati-activity></iati-activities>`
	a := readElements(t, bytes.NewBufferString(doc))[0]
	type named struct {
		space, name string
		pos         int
	}
	var got []named
	for _, c := range a.Children {
		got = append(got, named{c.Space, c.Name, c.Pos})
	}
	want := []named{{"", "sector", 0}, {"", "title", 0}, {"", "sector", 1}, {"http://example.org/z", "sector", 0},
		{"", "sector", 2}, {"", "related-activity", 0}, {"", "related-activity", 1}}
	if len(got) != len(want) {
		t.Fatalf("children %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("child %d: %v, want %v", i, got[i], want[i])
		}
	}
	for _, c := range a.Children[4].Children {
		if c.Pos != 0 {
			t.Errorf("%s under the third sector numbered %d: only an activity's children are", c.Name, c.Pos)
		}
	}
}
