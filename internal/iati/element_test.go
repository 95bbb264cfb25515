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

func readElements(t *testing.T, r io.Reader) []*Element {
	t.Helper()
	ar := NewReader(r)
	var out []*Element
	for {
		a, err := ar.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("after %d activities: %v", len(out), err)
		}
		out = append(out, a.Element)
	}
}
