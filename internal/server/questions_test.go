package server_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden answers in testdata/questions")

// TestQuestions answers each question of shared/domain.md in one request,
// on every store, and compares the answer with the golden file: the same
// file for SQLite and PostgreSQL, so both stores must agree.
func TestQuestions(t *testing.T) {
	files, err := filepath.Glob("testdata/questions/*.graphql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no questions found: %v", err)
	}
	eachRegistry(t, func(t *testing.T, r *registry) {
		for _, file := range files {
			name := strings.TrimSuffix(filepath.Base(file), ".graphql")
			t.Run(name, func(t *testing.T) {
				q, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				resp := r.query(t, string(q), nil)
				if len(resp.Errors) > 0 {
					t.Fatalf("errors: %+v", resp.Errors)
				}
				got := canonical(t, resp.Data)
				golden := strings.TrimSuffix(file, ".graphql") + ".json"
				if *update {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("read golden answer (run with -update to create): %v", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("answer differs from %s\n got: %s\nwant: %s", golden, got, want)
				}
			})
		}
	})
}
