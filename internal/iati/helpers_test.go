package iati

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aidregistry/registry/internal/money"
)

// inCI reports a CI run, where missing test inputs fail instead of skipping.
func inCI() bool { return os.Getenv("CI") == "true" }

// missing stops a test whose input is absent: a failure in CI, a skip
// elsewhere.
func missingInput(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if inCI() {
		t.Fatalf("%s (CI=true: required)", msg)
	}
	t.Skipf("%s (skipped outside CI)", msg)
}

// sharedIATI returns ../shared/iati beside the module root: the official
// schema and the example files, which these tests need.
func sharedIATI(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
	shared := filepath.Join(dir, "..", "shared", "iati")
	for _, f := range []string{"schema/iati-activities-schema.xsd", "schema/iati-common.xsd", "schema/xml.xsd",
		"examples/activity-standard-example-annotated-203.xml", "examples/spain-maec-indonesia-2.01.xml",
		"examples/organisation-example-203.xml"} {
		if _, err := os.Stat(filepath.Join(shared, f)); err != nil {
			missingInput(t, "this test needs the IATI reference files in %s: %v", shared, err)
		}
	}
	return shared
}

// example opens one of ../shared/iati/examples.
func example(t testing.TB, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(sharedIATI(t), "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// validate checks an activity file against the official 2.03 schema with
// xmllint (Debian's libxml2-utils).
func validate(t testing.TB, path string) {
	t.Helper()
	schema := filepath.Join(sharedIATI(t), "schema", "iati-activities-schema.xsd")
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		missingInput(t, "xmllint is not installed (apt-get install -y libxml2-utils)")
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", schema, path).CombinedOutput()
	if err != nil {
		t.Fatalf("xmllint: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "validates") {
		t.Fatalf("xmllint said: %s", out)
	}
}

// validateBytes writes doc to a temporary file and validates it.
func validateBytes(t testing.TB, doc []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.xml")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	validate(t, path)
}

// readAll reads every activity; an error fails the test.
func readAll(t testing.TB, r io.Reader) []*Activity {
	t.Helper()
	as := readActivities(t, r)
	for _, a := range as {
		typedOnly(a)
	}
	return as
}

// readActivities reads every activity of a document, typed fields and
// element tree.
func readActivities(t testing.TB, r io.Reader) []*Activity {
	t.Helper()
	ar := NewReader(r)
	var out []*Activity
	for {
		a, err := ar.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("after %d activities: %v", len(out), err)
		}
		out = append(out, a)
	}
}

// typedOnly clears what ties the typed fields to the element tree (the
// tree, and each entry's index in it), so tests can compare typed fields
// with activities built by hand.
func typedOnly(a *Activity) *Activity {
	a.Element = nil
	for i := range a.ParticipatingOrgs {
		a.ParticipatingOrgs[i].Elem = 0
	}
	for i := range a.Contacts {
		a.Contacts[i].Elem = 0
	}
	for i := range a.RecipientCountries {
		a.RecipientCountries[i].Elem = 0
	}
	for i := range a.Transactions {
		a.Transactions[i].Elem = 0
	}
	return a
}

func readTestdata(t testing.TB, name string) []*Activity {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return readAll(t, f)
}

// writeAll writes activities to a document.
func writeAll(t testing.TB, as []*Activity) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, a := range as {
		if err := w.WriteActivity(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sameActivities compares field by field, naming the first that differs.
// reflect.DeepEqual on money.Decimal compares value and scale, so "1000"
// and "1000.00" differ, as a round trip must keep them.
func sameActivities(t testing.TB, got, want []*Activity) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d activities, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := reflect.ValueOf(*got[i]), reflect.ValueOf(*want[i])
		for f := 0; f < g.NumField(); f++ {
			if !reflect.DeepEqual(g.Field(f).Interface(), w.Field(f).Interface()) {
				t.Fatalf("activity %d (%s) field %s:\n got %s\nwant %s", i, want[i].Identifier,
					g.Type().Field(f).Name, show(g.Field(f).Interface()), show(w.Field(f).Interface()))
			}
		}
	}
}

// show prints a value with pointers followed.
func show(v any) string {
	switch x := v.(type) {
	case []Transaction:
		var b strings.Builder
		for _, t := range x {
			fmt.Fprintf(&b, "%+v provider=%+v receiver=%+v; ", t, deref(t.Provider), deref(t.Receiver))
		}
		return b.String()
	}
	return fmt.Sprintf("%+v", v)
}

func deref(o *TransactionOrg) any {
	if o == nil {
		return nil
	}
	return *o
}

// problems renders an activity's problems for comparison.
func problems(a *Activity) []string {
	var out []string
	for _, p := range a.Problems {
		out = append(out, p.String())
	}
	return out
}

func equal(got, want any) bool { return reflect.DeepEqual(got, want) }

func mustDecimal(s string) money.Decimal { return money.MustParse(s) }
