package interchange_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/countries"
	"github.com/aidregistry/registry/internal/interchange"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// system is the context of an operator's command: writes need no key but
// still go through every hook.
var system = auth.AsSystem(context.Background())

// sharedIATI is ../shared/iati, the official schema and real files. Tests
// that need it say so: skipped outside CI when it is missing, failed
// under CI=true, never passed silently.
func sharedIATI(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "iati"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "schema", "iati-activities-schema.xsd")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("this test needs ../shared/iati (the IATI schema and example files): %v", err)
		}
		t.Skipf("this test needs ../shared/iati (the IATI schema and example files): %v", err)
	}
	return dir
}

// validate checks an IATI activity file against the official 2.03 schema
// with xmllint (Debian's libxml2-utils).
func validate(t testing.TB, doc []byte) {
	t.Helper()
	schema := filepath.Join(sharedIATI(t), "schema", "iati-activities-schema.xsd")
	lint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("this test needs xmllint (libxml2-utils): %v", err)
		}
		t.Skipf("this test needs xmllint (libxml2-utils): %v", err)
	}
	file := filepath.Join(t.TempDir(), "export.xml")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(lint, "--noout", "--schema", schema, file).CombinedOutput()
	if err != nil {
		t.Fatalf("export does not validate against the IATI 2.03 schema: %v\n%s", err, out)
	}
}

// each runs fn on a fresh store of every kind, holding the ISO 3166 list.
func each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if err := countries.Load(context.Background(), st.Client); err != nil {
			t.Fatal(err)
		}
		fn(t, st)
	})
}

func importFile(t testing.TB, c *ent.Client, path string) interchange.Summary {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sum, err := interchange.Import(system, c, f, interchange.Options{})
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return sum
}

func exportIATI(t testing.TB, c *ent.Client, opts interchange.IATIOptions) ([]byte, interchange.ExportResult) {
	t.Helper()
	var buf bytes.Buffer
	res, err := interchange.ExportIATI(context.Background(), c, &buf, opts)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	return buf.Bytes(), res
}

// skipsOf finds the skipped entries of a record whose element starts
// with prefix.
func skipsOf(s interchange.Summary, record, prefix string) []interchange.Skip {
	var out []interchange.Skip
	for _, k := range s.Skipped {
		if k.Record == record && strings.HasPrefix(k.Element, prefix) {
			out = append(out, k)
		}
	}
	return out
}

// counts are the rows of the tables an import writes, and the history.
func counts(t testing.TB, c *ent.Client) map[string]int {
	t.Helper()
	ctx := context.Background()
	m := map[string]int{}
	for name, count := range map[string]func() (int, error){
		"programmes":     func() (int, error) { return c.Programme.Query().Count(ctx) },
		"organisations":  func() (int, error) { return c.Organisation.Query().Count(ctx) },
		"participations": func() (int, error) { return c.Participation.Query().Count(ctx) },
		"countries":      func() (int, error) { return c.ProgrammeCountry.Query().Count(ctx) },
		"fundings":       func() (int, error) { return c.Funding.Query().Count(ctx) },
		"contacts":       func() (int, error) { return c.Contact.Query().Count(ctx) },
		"sources":        func() (int, error) { return c.Source.Query().Count(ctx) },
		"links":          func() (int, error) { return c.ActivityLink.Query().Count(ctx) },
		"changes":        func() (int, error) { return c.Change.Query().Count(ctx) },
	} {
		n, err := count()
		if err != nil {
			t.Fatal(err)
		}
		m[name] = n
	}
	return m
}

func openFile(name string) (*os.File, error) { return os.Open(name) }

func loadCountries(st *store.Store) error { return countries.Load(context.Background(), st.Client) }

func itoa(n int) string { return strconv.Itoa(n) }

func asAppErr(err error, target **apperr.Error) bool { return errors.As(err, target) }
