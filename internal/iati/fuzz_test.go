package iati_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/aidregistry/registry/internal/iati"
)

// FuzzReader reads any bytes as an IATI activity file through the public
// API alone: Next returns activities, then io.EOF or an error, and never
// panics or loops. Seeds: the files in testdata and testdata/fuzz/FuzzReader.
func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<iati-activities version="2.03"><iati-activity><iati-identifier>XM-1</iati-identifier></iati-activity></iati-activities>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := iati.NewReader(bytes.NewReader(b))
		// Each activity takes at least a few bytes of input, so a reader
		// that returns more activities than bytes is looping.
		for n := 0; n <= len(b); n++ {
			a, err := r.Next()
			if err != nil {
				return
			}
			if a == nil {
				t.Fatal("Next returned neither an activity nor an error")
			}
		}
		t.Fatalf("Next returned more activities than the input has bytes (%d)", len(b))
	})
}
