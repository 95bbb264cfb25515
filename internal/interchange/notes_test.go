package interchange_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/interchange"
	"github.com/aidregistry/registry/internal/store"
)

// TestQualityNoteCodes: each departure from the rules is kept as the
// publisher published it and noted on the record, with its code and the
// element, and counted in the summary.
func TestQualityNoteCodes(t *testing.T) {
	activity := func(body string) string {
		return `<iati-activities version="2.03"><iati-activity default-currency="USD">
			<iati-identifier>XX-NOTES</iati-identifier><title><narrative>Notes</narrative></title>` + body +
			`</iati-activity></iati-activities>`
	}
	tx := func(typ, value string) string {
		return `<transaction><transaction-type code="` + typ + `"/><transaction-date iso-date="2020-01-01"/>
			<value value-date="2020-01-01">` + value + `</value></transaction>`
	}
	for _, tt := range []struct {
		code, element, body string
		onFunding           bool
	}{
		{iati.NoteNegativeValue, "transaction[1]/value", tx("1", "-250.00"), true},
		{iati.NoteExcessDecimals, "transaction[1]/value", tx("11", "133655.048"), true},
		{iati.NoteSharesNot100, "recipient-country",
			`<recipient-country code="ML" percentage="60"/><recipient-country code="SN" percentage="60"/>`, false},
		{iati.NoteSectorsNot100, "sector vocabulary 1",
			`<sector vocabulary="1" code="12220" percentage="50"/><sector vocabulary="1" code="12110" percentage="20"/>`, false},
		{iati.NoteSectorsNot100, "transaction[1]/sector vocabulary 1",
			`<transaction><transaction-type code="3"/><transaction-date iso-date="2020-01-01"/><value value-date="2020-01-01">5</value>
			<sector vocabulary="1" code="12220" percentage="40"/></transaction>`, true},
		{iati.NoteEndBeforeStart, "activity-date",
			`<activity-date iso-date="2014-01-01" type="2"/><activity-date iso-date="2013-06-30" type="4"/>`, false},
		{iati.NoteBudgetNotTotalled, "budget",
			`<budget><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/><value value-date="2020-01-01">10</value></budget>
			<budget><period-start iso-date="2021-01-01"/><period-end iso-date="2021-12-31"/><value currency="EUR" value-date="2021-01-01">10</value></budget>`, false},
		{iati.NoteInvalidElement, "participating-org[1]", `<participating-org ref="XX-ORG" role="9"><narrative>Bad role</narrative></participating-org>`, false},
	} {
		t.Run(tt.code+" "+tt.element, func(t *testing.T) {
			each(t, func(t *testing.T, st *store.Store) {
				c := st.Client
				sum := importString(t, c, activity(tt.body))
				if i := slices.IndexFunc(sum.QualityNotes, func(n interchange.NoteCount) bool { return n.Code == tt.code }); i < 0 {
					t.Errorf("summary counts %v, want %s", sum.QualityNotes, tt.code)
				}
				p := loadProgramme(t, c, "XX-NOTES")
				notes := p.QualityNotes
				if tt.onFunding {
					fs := p.Edges.Fundings
					if len(fs) != 1 {
						t.Fatalf("%d fundings, want the transaction kept as one", len(fs))
					}
					notes = fs[0].QualityNotes
					if !fs[0].HasQualityNotes {
						t.Error("hasQualityNotes is false")
					}
				} else if !p.HasQualityNotes {
					t.Error("hasQualityNotes is false")
				}
				if !slices.ContainsFunc(notes, func(n iati.QualityNote) bool { return n.Code == tt.code && n.Element == tt.element }) {
					t.Errorf("notes %v, want %s at %s", notes, tt.code, tt.element)
				}
				again := importString(t, c, activity(tt.body))
				if again.Unchanged != 1 {
					t.Errorf("importing again: %+v, want it unchanged", again)
				}
				if n := c.Programme.Query().CountX(context.Background()); n != 1 {
					t.Errorf("%d programmes", n)
				}
			})
		})
	}
}
