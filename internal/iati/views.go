package iati

import (
	"strings"

	"github.com/aidregistry/registry/internal/money"
)

// The views below read element families the registry keeps but has no
// table for, straight from the activity element a programme holds, for
// GraphQL. Texts are a narrative in the activity's language, else the
// first.

// OtherIdentifier is an identifier the activity is also known by.
type OtherIdentifier struct {
	Ref               string
	Type              string // OtherIdentifierType code: A1 reporting org's, B1 previous activity identifier...
	OwnerOrganisation *OrgRef
}

// OrgRef names an organisation as an element gives it.
type OrgRef struct {
	Ref, Type, Name string
}

// PlannedDisbursement is money the activity plans to disburse in a period.
type PlannedDisbursement struct {
	Type, PeriodStart, PeriodEnd string
	Value                        *money.Money
	ValueDate                    string
	Provider, Receiver           *OrgRef
}

// DocumentLinkView is a document about the activity.
type DocumentLinkView struct {
	URL, Format, Title, Description, Date string
	Categories, Languages                 []string
}

// Tag is a publisher's tag on the activity (an SDG goal or target, a
// keyword).
type Tag struct {
	Vocabulary, VocabularyURI, Code, Name string
}

// ResultView is one result with its indicators.
type ResultView struct {
	Type, Title, Description string
	AggregationStatus        string
	Indicators               []IndicatorView
}

// IndicatorView is one indicator of a result: its baselines and its
// periods with targets and actuals, as published.
type IndicatorView struct {
	Measure, Ascending, Title string
	Baselines                 []Measurement
	Periods                   []PeriodView
}

// Measurement is a baseline, target or actual: its value as written, and
// the year or date and comment where given.
type Measurement struct {
	Value, Year, Date, Comment string
}

// PeriodView is one reporting period of an indicator.
type PeriodView struct {
	Start, End       string
	Targets, Actuals []Measurement
}

// activity returns the activity element of a programme's held elements.
func activity(held []*Element) *Element {
	for _, e := range held {
		if e.Space == "" && e.Name == "iati-activity" {
			return e
		}
	}
	return nil
}

// viewOf reads each element named name of a programme's activity with
// view, given the activity's language.
func viewOf[T any](held []*Element, name string, view func(e *Element, lang string) T) []T {
	a := activity(held)
	if a == nil {
		return nil
	}
	var out []T
	for _, e := range a.All(name) {
		out = append(out, view(e, a.Lang()))
	}
	return out
}

func (e *Element) text(lang string) string {
	if e == nil {
		return ""
	}
	return pickText(e.Narratives(lang), lang)
}

func (e *Element) childAttr(child, attr string) string {
	if c := e.First(child); c != nil {
		return strings.TrimSpace(c.Attr(attr))
	}
	return ""
}

func orgRef(e *Element, lang string) *OrgRef {
	if e == nil {
		return nil
	}
	return &OrgRef{Ref: strings.TrimSpace(e.Attr("ref")), Type: strings.TrimSpace(e.Attr("type")), Name: e.text(lang)}
}

// OtherIdentifiers lists the activity's other-identifiers.
func OtherIdentifiers(held []*Element) []OtherIdentifier {
	return viewOf(held, "other-identifier", func(e *Element, lang string) OtherIdentifier {
		return OtherIdentifier{Ref: strings.TrimSpace(e.Attr("ref")), Type: strings.TrimSpace(e.Attr("type")),
			OwnerOrganisation: orgRef(e.First("owner-org"), lang)}
	})
}

// PlannedDisbursements lists the activity's planned-disbursements.
func PlannedDisbursements(held []*Element) []PlannedDisbursement {
	defaultCurrency := ""
	if a := activity(held); a != nil {
		defaultCurrency = a.Attr("default-currency")
	}
	return viewOf(held, "planned-disbursement", func(e *Element, lang string) PlannedDisbursement {
		p := PlannedDisbursement{
			Type:        strings.TrimSpace(e.Attr("type")),
			PeriodStart: e.childAttr("period-start", "iso-date"),
			PeriodEnd:   e.childAttr("period-end", "iso-date"),
			Provider:    orgRef(e.First("provider-org"), lang),
			Receiver:    orgRef(e.First("receiver-org"), lang),
		}
		if v := e.First("value"); v != nil {
			p.ValueDate = strings.TrimSpace(v.Attr("value-date"))
			currency := strings.ToUpper(strings.TrimSpace(first(v.Attr("currency"), defaultCurrency)))
			if amount, err := money.Parse(strings.TrimSpace(v.Text)); err == nil && currency != "" {
				p.Value = &money.Money{Amount: amount, Currency: currency}
			}
		}
		return p
	})
}

// DocumentLinks lists the activity's document-links.
func DocumentLinks(held []*Element) []DocumentLinkView {
	return viewOf(held, "document-link", func(e *Element, lang string) DocumentLinkView {
		d := DocumentLinkView{
			URL: strings.TrimSpace(e.Attr("url")), Format: strings.TrimSpace(e.Attr("format")),
			Title: e.First("title").text(lang), Description: e.First("description").text(lang),
			Date: e.childAttr("document-date", "iso-date"),
		}
		for _, c := range e.All("category") {
			d.Categories = append(d.Categories, strings.TrimSpace(c.Attr("code")))
		}
		for _, l := range e.All("language") {
			d.Languages = append(d.Languages, strings.TrimSpace(l.Attr("code")))
		}
		return d
	})
}

// Tags lists the activity's tags.
func Tags(held []*Element) []Tag {
	return viewOf(held, "tag", func(e *Element, lang string) Tag {
		return Tag{Vocabulary: strings.TrimSpace(e.Attr("vocabulary")),
			VocabularyURI: strings.TrimSpace(e.Attr("vocabulary-uri")),
			Code:          strings.TrimSpace(e.Attr("code")), Name: e.text(lang)}
	})
}

// Results lists the activity's results as published, with indicators,
// baselines and periods.
func Results(held []*Element) []ResultView {
	return viewOf(held, "result", resultView)
}

func resultView(r *Element, lang string) ResultView {
	measure := func(e *Element) Measurement {
		return Measurement{Value: strings.TrimSpace(e.Attr("value")), Year: strings.TrimSpace(e.Attr("year")),
			Date: strings.TrimSpace(e.Attr("iso-date")), Comment: e.First("comment").text(lang)}
	}
	rv := ResultView{Type: strings.TrimSpace(r.Attr("type")), AggregationStatus: strings.TrimSpace(r.Attr("aggregation-status")),
		Title: r.First("title").text(lang), Description: r.First("description").text(lang)}
	for _, in := range r.All("indicator") {
		iv := IndicatorView{Measure: strings.TrimSpace(in.Attr("measure")), Ascending: strings.TrimSpace(in.Attr("ascending")),
			Title: in.First("title").text(lang)}
		for _, b := range in.All("baseline") {
			iv.Baselines = append(iv.Baselines, measure(b))
		}
		for _, p := range in.All("period") {
			pv := PeriodView{Start: p.childAttr("period-start", "iso-date"), End: p.childAttr("period-end", "iso-date")}
			for _, t := range p.All("target") {
				pv.Targets = append(pv.Targets, measure(t))
			}
			for _, t := range p.All("actual") {
				pv.Actuals = append(pv.Actuals, measure(t))
			}
			iv.Periods = append(iv.Periods, pv)
		}
		rv.Indicators = append(rv.Indicators, iv)
	}
	return rv
}
