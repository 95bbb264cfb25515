package iati

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aidregistry/registry/internal/money"
	"github.com/aidregistry/registry/internal/partialdate"
)

// WriteVersion is the IATI version Writer writes.
const WriteVersion = "2.03"

// InvalidActivityError is returned by WriteActivity for an activity that
// would not validate against the IATI 2.03 schema: it lacks a mandatory
// element, or a date or language is not in the form the schema's types
// want. Nothing of the activity has been written, and the Writer can take
// the next one.
type InvalidActivityError struct {
	Identifier string
	// Reasons names each fault: "activity-status: missing",
	// "activity-date[1]/@iso-date: \"2007\" is not a date (YYYY-MM-DD)".
	Reasons []string
}

func (e *InvalidActivityError) Error() string {
	id := e.Identifier
	if id == "" {
		id = "(no identifier)"
	}
	return fmt.Sprintf("iati: activity %s cannot be written as IATI %s: %s",
		id, WriteVersion, strings.Join(e.Reasons, "; "))
}

// ErrClosed is returned by a Writer used after Close.
var ErrClosed = errors.New("iati: writer closed")

// Writer writes an IATI 2.03 iati-activities document, one activity at a
// time, in the element order of the official schema. It buffers; Close
// must be called to finish the document.
type Writer struct {
	// Generated, when set before the first WriteActivity, is written as the
	// file's generated-datetime (in UTC).
	Generated time.Time

	b       *bufio.Writer
	lang    string // the current activity's default language
	started bool
	closed  bool
	err     error
}

// NewWriter writes to w. Close does not close w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{b: bufio.NewWriterSize(w, 64<<10)}
}

// WriteActivity writes one activity. An activity Check finds fault with
// gets an *InvalidActivityError and is not written; any other error is the
// underlying writer's and is sticky.
func (w *Writer) WriteActivity(a *Activity) error {
	if w.closed {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if r := Check(a); len(r) > 0 {
		return &InvalidActivityError{Identifier: a.Identifier, Reasons: r}
	}
	w.begin()
	w.activity(a)
	if w.err != nil {
		return w.err
	}
	// Hand complete activities on, so a streamed response makes progress.
	if w.b.Buffered() > 32<<10 {
		w.err = w.b.Flush()
	}
	return w.err
}

// Flush hands what has been written so far to the underlying writer (an
// HTTP response streaming a large export, say). The document is complete
// only after Close.
func (w *Writer) Flush() error {
	if w.err == nil {
		w.err = w.b.Flush()
	}
	return w.err
}

// Close ends the document and flushes it. A document with no activity is
// well-formed but not valid: the schema wants at least one.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.begin()
	w.closed = true
	w.raw("\n</iati-activities>\n")
	if w.err == nil {
		w.err = w.b.Flush()
	}
	return w.err
}

func (w *Writer) begin() {
	if w.started {
		return
	}
	w.started = true
	w.raw(`<?xml version="1.0" encoding="UTF-8"?>`)
	attrs := []string{"version", WriteVersion}
	if !w.Generated.IsZero() {
		attrs = append(attrs, "generated-datetime", w.Generated.UTC().Format(time.RFC3339))
	}
	w.startTag(0, "iati-activities", false, attrs...)
}

// Check lists what would make a invalid against the IATI 2.03 schema, as
// WriteActivity's InvalidActivityError names it: mandatory elements and
// attributes that are missing, dates that are not YYYY-MM-DD (the
// registry's partial dates "2007" and "2009-04" are not xsd:date), a
// last-updated-datetime that is not xsd:dateTime, and xml:lang values that
// are not language codes. nil when a can be written.
func Check(a *Activity) []string {
	var r []string
	need := func(ok bool, what string) {
		if !ok {
			r = append(r, what+": missing")
		}
	}
	date := func(d, what string) {
		if d != "" && !isDay(d) {
			r = append(r, fmt.Sprintf("%s: %q is not a date (YYYY-MM-DD)", what, d))
		}
	}
	langs := func(ns []Narrative, what string) {
		for i, n := range ns {
			if n.Lang != "" && !langPattern.MatchString(n.Lang) {
				r = append(r, fmt.Sprintf("%s/narrative[%d]/@xml:lang: %q is not a language code", what, i+1, n.Lang))
			}
		}
	}
	need(a.Identifier != "", "iati-identifier")
	if a.Lang != "" && !langPattern.MatchString(a.Lang) {
		r = append(r, fmt.Sprintf("iati-activity/@xml:lang: %q is not a language code", a.Lang))
	}
	if a.LastUpdated != "" && !xsdDateTime.MatchString(a.LastUpdated) {
		r = append(r, fmt.Sprintf("iati-activity/@last-updated-datetime: %q is not a date and time", a.LastUpdated))
	}
	need(a.ReportingOrg.Ref != "", "reporting-org/@ref")
	need(a.ReportingOrg.Type != "", "reporting-org/@type")
	need(len(a.ReportingOrg.Name) > 0, "reporting-org/narrative")
	langs(a.ReportingOrg.Name, "reporting-org")
	need(len(a.Title) > 0, "title/narrative")
	langs(a.Title, "title")
	need(len(a.Descriptions) > 0, "description")
	for i, d := range a.Descriptions {
		need(len(d.Narratives) > 0, loc("description", i)+"/narrative")
		langs(d.Narratives, loc("description", i))
	}
	need(len(a.ParticipatingOrgs) > 0, "participating-org")
	for i, p := range a.ParticipatingOrgs {
		need(p.Role != "", loc("participating-org", i)+"/@role")
		langs(p.Name, loc("participating-org", i))
	}
	need(a.Status != "", "activity-status")
	need(len(a.Dates) > 0, "activity-date")
	for i, d := range a.Dates {
		need(d.Type != "", loc("activity-date", i)+"/@type")
		need(d.Date != "", loc("activity-date", i)+"/@iso-date")
		date(d.Date, loc("activity-date", i)+"/@iso-date")
		langs(d.Narratives, loc("activity-date", i))
	}
	for i, c := range a.Contacts {
		for _, part := range [][]Narrative{c.Organisation, c.Department, c.PersonName, c.JobTitle} {
			langs(part, loc("contact-info", i))
		}
		for _, m := range c.MailingAddress {
			langs(m, loc("contact-info", i)+"/mailing-address")
		}
	}
	for i, c := range a.RecipientCountries {
		need(c.Code != "", loc("recipient-country", i)+"/@code")
		langs(c.Narratives, loc("recipient-country", i))
	}
	for i, g := range a.RecipientRegions {
		need(g.Code != "", loc("recipient-region", i)+"/@code")
		langs(g.Narratives, loc("recipient-region", i))
	}
	for i, s := range a.Sectors {
		need(s.Code != "", loc("sector", i)+"/@code")
		langs(s.Narratives, loc("sector", i))
	}
	for i, b := range a.Budgets {
		e := loc("budget", i)
		need(b.PeriodStart != "", e+"/period-start")
		date(b.PeriodStart, e+"/period-start")
		need(b.PeriodEnd != "", e+"/period-end")
		date(b.PeriodEnd, e+"/period-end")
		need(b.Value.Currency != "" || a.DefaultCurrency != "", e+"/value/@currency")
		date(b.Value.Date, e+"/value/@value-date")
	}
	for i, t := range a.Transactions {
		e := loc("transaction", i)
		need(t.Type != "", e+"/transaction-type")
		need(t.Date != "", e+"/transaction-date")
		date(t.Date, e+"/transaction-date")
		need(t.Value.Currency != "" || a.DefaultCurrency != "", e+"/value/@currency")
		date(t.Value.Date, e+"/value/@value-date")
		langs(t.Description, e+"/description")
		if t.Provider != nil {
			langs(t.Provider.Name, e+"/provider-org")
		}
		if t.Receiver != nil {
			langs(t.Receiver.Name, e+"/receiver-org")
		}
	}
	for i, d := range a.DocumentLinks {
		e := loc("document-link", i)
		need(d.URL != "", e+"/@url")
		need(d.Format != "", e+"/@format")
		need(len(d.Title) > 0, e+"/title/narrative")
		langs(d.Title, e+"/title")
		langs(d.Description, e+"/description")
		need(len(d.Categories) > 0, e+"/category")
		date(d.Date, e+"/document-date")
	}
	for i, rel := range a.RelatedActivities {
		need(rel.Ref != "", loc("related-activity", i)+"/@ref")
		need(rel.Type != "", loc("related-activity", i)+"/@type")
	}
	return r
}

func isDay(s string) bool { return dayShape.MatchString(s) && partialdate.Validate(s) == nil }

// activity writes the elements in the order of the iati-activity sequence
// in iati-activities-schema.xsd (2.03): iati-identifier, reporting-org,
// title, description, participating-org, activity-status, activity-date,
// contact-info, recipient-country, recipient-region, sector, budget,
// transaction, document-link, related-activity.
func (w *Writer) activity(a *Activity) {
	w.lang = a.Lang
	attrs := []string{}
	if a.LastUpdated != "" {
		attrs = append(attrs, "last-updated-datetime", a.LastUpdated)
	}
	attrs = append(attrs, "xml:lang", a.Lang, "default-currency", a.DefaultCurrency)
	if a.Hierarchy != 0 {
		attrs = append(attrs, "hierarchy", strconv.Itoa(a.Hierarchy))
	}
	w.startTag(1, "iati-activity", false, attrs...)

	w.textElem(2, "iati-identifier", a.Identifier)
	w.withNarratives(2, "reporting-org", a.ReportingOrg.Name, "ref", a.ReportingOrg.Ref, "type", a.ReportingOrg.Type)
	w.withNarratives(2, "title", a.Title)
	for _, d := range a.Descriptions {
		w.withNarratives(2, "description", d.Narratives, "type", d.Type)
	}
	for _, p := range a.ParticipatingOrgs {
		w.withNarratives(2, "participating-org", p.Name, "ref", p.Ref, "type", p.Type, "role", p.Role, "activity-id", p.ActivityID, "crs-channel-code", p.CRSChannelCode)
	}
	w.startTag(2, "activity-status", true, "code", a.Status)
	for _, d := range a.Dates {
		w.withNarratives(2, "activity-date", d.Narratives, "iso-date", d.Date, "type", d.Type)
	}
	for _, c := range a.Contacts {
		w.contact(c)
	}
	for _, c := range a.RecipientCountries {
		w.withNarratives(2, "recipient-country", c.Narratives, "code", c.Code, "percentage", decimalString(c.Percentage))
	}
	for _, r := range a.RecipientRegions {
		w.withNarratives(2, "recipient-region", r.Narratives, "code", r.Code, "vocabulary", r.Vocabulary,
			"vocabulary-uri", anyURI(r.VocabularyURI), "percentage", decimalString(r.Percentage))
	}
	for _, s := range a.Sectors {
		w.withNarratives(2, "sector", s.Narratives, "vocabulary", s.Vocabulary, "vocabulary-uri", anyURI(s.VocabularyURI),
			"code", s.Code, "percentage", decimalString(s.Percentage))
	}
	for _, b := range a.Budgets {
		w.startTag(2, "budget", false, "type", b.Type, "status", b.Status)
		w.startTag(3, "period-start", true, "iso-date", b.PeriodStart)
		w.startTag(3, "period-end", true, "iso-date", b.PeriodEnd)
		w.value(3, b.Value, b.PeriodStart)
		w.endTag(2, "budget")
	}
	for _, t := range a.Transactions {
		w.transaction(t)
	}
	for _, d := range a.DocumentLinks {
		w.documentLink(d)
	}
	for _, r := range a.RelatedActivities {
		w.startTag(2, "related-activity", true, "ref", r.Ref, "type", r.Type)
	}
	w.endTag(1, "iati-activity")
}

func (w *Writer) contact(c ContactInfo) {
	w.startTag(2, "contact-info", false, "type", c.Type)
	// Each of these is textRequiredType: written only with a narrative.
	for _, part := range []struct {
		name string
		ns   []Narrative
	}{{"organisation", c.Organisation}, {"department", c.Department}, {"person-name", c.PersonName}, {"job-title", c.JobTitle}} {
		if len(part.ns) > 0 {
			w.withNarratives(3, part.name, part.ns)
		}
	}
	for _, s := range c.Telephone {
		w.textElem(3, "telephone", s)
	}
	for _, s := range c.Email {
		w.textElem(3, "email", s)
	}
	for _, s := range c.Website {
		w.textElem(3, "website", anyURI(s))
	}
	for _, ns := range c.MailingAddress {
		if len(ns) > 0 {
			w.withNarratives(3, "mailing-address", ns)
		}
	}
	w.endTag(2, "contact-info")
}

// transaction writes transaction-type, transaction-date, value,
// description, provider-org, receiver-org: the schema's order.
func (w *Writer) transaction(t Transaction) {
	w.startTag(2, "transaction", false, "ref", t.Ref)
	w.startTag(3, "transaction-type", true, "code", t.Type)
	w.startTag(3, "transaction-date", true, "iso-date", t.Date)
	w.value(3, t.Value, t.Date)
	if len(t.Description) > 0 {
		w.withNarratives(3, "description", t.Description)
	}
	if o := t.Provider; o != nil {
		w.withNarratives(3, "provider-org", o.Name, "provider-activity-id", o.ActivityID, "type", o.Type, "ref", o.Ref)
	}
	if o := t.Receiver; o != nil {
		w.withNarratives(3, "receiver-org", o.Name, "receiver-activity-id", o.ActivityID, "type", o.Type, "ref", o.Ref)
	}
	w.endTag(2, "transaction")
}

// documentLink writes title, description, category, language,
// document-date: documentLinkBase's order.
func (w *Writer) documentLink(d DocumentLink) {
	w.startTag(2, "document-link", false, "format", d.Format, "url", anyURI(d.URL))
	w.withNarratives(3, "title", d.Title)
	if len(d.Description) > 0 {
		w.withNarratives(3, "description", d.Description)
	}
	for _, c := range d.Categories {
		w.startTag(3, "category", true, "code", c)
	}
	for _, l := range d.Languages {
		w.startTag(3, "language", true, "code", l)
	}
	if d.Date != "" {
		w.startTag(3, "document-date", true, "iso-date", d.Date)
	}
	w.endTag(2, "document-link")
}

// value writes a value; value-date is mandatory in the schema, and
// fallbackDate stands in for a missing one.
func (w *Writer) value(depth int, v Value, fallbackDate string) {
	date := v.Date
	if date == "" {
		date = fallbackDate
	}
	w.startTag(depth, "value", false, "currency", v.Currency, "value-date", date)
	w.escape(v.Amount.String())
	w.raw("</value>")
}

// withNarratives writes an element holding narratives (none: an empty
// element). A narrative's xml:lang is written when it differs from the
// activity's.
func (w *Writer) withNarratives(depth int, name string, ns []Narrative, attrs ...string) {
	if len(ns) == 0 {
		w.startTag(depth, name, true, attrs...)
		return
	}
	w.startTag(depth, name, false, attrs...)
	for _, n := range ns {
		lang := n.Lang
		if lang == w.lang {
			lang = ""
		}
		w.startTag(depth+1, "narrative", false, "xml:lang", lang)
		w.escape(n.Text)
		w.raw("</narrative>")
	}
	w.endTag(depth, name)
}

func (w *Writer) textElem(depth int, name, text string) {
	w.startTag(depth, name, false)
	w.escape(text)
	w.raw("</" + name + ">")
}

// startTag writes <name a="v" ...> on a new line, or <name .../> when
// empty. Attributes with an empty value are left out.
func (w *Writer) startTag(depth int, name string, empty bool, attrs ...string) {
	w.indent(depth)
	w.raw("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] == "" {
			continue
		}
		w.raw(" " + attrs[i] + `="`)
		w.escapeAttr(attrs[i+1])
		w.raw(`"`)
	}
	if empty {
		w.raw("/>")
	} else {
		w.raw(">")
	}
}

func (w *Writer) endTag(depth int, name string) {
	w.indent(depth)
	w.raw("</" + name + ">")
}

const spaces = "\n                "

func (w *Writer) indent(depth int) {
	if 1+2*depth > len(spaces) {
		depth = (len(spaces) - 1) / 2
	}
	w.raw(spaces[:1+2*depth])
}

func (w *Writer) raw(s string) {
	if w.err == nil {
		_, w.err = w.b.WriteString(s)
	}
}

// escape writes s as character data: &, < and > (and a carriage return,
// which a parser would otherwise fold away) as references; characters XML
// forbids become U+FFFD.
func (w *Writer) escape(s string) { w.escapeWith(s, textEscaper) }

// escapeAttr writes s as an attribute value: also quotes, tabs and line
// ends, which a parser would otherwise normalise to spaces.
func (w *Writer) escapeAttr(s string) { w.escapeWith(s, attrEscaper) }

var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;",
		`"`, "&quot;", "\t", "&#x9;", "\n", "&#xA;")
)

func (w *Writer) escapeWith(s string, r *strings.Replacer) {
	if w.err != nil {
		return
	}
	if !validXML(s) {
		s = strings.Map(func(c rune) rune {
			if isXMLChar(c) {
				return c
			}
			return '\uFFFD'
		}, s)
	}
	_, w.err = r.WriteString(w.b, s)
}

// validXML reports whether s is UTF-8 of XML characters only (strings.Map
// turns bytes that are not UTF-8 into U+FFFD).
func validXML(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if !isXMLChar(c) {
			return false
		}
	}
	return true
}

// isXMLChar reports the characters XML 1.0 allows (production [2] Char).
func isXMLChar(c rune) bool {
	return c == 0x09 || c == 0x0A || c == 0x0D ||
		c >= 0x20 && c <= 0xD7FF ||
		c >= 0xE000 && c <= 0xFFFD ||
		c >= 0x10000 && c <= 0x10FFFF
}

// anyURI makes a URL acceptable as xsd:anyURI to schema validators
// (libxml2 checks RFC 2396): a "%" that starts no escape becomes "%25", and
// "[" and "]" outside the host become "%5B" and "%5D". Both spellings name
// the same resource; a URL that needs neither is written as it is.
func anyURI(s string) string {
	if !strings.ContainsAny(s, "%[]") {
		return s
	}
	hostEnd := 0
	if i := strings.Index(s, "://"); i >= 0 {
		hostEnd = i + 3
		if j := strings.IndexAny(s[hostEnd:], "/?#"); j >= 0 {
			hostEnd += j
		} else {
			hostEnd = len(s)
		}
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%' && !(i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])):
			b.WriteString("%25")
		case c == '[' && i >= hostEnd:
			b.WriteString("%5B")
		case c == ']' && i >= hostEnd:
			b.WriteString("%5D")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func decimalString(d *money.Decimal) string {
	if d == nil {
		return ""
	}
	return d.String()
}
