package iati

import (
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/aidregistry/registry/internal/money"
)

// Reader reads the activities of an IATI activity file one at a time.
type Reader struct {
	s *stream
}

// NewReader reads an iati-activities document from r. Nothing is read until
// the first Next.
func NewReader(r io.Reader) *Reader {
	return &Reader{s: newStream(r, "iati-activities", "iati-activity")}
}

// Next returns the next activity, or io.EOF after the last one. An error
// other than io.EOF means the file cannot be read further (it is not XML,
// is cut short, or is not an IATI 2.x activity file); it names the line.
// Problems with one element of an activity are not errors: they are listed
// in the activity's Problems.
func (r *Reader) Next() (*Activity, error) {
	start, err := r.s.next()
	if err != nil {
		return nil, err
	}
	toks, err := r.s.record(start)
	if err != nil {
		return nil, err
	}
	var raw rawActivity
	dec := xml.NewTokenDecoder(&tokenSlice{toks: toks})
	if err := r.s.decode(dec, &raw, nil); err != nil {
		return nil, err
	}
	a := raw.activity(r.s.lang)
	a.Element = buildElement(toks)
	return a, nil
}

// Version is the file's IATI version attribute as written, known after the
// first call to Next.
func (r *Reader) Version() string { return r.s.version }

// Line is the line on which the activity Next last returned starts.
func (r *Reader) Line() int { return r.s.line }

// Lang is the file's xml:lang (on iati-activities), known after the first
// call to Next; activities without their own take it as their Lang.
func (r *Reader) Lang() string { return r.s.lang }

// The raw* types mirror the XML for encoding/xml; activity() turns them
// into an Activity, checking every value.

type rawNarrative struct {
	Lang string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Text string `xml:",chardata"`
}

// rawText is any element whose text is narratives.
type rawText struct {
	Lang       string         `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Narratives []rawNarrative `xml:"narrative"`
}

type rawOrg struct {
	rawText
	Ref                string `xml:"ref,attr"`
	Type               string `xml:"type,attr"`
	Role               string `xml:"role,attr"`
	ActivityID         string `xml:"activity-id,attr"`
	ProviderActivityID string `xml:"provider-activity-id,attr"`
	ReceiverActivityID string `xml:"receiver-activity-id,attr"`
	CRSChannelCode     string `xml:"crs-channel-code,attr"`
}

type rawCode struct {
	Code string `xml:"code,attr"`
}

type rawDate struct {
	IsoDate string `xml:"iso-date,attr"`
}

type rawValue struct {
	Currency  string `xml:"currency,attr"`
	ValueDate string `xml:"value-date,attr"`
	Text      string `xml:",chardata"`
}

type rawDescription struct {
	rawText
	Type string `xml:"type,attr"`
}

type rawActivityDate struct {
	rawText
	Type    string `xml:"type,attr"`
	IsoDate string `xml:"iso-date,attr"`
}

// rawCoded is recipient-country, recipient-region and sector.
type rawCoded struct {
	rawText
	Code          string `xml:"code,attr"`
	Vocabulary    string `xml:"vocabulary,attr"`
	VocabularyURI string `xml:"vocabulary-uri,attr"`
	Percentage    string `xml:"percentage,attr"`
}

type rawContact struct {
	Lang           string    `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Type           string    `xml:"type,attr"`
	Organisation   []rawText `xml:"organisation"`
	Department     []rawText `xml:"department"`
	PersonName     []rawText `xml:"person-name"`
	JobTitle       []rawText `xml:"job-title"`
	Telephone      []string  `xml:"telephone"`
	Email          []string  `xml:"email"`
	Website        []string  `xml:"website"`
	MailingAddress []rawText `xml:"mailing-address"`
}

type rawBudget struct {
	Type        string     `xml:"type,attr"`
	Status      string     `xml:"status,attr"`
	PeriodStart []rawDate  `xml:"period-start"`
	PeriodEnd   []rawDate  `xml:"period-end"`
	Value       []rawValue `xml:"value"`
}

type rawTransaction struct {
	Lang            string     `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Ref             string     `xml:"ref,attr"`
	TransactionType []rawCode  `xml:"transaction-type"`
	TransactionDate []rawDate  `xml:"transaction-date"`
	Value           []rawValue `xml:"value"`
	Description     []rawText  `xml:"description"`
	ProviderOrg     []rawOrg   `xml:"provider-org"`
	ReceiverOrg     []rawOrg   `xml:"receiver-org"`
}

type rawDocumentLink struct {
	Lang         string    `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	URL          string    `xml:"url,attr"`
	Format       string    `xml:"format,attr"`
	Title        []rawText `xml:"title"`
	Description  []rawText `xml:"description"`
	Category     []rawCode `xml:"category"`
	Language     []rawCode `xml:"language"`
	DocumentDate []rawDate `xml:"document-date"`
}

type rawRelated struct {
	Ref  string `xml:"ref,attr"`
	Type string `xml:"type,attr"`
}

type rawActivity struct {
	Lang             string            `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	DefaultCurrency  string            `xml:"default-currency,attr"`
	LastUpdated      string            `xml:"last-updated-datetime,attr"`
	Hierarchy        string            `xml:"hierarchy,attr"`
	Identifier       []string          `xml:"iati-identifier"`
	ReportingOrg     []rawOrg          `xml:"reporting-org"`
	Title            []rawText         `xml:"title"`
	Description      []rawDescription  `xml:"description"`
	ParticipatingOrg []rawOrg          `xml:"participating-org"`
	ActivityStatus   []rawCode         `xml:"activity-status"`
	ActivityDate     []rawActivityDate `xml:"activity-date"`
	ContactInfo      []rawContact      `xml:"contact-info"`
	RecipientCountry []rawCoded        `xml:"recipient-country"`
	RecipientRegion  []rawCoded        `xml:"recipient-region"`
	Sector           []rawCoded        `xml:"sector"`
	Budget           []rawBudget       `xml:"budget"`
	Transaction      []rawTransaction  `xml:"transaction"`
	DocumentLink     []rawDocumentLink `xml:"document-link"`
	RelatedActivity  []rawRelated      `xml:"related-activity"`
}

// conv collects the problems of one activity while converting it.
type conv struct {
	problems []Problem
}

func (c *conv) problem(elem, format string, args ...any) {
	c.problems = append(c.problems, Problem{Element: elem, Reason: fmt.Sprintf(format, args...)})
}

func loc(name string, i int) string { return fmt.Sprintf("%s[%d]", name, i+1) }

func first(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// langPattern is xs:language, the type of xml:lang.
var langPattern = regexp.MustCompile(`^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$`)

// lang checks an xml:lang, dropping one that is not a language code (the
// narratives then take the enclosing element's).
func (c *conv) lang(elem, s string) string {
	s = strings.TrimSpace(s)
	if s == "" || langPattern.MatchString(s) {
		return s
	}
	c.problem(elem, "xml:lang %q is not a language code; dropped", s)
	return ""
}

// narratives resolves the language of each narrative of t: its own
// xml:lang, else t's, else inherited (the enclosing elements').
func (c *conv) narratives(elem string, t rawText, inherited string) []Narrative {
	lang := first(c.lang(elem, t.Lang), inherited)
	var out []Narrative
	for _, n := range t.Narratives {
		text := strings.TrimSpace(n.Text)
		if text == "" {
			continue
		}
		out = append(out, Narrative{Lang: first(c.lang(elem, n.Lang), lang), Text: text})
	}
	return out
}

func (c *conv) allNarratives(elem string, ts []rawText, inherited string) []Narrative {
	var out []Narrative
	for _, t := range ts {
		out = append(out, c.narratives(elem, t, inherited)...)
	}
	return out
}

// orgType checks an optional OrganisationType code, dropping an unknown one.
func (c *conv) orgType(elem, code string) string {
	return c.optionalCode(elem, "type", code, organisationTypes)
}

// optionalCode checks an optional qualifier code, dropping an unknown one.
func (c *conv) optionalCode(elem, attr, code string, list codelist) string {
	code = strings.TrimSpace(code)
	if code == "" || list.has(code) {
		return code
	}
	c.problem(elem, "%s %q is not in the IATI %s codelist (%s); %s dropped", attr, code, list.name, list.list(), attr)
	return ""
}

// requiredCode checks the code that defines an element; false skips it.
func (c *conv) requiredCode(elem, attr, code string, list codelist) (string, bool) {
	code = strings.TrimSpace(code)
	if code == "" {
		c.problem(elem, "no %s; skipped", attr)
		return "", false
	}
	if !list.has(code) {
		c.problem(elem, "%s %q is not in the IATI %s codelist (%s); skipped", attr, code, list.name, list.list())
		return "", false
	}
	return code, true
}

// percentage checks an optional percentage, dropping a bad one.
func (c *conv) percentage(elem, s string) *money.Decimal {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	d, err := parsePercentage(s)
	if err != nil {
		c.problem(elem, "percentage %v; percentage dropped", err)
		return nil
	}
	return d
}

// value converts the single value of a budget or transaction; false skips
// the element.
func (c *conv) value(elem string, vs []rawValue, defaultCurrency string) (Value, bool) {
	if len(vs) == 0 || strings.TrimSpace(vs[0].Text) == "" {
		c.problem(elem, "no value; skipped")
		return Value{}, false
	}
	rv := vs[0]
	amount, err := parseDecimal(rv.Text)
	if err != nil {
		c.problem(elem, "value %v; skipped", err)
		return Value{}, false
	}
	v := Value{Amount: amount, Currency: defaultCurrency}
	if strings.TrimSpace(rv.Currency) != "" {
		cur, err := parseCurrency(rv.Currency)
		if err != nil {
			c.problem(elem, "value %v; skipped", err)
			return Value{}, false
		}
		v.Currency = cur
	}
	if v.Currency == "" {
		c.problem(elem, "value has no currency and the activity no default-currency; skipped")
		return Value{}, false
	}
	if strings.TrimSpace(rv.ValueDate) != "" {
		d, err := parseDate(rv.ValueDate)
		if err != nil {
			c.problem(elem, "value-date %v; value-date dropped", err)
		} else {
			v.Date = d
		}
	}
	return v, true
}

// date converts the iso-date of a required date element; false skips the
// element it belongs to.
func (c *conv) date(elem, what string, ds []rawDate) (string, bool) {
	if len(ds) == 0 || strings.TrimSpace(ds[0].IsoDate) == "" {
		c.problem(elem, "no %s; skipped", what)
		return "", false
	}
	d, err := parseDate(ds[0].IsoDate)
	if err != nil {
		c.problem(elem, "%s %v; skipped", what, err)
		return "", false
	}
	return d, true
}

func (raw *rawActivity) activity(fileLang string) *Activity {
	c := &conv{}
	a := &Activity{Lang: first(c.lang("iati-activity", raw.Lang), c.lang("iati-activities", fileLang))}
	lang := a.Lang

	for _, id := range raw.Identifier {
		if a.Identifier = strings.TrimSpace(id); a.Identifier != "" {
			break
		}
	}
	if a.Identifier == "" {
		c.problem("iati-identifier", "missing: the activity cannot be keyed")
	}
	if s := strings.TrimSpace(raw.DefaultCurrency); s != "" {
		cur, err := parseCurrency(s)
		if err != nil {
			c.problem("default-currency", "%v; dropped (values without a currency of their own are skipped)", err)
		}
		a.DefaultCurrency = cur
	}
	if s := strings.TrimSpace(raw.LastUpdated); s != "" {
		t, err := parseDateTime(s)
		if err != nil {
			c.problem("last-updated-datetime", "%v; dropped", err)
		}
		a.LastUpdated = t
	}
	if s := strings.TrimSpace(raw.Hierarchy); s != "" {
		h, err := strconv.Atoi(s)
		if err != nil {
			c.problem("hierarchy", "%q is not an integer; dropped", s)
		}
		a.Hierarchy = h
	}

	if len(raw.ReportingOrg) > 0 {
		ro := raw.ReportingOrg[0]
		a.ReportingOrg = ReportingOrg{
			Ref:  strings.TrimSpace(ro.Ref),
			Type: c.orgType("reporting-org", ro.Type),
			Name: c.narratives("reporting-org", ro.rawText, lang),
		}
	}
	a.Title = c.allNarratives("title", raw.Title, lang)

	for i, d := range raw.Description {
		elem := loc("description", i)
		ns := c.narratives(elem, d.rawText, lang)
		if len(ns) == 0 {
			c.problem(elem, "no narrative; skipped")
			continue
		}
		a.Descriptions = append(a.Descriptions, Description{
			Type:       c.optionalCode(elem, "type", d.Type, descriptionTypes),
			Narratives: ns,
		})
	}

	for i, o := range raw.ParticipatingOrg {
		elem := loc("participating-org", i)
		role, ok := c.requiredCode(elem, "role", o.Role, organisationRoles)
		if !ok {
			continue
		}
		p := ParticipatingOrg{
			Elem:           i,
			CRSChannelCode: strings.TrimSpace(o.CRSChannelCode),
			Ref:            strings.TrimSpace(o.Ref),
			Role:           role,
			ActivityID:     strings.TrimSpace(o.ActivityID),
			Name:           c.narratives(elem, o.rawText, lang),
		}
		if p.Ref == "" && len(p.Name) == 0 {
			c.problem(elem, "names no organisation (no ref, no narrative); skipped")
			continue
		}
		p.Type = c.orgType(elem, o.Type)
		a.ParticipatingOrgs = append(a.ParticipatingOrgs, p)
	}

	for i, s := range raw.ActivityStatus {
		elem := "activity-status"
		if len(raw.ActivityStatus) > 1 {
			elem = loc(elem, i)
		}
		if a.Status != "" {
			c.problem(elem, "an activity has one activity-status; this one ignored")
			continue
		}
		if code, ok := c.requiredCode(elem, "code", s.Code, activityStatuses); ok {
			a.Status = code
		}
	}

	for i, d := range raw.ActivityDate {
		elem := loc("activity-date", i)
		typ, ok := c.requiredCode(elem, "type", d.Type, activityDateTypes)
		if !ok {
			continue
		}
		date, ok := c.date(elem, "iso-date", []rawDate{{IsoDate: d.IsoDate}})
		if !ok {
			continue
		}
		a.Dates = append(a.Dates, ActivityDate{Type: typ, Date: date, Narratives: c.narratives(elem, d.rawText, lang)})
	}

	for i, ci := range raw.ContactInfo {
		elem := loc("contact-info", i)
		l := first(c.lang(elem, ci.Lang), lang)
		ct := ContactInfo{
			Elem:         i,
			Type:         strings.TrimSpace(ci.Type),
			Organisation: c.allNarratives(elem, ci.Organisation, l),
			Department:   c.allNarratives(elem, ci.Department, l),
			PersonName:   c.allNarratives(elem, ci.PersonName, l),
			JobTitle:     c.allNarratives(elem, ci.JobTitle, l),
			Telephone:    trimAll(ci.Telephone),
			Email:        trimAll(ci.Email),
			Website:      trimAll(ci.Website),
		}
		for _, m := range ci.MailingAddress {
			if ns := c.narratives(elem, m, l); len(ns) > 0 {
				ct.MailingAddress = append(ct.MailingAddress, ns)
			}
		}
		a.Contacts = append(a.Contacts, ct)
	}

	for i, rc := range raw.RecipientCountry {
		elem := loc("recipient-country", i)
		code := strings.ToUpper(strings.TrimSpace(rc.Code))
		if code == "" {
			c.problem(elem, "no code; skipped")
			continue
		}
		if !isoCountries[code] {
			c.problem(elem, "code %q is not an ISO 3166-1 alpha-2 country; skipped", strings.TrimSpace(rc.Code))
			continue
		}
		a.RecipientCountries = append(a.RecipientCountries, RecipientCountry{
			Elem:       i,
			Code:       code,
			Percentage: c.percentage(elem, rc.Percentage),
			Narratives: c.narratives(elem, rc.rawText, lang),
		})
	}

	for i, rr := range raw.RecipientRegion {
		elem := loc("recipient-region", i)
		code := strings.TrimSpace(rr.Code)
		if code == "" {
			c.problem(elem, "no code; skipped")
			continue
		}
		a.RecipientRegions = append(a.RecipientRegions, RecipientRegion{
			Code:          code,
			Vocabulary:    strings.TrimSpace(rr.Vocabulary),
			VocabularyURI: strings.TrimSpace(rr.VocabularyURI),
			Percentage:    c.percentage(elem, rr.Percentage),
			Narratives:    c.narratives(elem, rr.rawText, lang),
		})
	}

	for i, s := range raw.Sector {
		elem := loc("sector", i)
		code := strings.TrimSpace(s.Code)
		if code == "" {
			c.problem(elem, "no code; skipped")
			continue
		}
		a.Sectors = append(a.Sectors, Sector{
			Code:          code,
			Vocabulary:    strings.TrimSpace(s.Vocabulary),
			VocabularyURI: strings.TrimSpace(s.VocabularyURI),
			Percentage:    c.percentage(elem, s.Percentage),
			Narratives:    c.narratives(elem, s.rawText, lang),
		})
	}

	for i, b := range raw.Budget {
		elem := loc("budget", i)
		start, ok := c.date(elem, "period-start", b.PeriodStart)
		if !ok {
			continue
		}
		end, ok := c.date(elem, "period-end", b.PeriodEnd)
		if !ok {
			continue
		}
		v, ok := c.value(elem, b.Value, a.DefaultCurrency)
		if !ok {
			continue
		}
		a.Budgets = append(a.Budgets, Budget{
			Type:        c.optionalCode(elem, "type", b.Type, budgetTypes),
			Status:      c.optionalCode(elem, "status", b.Status, budgetStatuses),
			PeriodStart: start,
			PeriodEnd:   end,
			Value:       v,
		})
	}

	for i, t := range raw.Transaction {
		elem := loc("transaction", i)
		l := first(c.lang(elem, t.Lang), lang)
		code := ""
		if len(t.TransactionType) > 0 {
			code = t.TransactionType[0].Code
		}
		typ, ok := c.requiredCode(elem, "transaction-type", code, transactionTypes)
		if !ok {
			continue
		}
		date, ok := c.date(elem, "transaction-date", t.TransactionDate)
		if !ok {
			continue
		}
		v, ok := c.value(elem, t.Value, a.DefaultCurrency)
		if !ok {
			continue
		}
		tr := Transaction{
			Elem:        i,
			Ref:         strings.TrimSpace(t.Ref),
			Type:        typ,
			Date:        date,
			Value:       v,
			Description: c.allNarratives(elem, t.Description, l),
		}
		if len(t.ProviderOrg) > 0 {
			o := t.ProviderOrg[0]
			tr.Provider = c.transactionOrg(elem+"/provider-org", o, o.ProviderActivityID, l)
		}
		if len(t.ReceiverOrg) > 0 {
			o := t.ReceiverOrg[0]
			tr.Receiver = c.transactionOrg(elem+"/receiver-org", o, o.ReceiverActivityID, l)
		}
		a.Transactions = append(a.Transactions, tr)
	}

	for i, d := range raw.DocumentLink {
		elem := loc("document-link", i)
		l := first(c.lang(elem, d.Lang), lang)
		dl := DocumentLink{
			URL:         strings.TrimSpace(d.URL),
			Format:      strings.TrimSpace(d.Format),
			Title:       c.allNarratives(elem, d.Title, l),
			Description: c.allNarratives(elem, d.Description, l),
		}
		if dl.URL == "" {
			c.problem(elem, "no url; skipped")
			continue
		}
		for _, cat := range d.Category {
			if s := strings.TrimSpace(cat.Code); s != "" {
				dl.Categories = append(dl.Categories, s)
			}
		}
		for _, lg := range d.Language {
			if s := strings.TrimSpace(lg.Code); s != "" {
				dl.Languages = append(dl.Languages, s)
			}
		}
		if len(d.DocumentDate) > 0 && strings.TrimSpace(d.DocumentDate[0].IsoDate) != "" {
			date, err := parseDate(d.DocumentDate[0].IsoDate)
			if err != nil {
				c.problem(elem, "document-date %v; document-date dropped", err)
			}
			dl.Date = date
		}
		a.DocumentLinks = append(a.DocumentLinks, dl)
	}

	for i, r := range raw.RelatedActivity {
		elem := loc("related-activity", i)
		ref := strings.TrimSpace(r.Ref)
		if ref == "" {
			c.problem(elem, "no ref; skipped")
			continue
		}
		typ, ok := c.requiredCode(elem, "type", r.Type, relatedActivityTypes)
		if !ok {
			continue
		}
		a.RelatedActivities = append(a.RelatedActivities, RelatedActivity{Ref: ref, Type: typ})
	}

	a.Problems = c.problems
	return a
}

func (c *conv) transactionOrg(elem string, o rawOrg, activityID, lang string) *TransactionOrg {
	t := &TransactionOrg{
		Ref:        strings.TrimSpace(o.Ref),
		ActivityID: strings.TrimSpace(activityID),
		Name:       c.narratives(elem, o.rawText, lang),
		Type:       c.orgType(elem, o.Type),
	}
	if t.Ref == "" && t.ActivityID == "" && t.Type == "" && len(t.Name) == 0 {
		return nil
	}
	return t
}

func trimAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
