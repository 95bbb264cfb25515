package iati

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// TestWriteElements writes testdata/elements.xml (untidy 2.03 input with
// every element the importer uses), validates the output against the
// official schema, and reads it back.
func TestWriteElements(t *testing.T) {
	first := readTestdata(t, "elements.xml")
	doc := writeAll(t, first)
	second := readAll(t, bytes.NewReader(doc))

	// The one thing the writer adds: value-date is mandatory, and a value
	// without one is written with its transaction-date.
	tx := second[0].Transactions[1]
	if tx.Value.Date != "2008-03-01" {
		t.Errorf("value-date written %q, want the transaction-date 2008-03-01", tx.Value.Date)
	}
	second[0].Transactions[1].Value.Date = ""
	sameActivities(t, second, first)
	validateBytes(t, doc)
}

// TestWriteMinimal: the least the schema accepts, built by hand as an
// exporter would.
func TestWriteMinimal(t *testing.T) {
	a := minimal("XM-DAC-47066-MIN")
	doc := writeAll(t, []*Activity{a})
	sameActivities(t, readAll(t, bytes.NewReader(doc)), []*Activity{a})
	validateBytes(t, doc)
}

func minimal(id string) *Activity {
	return &Activity{
		Identifier:        id,
		ReportingOrg:      ReportingOrg{Ref: "XM-DAC-47066", Type: "40", Name: []Narrative{{Text: "IOM"}}},
		Title:             []Narrative{{Text: "A title"}},
		Descriptions:      []Description{{Narratives: []Narrative{{Text: "A description"}}}},
		ParticipatingOrgs: []ParticipatingOrg{{Role: RoleImplementing, Name: []Narrative{{Text: "IOM"}}}},
		Status:            StatusPipeline,
		Dates:             []ActivityDate{{Type: ActivityDatePlannedStart, Date: "2026-01-01"}},
	}
}

// TestWriteEscapes: text that needs escaping survives, in elements and in
// attributes, and the output stays valid.
func TestWriteEscapes(t *testing.T) {
	a := minimal(`XX-"ESC"&<1>`)
	a.Lang = "en"
	a.Title = []Narrative{
		{Lang: "en", Text: "Fish & chips <b>bold</b> \"quoted\" 'single'"},
		{Lang: "fr", Text: "Ligne 1\nLigne 2\tTab\r\nCRLF"},
		{Lang: "ar", Text: "تنمية"},
		{Lang: "en", Text: "control \x01 char and bad UTF-8 \xff"},
	}
	a.ParticipatingOrgs[0].Ref = "ref with \"quotes\" & <angles>\tand\ttabs\nand lines"
	doc := writeAll(t, []*Activity{a})
	got := readAll(t, bytes.NewReader(doc))[0]
	want := []Narrative{a.Title[0], a.Title[1], a.Title[2], {Lang: "en", Text: "control \uFFFD char and bad UTF-8 \uFFFD"}}
	if !equal(got.Title, want) {
		t.Errorf("title:\n got %q\nwant %q", got.Title, want)
	}
	if got.Identifier != a.Identifier || got.ParticipatingOrgs[0].Ref != a.ParticipatingOrgs[0].Ref {
		t.Errorf("attributes: %q, %q", got.Identifier, got.ParticipatingOrgs[0].Ref)
	}
	// Narratives in the activity's language carry no xml:lang of their own.
	if !strings.Contains(string(doc), "<narrative>Fish &amp; chips &lt;b&gt;bold&lt;/b&gt; \"quoted\" 'single'</narrative>") {
		t.Errorf("escaping:\n%s", doc)
	}
	validateBytes(t, doc)
}

// TestWriteInvalid: an activity that would not validate is refused with
// the list of its faults, and nothing of it is written; the writer goes on
// with the next.
func TestWriteInvalid(t *testing.T) {
	bad := readTestdata(t, "problems.xml")
	m := func(what ...string) []string {
		for i := range what {
			what[i] += ": missing"
		}
		return what
	}
	tests := []struct {
		name    string
		a       *Activity
		reasons []string
	}{
		{"read with problems: status and reporting-org type skipped", bad[0], m("reporting-org/@type", "activity-status")},
		{"read with problems: little left", bad[1], m("description", "participating-org", "activity-date")},
		{"empty", &Activity{}, m("iati-identifier", "reporting-org/@ref", "reporting-org/@type", "reporting-org/narrative",
			"title/narrative", "description", "participating-org", "activity-status", "activity-date")},
		{"parts missing", func() *Activity {
			a := minimal("XX-PARTS")
			a.Descriptions = append(a.Descriptions, Description{Type: "2"})
			a.ParticipatingOrgs = append(a.ParticipatingOrgs, ParticipatingOrg{Ref: "X"})
			a.Dates = append(a.Dates, ActivityDate{Type: "2"})
			a.RecipientCountries = []RecipientCountry{{}}
			a.Budgets = []Budget{{Value: Value{Amount: mustDecimal("1")}}}
			a.Transactions = []Transaction{{Value: Value{Amount: mustDecimal("1"), Currency: "EUR"}}}
			a.DocumentLinks = []DocumentLink{{URL: "https://example.org"}}
			a.RelatedActivities = []RelatedActivity{{Type: "1"}}
			return a
		}(), m("description[2]/narrative", "participating-org[2]/@role", "activity-date[2]/@iso-date",
			"recipient-country[1]/@code", "budget[1]/period-start", "budget[1]/period-end", "budget[1]/value/@currency",
			"transaction[1]/transaction-type", "transaction[1]/transaction-date",
			"document-link[1]/@format", "document-link[1]/title/narrative", "document-link[1]/category", "related-activity[1]/@ref")},
		{"partial dates and bad languages, as an exporter might pass them", func() *Activity {
			a := minimal("XX-FORMS")
			a.Lang = "en_GB"
			a.LastUpdated = "2026-01-01"
			a.Title = []Narrative{{Lang: "fr", Text: "ok"}, {Lang: "français", Text: "not a code"}}
			a.Dates = []ActivityDate{{Type: "1", Date: "2007"}, {Type: "3", Date: "2009-04"}}
			a.Transactions = []Transaction{{Type: "3", Date: "2008-01-01", Value: Value{Amount: mustDecimal("1"), Currency: "EUR", Date: "2008"}}}
			return a
		}(), []string{
			`iati-activity/@xml:lang: "en_GB" is not a language code`,
			`iati-activity/@last-updated-datetime: "2026-01-01" is not a date and time`,
			`title/narrative[2]/@xml:lang: "français" is not a language code`,
			`activity-date[1]/@iso-date: "2007" is not a date (YYYY-MM-DD)`,
			`activity-date[2]/@iso-date: "2009-04" is not a date (YYYY-MM-DD)`,
			`transaction[1]/value/@value-date: "2008" is not a date (YYYY-MM-DD)`,
		}},
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, tt := range tests {
		if got := Check(tt.a); !equal(got, tt.reasons) {
			t.Errorf("%s: Check\n %q\nwant %q", tt.name, got, tt.reasons)
		}
		err := w.WriteActivity(tt.a)
		var inv *InvalidActivityError
		if !errors.As(err, &inv) {
			t.Errorf("%s: got %v, want an InvalidActivityError", tt.name, err)
			continue
		}
		if !equal(inv.Reasons, tt.reasons) || inv.Identifier != tt.a.Identifier {
			t.Errorf("%s: error %+v", tt.name, inv)
		}
		if !strings.Contains(err.Error(), strings.Join(tt.reasons, "; ")) {
			t.Errorf("%s: message %q", tt.name, err)
		}
	}
	if err := w.WriteActivity(minimal("XX-GOOD")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	doc := buf.Bytes()
	got := readAll(t, bytes.NewReader(doc))
	if len(got) != 1 || got[0].Identifier != "XX-GOOD" {
		t.Errorf("written: %d activities", len(got))
	}
	validateBytes(t, doc)
}

// TestWriteURLs: URLs as real files have them are written so that the
// schema's xsd:anyURI accepts them.
func TestWriteURLs(t *testing.T) {
	urls := []struct{ in, out string }{
		{"https://example.org/report.pdf", "https://example.org/report.pdf"},
		{"http:www.example.org/docs/report_en.odt", "http:www.example.org/docs/report_en.odt"},
		{"https://example.org/a file é.pdf", "https://example.org/a file é.pdf"},
		{"https://example.org/x?a[1]=2&b=%zz&c=%2", "https://example.org/x?a%5B1%5D=2&b=%25zz&c=%252"},
		{"https://[2001:db8::1]/x[1]", "https://[2001:db8::1]/x%5B1%5D"},
		{"https://example.org/a%20b", "https://example.org/a%20b"},
		{"100%", "100%25"},
	}
	a := minimal("XX-URLS")
	for _, u := range urls {
		if got := anyURI(u.in); got != u.out {
			t.Errorf("anyURI(%q) = %q, want %q", u.in, got, u.out)
		}
		a.DocumentLinks = append(a.DocumentLinks, DocumentLink{URL: u.in, Format: "application/pdf",
			Title: []Narrative{{Text: "t"}}, Categories: []string{"A01"}})
		a.Contacts = append(a.Contacts, ContactInfo{Website: []string{u.in}})
		a.Sectors = append(a.Sectors, Sector{Code: "A1", Vocabulary: "99", VocabularyURI: u.in})
	}
	doc := writeAll(t, []*Activity{a})
	got := readAll(t, bytes.NewReader(doc))[0]
	for i, u := range urls {
		if got.DocumentLinks[i].URL != u.out || got.Contacts[i].Website[0] != u.out || got.Sectors[i].VocabularyURI != u.out {
			t.Errorf("read back %q, %q, %q; want %q", got.DocumentLinks[i].URL, got.Contacts[i].Website[0], got.Sectors[i].VocabularyURI, u.out)
		}
	}
	validateBytes(t, doc)
}

func TestWriterDocument(t *testing.T) {
	t.Run("generated-datetime", func(t *testing.T) {
		var buf bytes.Buffer
		w := NewWriter(&buf)
		w.Generated = time.Date(2026, 11, 2, 10, 30, 0, 0, time.FixedZone("CET", 3600))
		if err := w.WriteActivity(minimal("XX-1")); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(buf.String(), `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<iati-activities version="2.03" generated-datetime="2026-11-02T09:30:00Z">`) {
			t.Errorf("start:\n%s", buf.String())
		}
		validateBytes(t, buf.Bytes())
	})
	t.Run("Flush", func(t *testing.T) {
		var buf bytes.Buffer
		w := NewWriter(&buf)
		if err := w.WriteActivity(minimal("XX-1")); err != nil {
			t.Fatal(err)
		}
		if buf.Len() != 0 {
			t.Fatalf("%d bytes before Flush: small activities are buffered", buf.Len())
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(buf.String(), "</iati-activity>") {
			t.Errorf("after Flush: %q", buf.String())
		}
	})
	t.Run("no activity", func(t *testing.T) {
		var buf bytes.Buffer
		w := NewWriter(&buf)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := NewReader(&buf).Next(); err != io.EOF {
			t.Errorf("reading an empty export: %v", err)
		}
	})
	t.Run("after Close", func(t *testing.T) {
		w := NewWriter(io.Discard)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.WriteActivity(minimal("XX-1")); !errors.Is(err, ErrClosed) {
			t.Errorf("got %v", err)
		}
		if err := w.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
	t.Run("write error sticks", func(t *testing.T) {
		fail := errors.New("disk full")
		w := NewWriter(failingWriter{fail})
		big := minimal("XX-BIG")
		big.Descriptions[0].Narratives[0].Text = strings.Repeat("x", 100<<10)
		if err := w.WriteActivity(big); !errors.Is(err, fail) {
			t.Errorf("WriteActivity: %v", err)
		}
		if err := w.WriteActivity(minimal("XX-2")); !errors.Is(err, fail) {
			t.Errorf("next WriteActivity: %v", err)
		}
		if err := w.Close(); !errors.Is(err, fail) {
			t.Errorf("Close: %v", err)
		}
	})
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }
