package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aidregistry/registry/internal/storetest"
)

var elementsXML = filepath.Join("..", "..", "internal", "interchange", "testdata", "elements.xml")

// registry import iati, twice, then registry export on each store.
func TestImportExportCommands(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.URL(t, kind)
			var out, errs bytes.Buffer
			if code := run(ctx, []string{"import", "iati", "--db", db, elementsXML}, &out, &errs); code != 0 {
				t.Fatalf("import: %s %s", out.String(), errs.String())
			}
			if !strings.Contains(out.String(), "2 created, 0 updated, 0 unchanged, 0 skipped") ||
				!strings.Contains(out.String(), "quality notes: SHARES_NOT_100 1") {
				t.Errorf("summary:\n%s", out.String())
			}
			out.Reset()
			if code := run(ctx, []string{"import", "iati", "--db", db, "--json", elementsXML}, &out, &errs); code != 0 {
				t.Fatalf("import again: %s", errs.String())
			}
			var sum struct {
				File                        string
				Created, Updated, Unchanged int
				Skipped                     []struct{ Record, Element, Reason string }
				QualityNotes                []struct {
					Code  string
					Count int
				}
			}
			if err := json.Unmarshal(out.Bytes(), &sum); err != nil || sum.Unchanged != 2 || sum.Created != 0 || len(sum.Skipped) != 0 ||
				len(sum.QualityNotes) != 1 || sum.QualityNotes[0].Code != "SHARES_NOT_100" {
				t.Errorf("import again: %v %s", err, out.String())
			}

			xmlFile := filepath.Join(t.TempDir(), "out.xml")
			errs.Reset()
			if code := run(ctx, []string{"export", "iati", "--db", db, "--out", xmlFile}, &out, &errs); code != 0 {
				t.Fatalf("export iati: %s", errs.String())
			}
			doc, err := os.ReadFile(xmlFile)
			if err != nil || !bytes.Contains(doc, []byte("<iati-identifier>XM-DAC-47066-MIDA-GL</iati-identifier>")) ||
				!strings.Contains(errs.String(), "2 activities written") {
				t.Errorf("export iati: %v %s\n%.200s", err, errs.String(), doc)
			}

			out.Reset()
			where := `{"hasParticipationsWith": {"role": "FUNDING"}}`
			if code := run(ctx, []string{"export", "programmes", "--db", db, "--where", where}, &out, &errs); code != 0 {
				t.Fatalf("export programmes: %s", errs.String())
			}
			rows, err := csv.NewReader(&out).ReadAll()
			if err != nil || len(rows) != 2 || rows[1][1] != "XM-DAC-47066-MIDA-GL" {
				t.Errorf("export programmes: %v %q", err, rows)
			}

			out.Reset()
			if code := run(ctx, []string{"export", "fundings", "--format", "ndjson", "--db", db}, &out, &errs); code != 0 {
				t.Fatalf("export fundings: %s", errs.String())
			}
			if n := strings.Count(out.String(), "\n"); n != 4 {
				t.Errorf("%d fundings:\n%s", n, out.String())
			}
		})
	}
}

func TestImportCommandRefusals(t *testing.T) {
	ctx := context.Background()
	db := "sqlite:" + filepath.Join(t.TempDir(), "r.db")
	for _, args := range [][]string{
		{"import"},
		{"import", "csv", "x.csv"},
		{"import", "iati", "--db", db},
		{"import", "iati", "--db", db, "https://example.org/activities.xml"},
		{"export"},
		{"export", "agreements", "--db", db},
		{"export", "programmes", "--db", db, "--where", `{"bogus": 1}`},
	} {
		var out, errs bytes.Buffer
		if code := run(ctx, args, &out, &errs); code == 0 {
			t.Errorf("%v: exit 0", args)
		}
	}
	var out, errs bytes.Buffer
	run(ctx, []string{"import", "iati", "--db", db, "https://example.org/a.xml"}, &out, &errs)
	if !strings.Contains(errs.String(), "URL is not supported") {
		t.Errorf("a URL: %s", errs.String())
	}
}
