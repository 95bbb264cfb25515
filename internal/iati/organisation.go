package iati

import (
	"io"
	"strings"
)

// Organisation is one iati-organisation of an organisation file: what the
// registry imports of it.
type Organisation struct {
	// Identifier is the organisation-identifier (iatiRef in the registry).
	Identifier string
	// Lang is the organisation's default language (its xml:lang, else the
	// file's).
	Lang            string
	DefaultCurrency string
	LastUpdated     string
	Name            []Narrative
	// ReportingOrg is the publisher. Its Type is the organisation's own
	// OrganisationType when its Ref is the Identifier (an organisation
	// reporting on itself); see Type.
	ReportingOrg ReportingOrg
	Problems     []Problem
}

// Type returns the organisation's OrganisationType code: the reporting-org
// type when the organisation reports on itself; "" otherwise (a file
// published by another organisation says nothing of this one's type).
func (o *Organisation) Type() string {
	if o.ReportingOrg.Ref != "" && o.ReportingOrg.Ref == o.Identifier {
		return o.ReportingOrg.Type
	}
	return ""
}

// OrganisationReader reads the organisations of an IATI organisation file
// (iati-organisations) one at a time.
type OrganisationReader struct {
	s *stream
}

// NewOrganisationReader reads an iati-organisations document from r.
func NewOrganisationReader(r io.Reader) *OrganisationReader {
	return &OrganisationReader{s: newStream(r, "iati-organisations", "iati-organisation")}
}

// Next returns the next organisation, or io.EOF after the last one; errors
// are as for Reader.Next.
func (r *OrganisationReader) Next() (*Organisation, error) {
	start, err := r.s.next()
	if err != nil {
		return nil, err
	}
	var raw rawOrganisation
	if err := r.s.decode(r.s.dec, &raw, start); err != nil {
		return nil, err
	}
	return raw.organisation(r.s.lang), nil
}

// Version is the file's IATI version attribute, known after the first Next.
func (r *OrganisationReader) Version() string { return r.s.version }

// Line is the line on which the organisation Next last returned starts.
func (r *OrganisationReader) Line() int { return r.s.line }

type rawOrganisation struct {
	Lang            string    `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	DefaultCurrency string    `xml:"default-currency,attr"`
	LastUpdated     string    `xml:"last-updated-datetime,attr"`
	Identifier      []string  `xml:"organisation-identifier"`
	OldIdentifier   []string  `xml:"iati-identifier"` // before 2.02 some publishers kept 1.x's name
	Name            []rawText `xml:"name"`
	ReportingOrg    []rawOrg  `xml:"reporting-org"`
}

func (raw *rawOrganisation) organisation(fileLang string) *Organisation {
	c := &conv{}
	o := &Organisation{Lang: first(c.lang("iati-organisation", raw.Lang), c.lang("iati-organisations", fileLang))}
	o.Identifier = first(append(raw.Identifier, raw.OldIdentifier...)...)
	if o.Identifier == "" {
		c.problem("organisation-identifier", "missing: the organisation cannot be keyed")
	}
	if s := strings.TrimSpace(raw.DefaultCurrency); s != "" {
		cur, err := parseCurrency(s)
		if err != nil {
			c.problem("default-currency", "%v; dropped", err)
		}
		o.DefaultCurrency = cur
	}
	if s := strings.TrimSpace(raw.LastUpdated); s != "" {
		t, err := parseDateTime(s)
		if err != nil {
			c.problem("last-updated-datetime", "%v; dropped", err)
		}
		o.LastUpdated = t
	}
	o.Name = c.allNarratives("name", raw.Name, o.Lang)
	if len(o.Name) == 0 {
		c.problem("name", "no narrative: the organisation has no name")
	}
	if len(raw.ReportingOrg) > 0 {
		ro := raw.ReportingOrg[0]
		o.ReportingOrg = ReportingOrg{
			Ref:  strings.TrimSpace(ro.Ref),
			Type: c.orgType("reporting-org", ro.Type),
			Name: c.narratives("reporting-org", ro.rawText, o.Lang),
		}
	}
	o.Problems = c.problems
	return o
}
