package iati

import (
	"bytes"
	"io"
	"testing"
)

// The facts checked here were read by eye from ../shared/iati/examples.

func TestAnnotatedExample(t *testing.T) {
	as := readAll(t, example(t, "activity-standard-example-annotated-203.xml"))
	if len(as) != 1 {
		t.Fatalf("%d activities, want 1", len(as))
	}
	a := as[0]
	if len(a.Problems) > 0 {
		t.Errorf("problems in IATI's own example: %v", problems(a))
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"identifier", a.Identifier, "AA-AAA-123456789-ABC123"},
		{"lang", a.Lang, "en"},
		{"default-currency", a.DefaultCurrency, "USD"},
		{"last-updated", a.LastUpdated, "2014-09-10T07:15:37Z"},
		{"hierarchy", a.Hierarchy, 1},
		{"reporting-org ref", a.ReportingOrg.Ref, "AA-AAA-123456789"},
		{"reporting-org type", a.ReportingOrg.Type, OrgTypeMultilateral},
		{"reporting-org name", a.ReportingOrg.Name, []Narrative{{"en", "Organisation name"}, {"fr", "Nom de l'organisme"}}},
		{"title", a.Title, []Narrative{{"en", "Activity title"}, {"fr", "Titre de l'activité"}, {"es", "Título de la actividad"}}},
		{"title in es", a.Text(a.Title, "es"), "Título de la actividad"},
		{"title in de (falls back to the default)", a.Text(a.Title, "de"), "Activity title"},
		{"descriptions", len(a.Descriptions), 3},
		{"description 2 type", a.Descriptions[1].Type, "2"},
		{"description 3 fr", a.Descriptions[2].Narratives[1], Narrative{"fr", "Déclaration de groupes ciblés pour bénéficier de l'activité."}},
		{"participating-orgs", len(a.ParticipatingOrgs), 3},
		{"participating-org 1", a.ParticipatingOrgs[0], ParticipatingOrg{Ref: "BB-BBB-123456789", Type: "40", Role: RoleFunding,
			ActivityID: "BB-BBB-123456789-1234", Name: []Narrative{{"en", "Name of Agency B"}}}},
		{"participating-org 2 role", a.ParticipatingOrgs[1].Role, RoleAccountable},
		{"participating-org 3 type", a.ParticipatingOrgs[2].Type, OrgTypeInternationalNGO},
		{"participating-org 3 fr name", a.ParticipatingOrgs[2].Name[1], Narrative{"fr", "Nom de l'agence A"}},
		{"status", a.Status, StatusImplementation},
		{"dates", len(a.Dates), 3},
		{"planned start narrative fr", a.Dates[0].Narratives[1].Lang, "fr"},
		{"start (actual wins)", a.Start(), "2012-04-28"},
		{"end (planned only)", a.End(), "2015-12-31"},
		{"contact org", a.Contacts[0].Organisation, []Narrative{{"en", "Agency A"}}},
		{"contact department", a.Contacts[0].Department, []Narrative{{"en", "Department B"}}},
		{"contact person", a.Contacts[0].PersonName, []Narrative{{"en", "A. Example"}}},
		{"contact job", a.Contacts[0].JobTitle, []Narrative{{"en", "Transparency Lead"}}},
		{"contact phone", a.Contacts[0].Telephone, []string{"0044111222333444"}},
		{"contact email", a.Contacts[0].Email, []string{"transparency@example.org"}},
		{"contact website", a.Contacts[0].Website, []string{"http://www.example.org"}},
		{"contact address", a.Contacts[0].MailingAddress, [][]Narrative{{{"en", "Transparency House, The Street, Town, City, Postcode"}}}},
		{"countries", len(a.RecipientCountries), 2},
		{"country 1", a.RecipientCountries[0].Code + " " + a.RecipientCountries[0].Percentage.String(), "AF 25"},
		{"country 1 narrative", a.RecipientCountries[0].Narratives, []Narrative{{"en", "Afganistan (As per UNSCR 1244)"}}},
		{"country 2", a.RecipientCountries[1].Code + " " + a.RecipientCountries[1].Percentage.String(), "AG 25"},
		{"regions", len(a.RecipientRegions), 2},
		{"region 1", a.RecipientRegions[0].Code + "/" + a.RecipientRegions[0].Vocabulary + " " + a.RecipientRegions[0].Percentage.String(), "489/1 25"},
		{"region 2", a.RecipientRegions[1].Code + "/" + a.RecipientRegions[1].Vocabulary + " " + a.RecipientRegions[1].VocabularyURI, "A1/99 http://example.com/vocab.html"},
		{"sectors", len(a.Sectors), 3},
		{"sector 3", a.Sectors[2].Code + "/" + a.Sectors[2].Vocabulary + " " + a.Sectors[2].Percentage.String(), "A1/98 100"},
		{"budgets", len(a.Budgets), 1},
		{"budget", [5]string{a.Budgets[0].Type, a.Budgets[0].Status, a.Budgets[0].PeriodStart, a.Budgets[0].PeriodEnd, a.Budgets[0].Value.Amount.String()},
			[5]string{"1", "1", "2014-01-01", "2014-12-31", "1000"}},
		{"budget currency (own, not the default)", a.Budgets[0].Value.Currency + " " + a.Budgets[0].Value.Date, "AUD 1994-01-01"},
		{"transactions", len(a.Transactions), 1},
		{"transaction", [5]string{a.Transactions[0].Ref, a.Transactions[0].Type, a.Transactions[0].Date, a.Transactions[0].Value.Amount.String(), a.Transactions[0].Value.Currency},
			[5]string{"1234", TransactionIncomingFunds, "1995-01-01", "1000", "AUD"}},
		{"transaction description", a.Transactions[0].Description, []Narrative{{"en", "Transaction description text"}}},
		{"provider", *a.Transactions[0].Provider, TransactionOrg{Ref: "BB-BBB-123456789", Type: "10", ActivityID: "BB-BBB-123456789-1234AA", Name: []Narrative{{"en", "Agency B"}}}},
		{"receiver", *a.Transactions[0].Receiver, TransactionOrg{Ref: "AA-AAA-123456789", Type: "23", ActivityID: "AA-AAA-123456789-1234", Name: []Narrative{{"en", "Agency A"}}}},
		// The result's and indicator's document-links are not the activity's.
		{"document-links", len(a.DocumentLinks), 1},
		{"document-link", [4]string{a.DocumentLinks[0].URL, a.DocumentLinks[0].Format, a.DocumentLinks[0].Date, a.DocumentLinks[0].Title[1].Text},
			[4]string{"http:www.example.org/docs/report_en.odt", "application/vnd.oasis.opendocument.text", "2014-02-05", "Rapport de projet 2013"}},
		{"document-link category, language", [2][]string{a.DocumentLinks[0].Categories, a.DocumentLinks[0].Languages}, [2][]string{{"A01"}, {"en"}}},
		{"related", a.RelatedActivities, []RelatedActivity{{Ref: "AA-AAA-123456789-6789", Type: RelatedParent}}},
	}
	for _, c := range checks {
		if !equal(c.got, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, c.got, c.want)
		}
	}
}

func TestSpainExample(t *testing.T) {
	r := NewReader(example(t, "spain-maec-indonesia-2.01.xml"))
	var as []*Activity
	for {
		a, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		as = append(as, typedOnly(a))
	}
	if r.Version() != "2.01" {
		t.Errorf("version %q", r.Version())
	}
	if len(as) != 83 {
		t.Fatalf("%d activities, want 83", len(as))
	}
	byID := map[string]*Activity{}
	var transactions, budgets, negativeTx, negativeBudgets, related int
	types, statuses := map[string]int{}, map[string]int{}
	for _, a := range as {
		if len(a.Problems) > 0 {
			t.Errorf("%s: %v", a.Identifier, problems(a))
		}
		byID[a.Identifier] = a
		transactions += len(a.Transactions)
		budgets += len(a.Budgets)
		related += len(a.RelatedActivities)
		statuses[a.Status]++
		for _, tr := range a.Transactions {
			types[tr.Type]++
			if tr.Value.Amount.Sign() < 0 {
				negativeTx++
			}
		}
		for _, b := range a.Budgets {
			if b.Value.Amount.Sign() < 0 {
				negativeBudgets++
			}
		}
		for _, rel := range a.RelatedActivities {
			if rel.Type != RelatedSibling {
				t.Errorf("%s: related-activity type %s, the file has only 3", a.Identifier, rel.Type)
			}
		}
	}
	counts := []struct {
		name      string
		got, want any
	}{
		{"first", as[0].Identifier, "ES-DIR3-E04585801-009-001301"},
		{"last", as[82].Identifier, "ES-DIR3-E04585801-009-077707"},
		{"transactions", transactions, 216},
		{"commitments and disbursements", types, map[string]int{"2": 108, "3": 108}},
		{"statuses", statuses, map[string]int{"2": 43, "3": 40}},
		{"budgets", budgets, 110},
		{"negative transactions (corrections)", negativeTx, 25},
		{"negative budgets", negativeBudgets, 25},
		{"related activities (siblings)", related, 275},
	}
	for _, c := range counts {
		if !equal(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}

	a := as[0]
	first := []struct {
		name      string
		got, want any
	}{
		// No xml:lang on the activity or the file: narratives carry their own
		// or their element's (participating-org xml:lang="en"/"es").
		{"lang", a.Lang, ""},
		{"default-currency", a.DefaultCurrency, ""},
		{"reporting-org", a.ReportingOrg, ReportingOrg{Ref: "ES-DIR3-E04585801", Type: OrgTypeGovernment,
			Name: []Narrative{{"en", "Ministry of Foreign Affairs and Cooperation, Spain"}}}},
		{"title", a.Title, []Narrative{{"es", "Personas cooperantes voluntarias en organismos internacionales"}}},
		{"description", a.Descriptions, []Description{{Narratives: []Narrative{{"es", "UNESCO YACARTA"}}}}},
		{"participating-orgs", a.ParticipatingOrgs, []ParticipatingOrg{
			{Type: "10", Role: "1", Name: []Narrative{{"en", "Spain"}}},
			// Refs that are Spain's internal codes, not identifiers: kept.
			{Ref: "35", Role: "3", Name: []Narrative{{"es", "CCAA CAV - País Vasco"}}},
			{Ref: "181", Role: "4", Name: []Narrative{{"es", "Otra ONG nacional - país donante"}}},
			{Ref: "35", Role: "2", Name: []Narrative{{"es", "CCAA CAV - País Vasco"}}},
		}},
		{"status", a.Status, StatusFinalisation},
		{"dates", a.Dates, []ActivityDate{{Type: "1", Date: "2011-11-01"}, {Type: "3", Date: "2012-11-01"}}},
		{"contact", a.Contacts[0].Email[0] + " " + a.Contacts[0].Website[0], "aod.sgpolde@maec.es https://infoaod.maec.es/"},
		{"contact organisation (no language anywhere)", a.Contacts[0].Organisation,
			[]Narrative{{"", "SGCID (Secretaría General de Cooperación Internacional para el Desarrollo)"}}},
		{"country", a.RecipientCountries[0].Code + " " + a.RecipientCountries[0].Percentage.String(), "ID 100"},
		{"region", a.RecipientRegions[0].Code + "/" + a.RecipientRegions[0].Vocabulary, "789/1"},
		{"region has no percentage", a.RecipientRegions[0].Percentage == nil, true},
		{"sector", a.Sectors[0].Code, "43081"},
		{"budget", [4]string{a.Budgets[0].PeriodStart, a.Budgets[0].PeriodEnd, a.Budgets[0].Value.Amount.String(), a.Budgets[0].Value.Currency},
			[4]string{"2011-11-01", "2011-12-31", "9270", "EUR"}},
		{"commitment", a.Transactions[0].Type + " " + a.Transactions[0].Date + " " + a.Transactions[0].Value.Amount.String(), "2 2011-11-01 15450"},
		{"disbursement", a.Transactions[1].Type + " " + a.Transactions[1].Date + " " + a.Transactions[1].Value.Amount.String(), "3 2011-12-31 9270"},
	}
	for _, c := range first {
		if !equal(c.got, c.want) {
			t.Errorf("first activity %s: got %+v, want %+v", c.name, c.got, c.want)
		}
	}

	// A correction: a commitment of 0 and a negative disbursement.
	c := byID["ES-DIR3-E04585801-009-029175"]
	if c == nil || len(c.Transactions) != 2 {
		t.Fatalf("009-029175: %+v", c)
	}
	if got := c.Transactions[1]; got.Type != TransactionDisbursement || got.Value.Amount.String() != "-280662.76" ||
		got.Value.Currency != "EUR" || got.Value.Date != "2011-12-31" {
		t.Errorf("009-029175 disbursement: %+v", got)
	}
	if got := c.Transactions[0].Value.Amount.String(); got != "0" {
		t.Errorf("009-029175 commitment %s, want 0", got)
	}
	if got := c.Budgets[0].Value.Amount.String(); got != "-280662.76" {
		t.Errorf("009-029175 budget %s", got)
	}

	// Shares of a regional programme, kept at their scale.
	for id, want := range map[string]string{
		"ES-DIR3-E04585801-009-041985": "16.66",
		"ES-DIR3-E04585801-009-051821": "9.77",
		"ES-DIR3-E04585801-009-053199": "0.09",
		"ES-DIR3-E04585801-009-066055": "0.00",
		"ES-DIR3-E04585801-009-077707": "20",
	} {
		if got := byID[id].RecipientCountries[0].Percentage.String(); got != want {
			t.Errorf("%s percentage %s, want %s", id, got, want)
		}
	}
	sib := byID["ES-DIR3-E04585801-009-041985"].RelatedActivities
	if len(sib) != 5 || sib[0] != (RelatedActivity{Ref: "009-041985-KHM", Type: RelatedSibling}) {
		t.Errorf("009-041985 related: %+v", sib)
	}
}

func TestOrganisationExample(t *testing.T) {
	r := NewOrganisationReader(example(t, "organisation-example-203.xml"))
	o, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("second organisation: %v, want io.EOF", err)
	}
	if r.Version() != "2.03" {
		t.Errorf("version %q", r.Version())
	}
	want := Organisation{
		Identifier:      "XM-LMH-7",
		Lang:            "en",
		DefaultCurrency: "EUR",
		LastUpdated:     "2018-12-29T10:24:42",
		// "Ministry of Magic\n            " in the file: trimmed.
		Name: []Narrative{{"en", "Ministry of Magic"}},
		ReportingOrg: ReportingOrg{Ref: "XM-DAC-7", Type: OrgTypeGovernment,
			Name: []Narrative{{"en", "Ministry of Foreign Affairs (DGIS)"}}},
	}
	if !equal(*o, want) {
		t.Errorf("got  %+v\nwant %+v", *o, want)
	}
	// Published by another organisation: its type is not this one's.
	if o.Type() != "" {
		t.Errorf("Type() = %q", o.Type())
	}
}

// TestRoundTripExamples reads each example, writes it as 2.03, validates
// the output with xmllint against the official schema, and reads it again:
// the activities must be equal.
func TestRoundTripExamples(t *testing.T) {
	for _, name := range []string{"activity-standard-example-annotated-203.xml", "spain-maec-indonesia-2.01.xml"} {
		t.Run(name, func(t *testing.T) {
			first := readAll(t, example(t, name))
			doc := writeAll(t, first)
			second := readAll(t, bytes.NewReader(doc))
			sameActivities(t, second, first)
			// Writing again gives the same bytes.
			if again := writeAll(t, second); !bytes.Equal(again, doc) {
				t.Error("second write differs from the first")
			}
			validateBytes(t, doc)
		})
	}
}

// TestExamplesValidate guards the fixtures themselves: the schema check
// must accept what IATI says is valid.
func TestExamplesValidate(t *testing.T) {
	dir := sharedIATI(t)
	for _, name := range []string{"activity-standard-example-annotated-203.xml", "spain-maec-indonesia-2.01.xml"} {
		validate(t, dir+"/examples/"+name)
	}
}
