package iati

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type check struct {
	name      string
	got, want any
}

func runChecks(t *testing.T, prefix string, checks []check) {
	t.Helper()
	for _, c := range checks {
		if !equal(c.got, c.want) {
			t.Errorf("%s%s:\n got %+v\nwant %+v", prefix, c.name, c.got, c.want)
		}
	}
}

func orgOf(o *TransactionOrg) TransactionOrg {
	if o == nil {
		return TransactionOrg{Ref: "<nil>"}
	}
	return *o
}

// TestReadElements reads testdata/elements.xml: every element the importer
// uses, with untidy but usable data.
func TestReadElements(t *testing.T) {
	as := readTestdata(t, "elements.xml")
	if len(as) != 2 {
		t.Fatalf("%d activities, want 2", len(as))
	}
	a := as[0]
	if len(a.Problems) > 0 {
		t.Errorf("problems: %v", problems(a))
	}
	tx := a.Transactions
	runChecks(t, "", []check{
		{"identifier (white space trimmed)", a.Identifier, "XM-DAC-47066-MIDA-GL"},
		{"lang: the file's xml:lang", a.Lang, "fr"},
		{"default-currency upper-cased", a.DefaultCurrency, "EUR"},
		{"last-updated without time zone", a.LastUpdated, "2024-04-30T09:15:00"},
		{"hierarchy", a.Hierarchy, 2},
		{"reporting-org", a.ReportingOrg, ReportingOrg{Ref: "XM-DAC-47066", Type: "40", Name: []Narrative{
			{"en", "International Organization for Migration"}, {"fr", "Organisation internationale pour les migrations"}}}},
		{"title in three languages, blank narrative dropped", a.Title, []Narrative{
			{"fr", "MIDA Grands Lacs"}, {"en", "MIDA Great Lakes"}, {"sw", "MIDA Maziwa Makuu"}}},
		{"Text en", a.Text(a.Title, "en"), "MIDA Great Lakes"},
		{"Text default", a.Text(a.Title, ""), "MIDA Grands Lacs"},
		{"descriptions, xml:lang on the description", a.Descriptions, []Description{
			{Type: "1", Narratives: []Narrative{{"fr", "Retour temporaire de la diaspora."}}},
			{Type: "2", Narratives: []Narrative{{"en", "Objectives in English, by the description's own xml:lang."}}}}},
		{"participating-orgs", a.ParticipatingOrgs, []ParticipatingOrg{
			{Ref: "XM-DAC-2-10", Type: "10", Role: "1", Name: []Narrative{{"en", "Government of Belgium"}}},
			{Ref: "XM-DAC-47066", Type: "40", Role: "2", ActivityID: "XM-DAC-47066-MIDA", Name: []Narrative{{"en", "IOM"}}},
			// A ref that is no identifier is kept; xml:lang on the element reaches its narrative.
			{Ref: "UNDP Burundi office", Type: "24", Role: "3", Name: []Narrative{{"en", "A ref that is not an identifier"}}},
			{Type: "71", Role: "4", Name: []Narrative{{"fr", "Entreprise sans identifiant"}}}}},
		{"status (white space trimmed)", a.Status, StatusImplementation},
		{"dates, time zone and time dropped", a.Dates, []ActivityDate{
			{Type: "1", Date: "2008-01-01"},
			{Type: "2", Date: "2008-02-15", Narratives: []Narrative{{"fr", "Lancement"}}},
			{Type: "3", Date: "2012-12-31"},
			{Type: "4", Date: "2013-06-30"}}},
		{"start", a.Start(), "2008-02-15"},
		{"end", a.End(), "2013-06-30"},
		{"contact", a.Contacts, []ContactInfo{{
			Type:           "1",
			Organisation:   []Narrative{{"fr", "OIM Bujumbura"}},
			Department:     []Narrative{{"fr", "Migration et développement"}},
			PersonName:     []Narrative{{"en", "A. Person"}},
			JobTitle:       []Narrative{{"en", "Programme Manager"}},
			Telephone:      []string{"+257 22 00 00 00"},
			Email:          []string{"bujumbura@iom.int", "mida@iom.int"},
			Website:        []string{"https://www.iom.int"},
			MailingAddress: [][]Narrative{{{"fr", "BP 1000, Bujumbura"}}, {{"en", "PO Box 1000, Bujumbura"}}},
		}}},
		{"countries", len(a.RecipientCountries), 3},
		{"country code upper-cased", a.RecipientCountries[0].Code + " " + a.RecipientCountries[0].Percentage.String(), "BI 40.5"},
		{"country narrative", a.RecipientCountries[1].Narratives, []Narrative{{"fr", "République démocratique du Congo"}}},
		{"percentage trimmed, scale kept", a.RecipientCountries[2].Code + " " + a.RecipientCountries[2].Percentage.String(), "RW 24.50"},
		{"regions", len(a.RecipientRegions), 2},
		{"region 1", a.RecipientRegions[0].Code + "/" + a.RecipientRegions[0].Vocabulary + " " + a.RecipientRegions[0].Percentage.String(), "289/1 100"},
		{"region 2 (UN, no percentage)", a.RecipientRegions[1].Code + "/" + a.RecipientRegions[1].Vocabulary, "202/2"},
		{"region 2 percentage", a.RecipientRegions[1].Percentage == nil, true},
		{"region 2 narrative", a.RecipientRegions[1].Narratives, []Narrative{{"en", "Sub-Saharan Africa"}}},
		{"sector", a.Sectors[0].Code + "/" + a.Sectors[0].Vocabulary + " " + a.Sectors[0].Percentage.String(), "15190/1 100"},
		{"budgets", len(a.Budgets), 2},
		{"budget 1 takes the default currency", [6]string{a.Budgets[0].Type, a.Budgets[0].Status, a.Budgets[0].PeriodStart,
			a.Budgets[0].PeriodEnd, a.Budgets[0].Value.Amount.String(), a.Budgets[0].Value.Currency},
			[6]string{"1", "2", "2008-01-01", "2008-12-31", "1000", "EUR"}},
		{"budget 2 own currency, scale kept", [4]string{a.Budgets[1].Type, a.Budgets[1].Status, a.Budgets[1].Value.Amount.String(), a.Budgets[1].Value.Currency},
			[4]string{"2", "", "79929.00", "USD"}},
		{"transactions", len(tx), 4},
		{"incoming commitment", [6]string{tx[0].Ref, tx[0].Type, tx[0].Date, tx[0].Value.Amount.String(), tx[0].Value.Currency, tx[0].Value.Date},
			[6]string{"T-1", TransactionIncomingCommitment, "2008-01-10", "500000", "EUR", "2008-01-10"}},
		{"description", tx[0].Description, []Narrative{{"fr", "Engagement de la Belgique"}}},
		{"provider", orgOf(tx[0].Provider), TransactionOrg{Ref: "XM-DAC-2-10", Type: "10", ActivityID: "BE-BCE_KBO-0264814354-MIDA",
			Name: []Narrative{{"en", "Government of Belgium"}}}},
		{"receiver", orgOf(tx[0].Receiver), TransactionOrg{Ref: "XM-DAC-47066", Type: "40", ActivityID: "XM-DAC-47066-MIDA-GL",
			Name: []Narrative{{"fr", "OIM"}}}},
		{"negative disbursement, no value-date", [5]string{tx[1].Type, tx[1].Value.Amount.String(), tx[1].Value.Currency, tx[1].Value.Date, tx[1].Date},
			[5]string{"3", "-250.50", "USD", "", "2008-03-01"}},
		{"receiver by ref only, no provider", [2]any{orgOf(tx[1].Receiver), tx[1].Provider == nil}, [2]any{TransactionOrg{Ref: "35"}, true}},
		{"pledge, +5", tx[2].Type + " " + tx[2].Value.Amount.String(), "12 5"},
		{"interest payment kept, .5", tx[3].Type + " " + tx[3].Value.Amount.String(), "5 0.5"},
		{"document-link", a.DocumentLinks, []DocumentLink{{
			URL: "https://example.org/mida-gl.pdf", Format: "application/pdf",
			Title:      []Narrative{{"fr", "Rapport final"}, {"en", "Final report"}},
			Categories: []string{"A01", "A07"}, Languages: []string{"fr", "en"}, Date: "2013-07-01"}}},
		{"related: parent, child, and a ref to an activity the store has not seen", a.RelatedActivities, []RelatedActivity{
			{"XM-DAC-47066-MIDA", RelatedParent}, {"XM-DAC-47066-MIDA-GL-PILOT", RelatedChild}, {"NOT-IN-THE-STORE-1", RelatedCoFunded}}},
	})

	b := as[1]
	runChecks(t, "second activity ", []check{
		{"problems", len(b.Problems), 0},
		{"lang: its own xml:lang over the file's", b.Lang, "es"},
		{"title", b.Title, []Narrative{{"es", "Migración para el desarrollo en Malí"}}},
		{"description in another language", b.Descriptions[0].Narratives, []Narrative{{"fr", "Migration pour le développement au Mali"}}},
		{"participating-org without type", b.ParticipatingOrgs, []ParticipatingOrg{{Ref: "XM-DAC-47066", Role: "4", Name: []Narrative{{"es", "OIM"}}}}},
		{"status", b.Status, StatusClosed},
		{"start, end", b.Start() + "|" + b.End(), "2007-03-01|"},
		{"country without percentage", b.RecipientCountries, []RecipientCountry{{Code: "ML"}}},
		{"budget, default currency USD", b.Budgets[0].Value.Amount.String() + " " + b.Budgets[0].Value.Currency, "79929.00 USD"},
		{"budget type and status not given", b.Budgets[0].Type + b.Budgets[0].Status, ""},
	})
}

// TestReadProblems reads testdata/problems.xml: one bad element at a time,
// each skipped or losing a qualifier with a Problem; the file reads on.
func TestReadProblems(t *testing.T) {
	as := readTestdata(t, "problems.xml")
	if len(as) != 4 {
		t.Fatalf("%d activities, want 4", len(as))
	}
	orgTypes := "(10, 11, 15, 21, 22, 23, 24, 30, 40, 60, 70, 71, 72, 73, 80, 90)"
	tests := []struct {
		id       string
		problems []Problem
	}{
		{"XX-BAD-1", []Problem{
			{"last-updated-datetime", `"yesterday" is not a date and time (YYYY-MM-DDThh:mm:ss); dropped`},
			{"hierarchy", `"one" is not an integer; dropped`},
			{"reporting-org", `type "99" is not in the IATI OrganisationType codelist ` + orgTypes + `; type dropped`},
			{"description[1]", `type "7" is not in the IATI DescriptionType codelist (1, 2, 3, 4); type dropped`},
			{"description[2]", "no narrative; skipped"},
			{"participating-org[2]", `role "5" is not in the IATI OrganisationRole codelist (1, 2, 3, 4); skipped`},
			{"participating-org[3]", `type "99" is not in the IATI OrganisationType codelist ` + orgTypes + `; type dropped`},
			{"participating-org[4]", "names no organisation (no ref, no narrative); skipped"},
			{"participating-org[5]", "no role; skipped"},
			{"activity-status", `code "9" is not in the IATI ActivityStatus codelist (1, 2, 3, 4, 5, 6); skipped`},
			{"activity-date[1]", `iso-date "2012-13-01" has no month 13; skipped`},
			{"activity-date[2]", `iso-date "2012-02-30" is not a calendar day; skipped`},
			{"activity-date[3]", `type "7" is not in the IATI ActivityDateType codelist (1, 2, 3, 4); skipped`},
			{"activity-date[4]", `iso-date "2007" is not a date (YYYY-MM-DD); skipped`},
			{"activity-date[5]", "no iso-date; skipped"},
			{"recipient-country[1]", `code "ZZ" is not an ISO 3166-1 alpha-2 country; skipped`},
			{"recipient-country[2]", `percentage "150" is not between 0 and 100; percentage dropped`},
			{"recipient-country[3]", `percentage "abc" is not a decimal number; percentage dropped`},
			{"recipient-country[4]", "no code; skipped"},
			{"recipient-region[1]", "no code; skipped"},
			{"recipient-region[2]", `percentage "-1" is not between 0 and 100; percentage dropped`},
			{"sector[1]", "no code; skipped"},
			{"budget[1]", `type "3" is not in the IATI BudgetType codelist (1, 2); type dropped`},
			{"budget[2]", `period-end "31/12/2012" is not a date (YYYY-MM-DD); skipped`},
			{"budget[3]", "no period-end; skipped"},
			{"transaction[1]", "no value; skipped"},
			{"transaction[2]", `value "1,000" is not a decimal number; skipped`},
			{"transaction[3]", `value currency "EURO" is not an ISO 4217 code; skipped`},
			{"transaction[4]", `transaction-type "C" is not in the IATI TransactionType codelist (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13); skipped`},
			{"transaction[5]", "no transaction-date; skipped"},
			{"transaction[6]", "no transaction-type; skipped"},
			{"transaction[7]", `value-date "31/12/2011" is not a date (YYYY-MM-DD); value-date dropped`},
			{"transaction[7]/provider-org", `type "0" is not in the IATI OrganisationType codelist ` + orgTypes + `; type dropped`},
			{"transaction[8]", "no value; skipped"},
			{"document-link[1]", "no url; skipped"},
			{"document-link[2]", `document-date "2013" is not a date (YYYY-MM-DD); document-date dropped`},
			{"related-activity[1]", `type "9" is not in the IATI RelatedActivityType codelist (1, 2, 3, 4, 5); skipped`},
			{"related-activity[2]", "no ref; skipped"},
		}},
		{"XX-BAD-2", []Problem{
			{"default-currency", `currency "XYZ" is not an ISO 4217 code; dropped (values without a currency of their own are skipped)`},
			{"activity-status[2]", "an activity has one activity-status; this one ignored"},
			{"budget[1]", "value has no currency and the activity no default-currency; skipped"},
			{"transaction[1]", "value has no currency and the activity no default-currency; skipped"},
		}},
		{"", []Problem{{"iati-identifier", "missing: the activity cannot be keyed"}}},
		{"XX-GOOD-4", nil},
	}
	for i, tt := range tests {
		a := as[i]
		if a.Identifier != tt.id {
			t.Errorf("activity %d is %q, want %q", i+1, a.Identifier, tt.id)
		}
		for j := 0; j < len(tt.problems) || j < len(a.Problems); j++ {
			var got, want Problem
			if j < len(a.Problems) {
				got = a.Problems[j]
			}
			if j < len(tt.problems) {
				want = tt.problems[j]
			}
			if got != want {
				t.Errorf("%s problem %d:\n got %v\nwant %v", tt.id, j+1, got, want)
			}
		}
	}

	// What was good or only lost a qualifier is kept.
	a, b := as[0], as[1]
	runChecks(t, "kept ", []check{
		{"reporting-org without its bad type", a.ReportingOrg.Ref + "|" + a.ReportingOrg.Type, "XX-BAD|"},
		{"description without its bad type", a.Descriptions, []Description{{Narratives: []Narrative{{"en", "Unknown description type"}}}}},
		{"participating-orgs", a.ParticipatingOrgs, []ParticipatingOrg{
			{Ref: "XX-OK", Role: "1", Name: []Narrative{{"en", "Kept"}}},
			{Ref: "XX-TYPE", Role: "4", Name: []Narrative{{"en", "Unknown type"}}}}},
		{"no status", a.Status, ""},
		{"the one good date", a.Dates, []ActivityDate{{Type: "1", Date: "2012-01-01"}}},
		{"countries without their bad percentages", a.RecipientCountries, []RecipientCountry{{Code: "ML"}, {Code: "SN"}}},
		{"region without its bad percentage", a.RecipientRegions, []RecipientRegion{{Code: "298"}}},
		{"budget without its bad type", [3]string{a.Budgets[0].Type, a.Budgets[0].Status, a.Budgets[0].Value.Amount.String()}, [3]string{"", "2", "10"}},
		{"budgets", len(a.Budgets), 1},
		{"transactions", len(a.Transactions), 1},
		{"transaction without its bad value-date", a.Transactions[0].Value.Date + "|" + a.Transactions[0].Value.Amount.String(), "|1000"},
		{"provider without its bad type", orgOf(a.Transactions[0].Provider), TransactionOrg{Ref: "XX-OK", Name: []Narrative{{"en", "Provider with a bad type"}}}},
		{"document-link without its bad date", a.DocumentLinks, []DocumentLink{{URL: "https://example.org/a.pdf", Format: "application/pdf",
			Title: []Narrative{{"en", "Bad date"}}, Categories: []string{"A01"}}}},
		{"related", a.RelatedActivities, []RelatedActivity{{"XX-BAD-0", RelatedParent}}},
		{"second: no default currency", b.DefaultCurrency, ""},
		{"second: first status", b.Status, StatusImplementation},
		{"second: transaction with its own currency, lower case", b.Transactions, []Transaction{{Type: "2", Date: "2012-06-01",
			Value: Value{Amount: mustDecimal("1000"), Currency: "GBP", Date: "2012-06-01"}}}},
		{"second: no budget", len(b.Budgets), 0},
	})
}

// TestReadMalformed: a file that cannot be read further gives an error that
// says where; what came before it has been returned.
func TestReadMalformed(t *testing.T) {
	tests := []struct {
		name   string
		file   string // in testdata, or
		doc    string // inline
		before []string
		errHas []string
		is     error
	}{
		{name: "truncated in the second activity", file: "truncated.xml", before: []string{"XX-CUT-1"},
			errHas: []string{"<iati-activity> 2 starting on line 8", "line 10", "unexpected EOF"}},
		{name: "unbalanced tags", file: "unbalanced.xml", before: []string{"XX-OK-1"},
			errHas: []string{"<iati-activity> 2 starting on line 7", "line 9", "element <narrative> closed by </title>"}},
		{name: "IATI 1.05", file: "version-105.xml", errHas: []string{`version="1.05"`, "2.01, 2.02, 2.03"}, is: ErrUnsupportedVersion},
		{name: "an organisation file", file: "organisations.xml", errHas: []string{"not an <iati-activities> file", "<iati-organisations>"}},
		{name: "empty", doc: "", errHas: []string{"no <iati-activities> element"}},
		{name: "not XML", doc: "iati-identifier,title\nXX-1,A CSV file\n", errHas: []string{"no <iati-activities> element"}},
		{name: "truncated between activities", doc: "<iati-activities version=\"2.03\">\n<iati-activity><iati-identifier>A</iati-identifier></iati-activity>\n",
			before: []string{"A"}, errHas: []string{"line 3", "unexpected EOF"}},
		{name: "bad character", doc: "<iati-activities version=\"2.03\">\n<iati-activity>\n<title>\x01</title></iati-activity></iati-activities>",
			errHas: []string{"line 3", "illegal character"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in io.Reader = strings.NewReader(tt.doc)
			if tt.file != "" {
				f, err := os.Open(filepath.Join("testdata", tt.file))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				in = f
			}
			r := NewReader(in)
			var got []string
			var err error
			for {
				var a *Activity
				a, err = r.Next()
				if err != nil {
					break
				}
				got = append(got, a.Identifier)
			}
			if err == io.EOF {
				t.Fatalf("read to the end (%v); want an error", got)
			}
			if !equal(got, tt.before) && !(len(got) == 0 && len(tt.before) == 0) {
				t.Errorf("read %v before the error, want %v", got, tt.before)
			}
			for _, s := range tt.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			// The error sticks.
			if _, again := r.Next(); again == nil || again.Error() != err.Error() {
				t.Errorf("Next after the error: %v", again)
			}
		})
	}
}

func TestReadLanguages(t *testing.T) {
	a := readTestdata(t, "languages.xml")[0]
	tx := a.Transactions[0]
	runChecks(t, "", []check{
		{"lang from the file", a.Lang, "en"},
		{"title", a.Title, []Narrative{{"en", "File language"}, {"en", "Not a code: the file's instead"}}},
		{"participating-org", a.ParticipatingOrgs[0].Name, []Narrative{{"en", "Bad element language: the file's instead"}}},
		{"transaction's xml:lang reaches its parts", [2]string{tx.Description[0].Lang, tx.Provider.Name[0].Lang}, [2]string{"pt", "pt"}},
		{"a nearer one wins", tx.Receiver.Name, []Narrative{{"zh-Hant", "受款人"}}},
		{"problems", a.Problems, []Problem{
			{"title", `xml:lang "en_GB" is not a language code; dropped`},
			{"participating-org[1]", `xml:lang "es_ES" is not a language code; dropped`}}},
	})
}

func TestReadLatin1(t *testing.T) {
	as := readTestdata(t, "latin1.xml")
	if len(as) != 1 {
		t.Fatalf("%d activities", len(as))
	}
	runChecks(t, "", []check{
		{"title", as[0].Title, []Narrative{{"fr", "Développement rural à Ségou"}}},
		{"reporting-org", as[0].ReportingOrg.Name, []Narrative{{"fr", "Association bénévole"}}},
		{"currency", as[0].DefaultCurrency, "XOF"},
	})
}

func TestReadPositionAndVersion(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "elements.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewReader(f)
	var lines []int
	for {
		if _, err := r.Next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, r.Line())
	}
	if !equal(lines, []int{7, 123}) || r.Version() != "2.03" || r.Lang() != "fr" {
		t.Errorf("lines %v, version %q, lang %q", lines, r.Version(), r.Lang())
	}
	// io.EOF sticks too.
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("after the end: %v", err)
	}
}

func TestReadOrganisations(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "organisations.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewOrganisationReader(f)
	var os []*Organisation
	for {
		o, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		os = append(os, o)
	}
	if len(os) != 3 {
		t.Fatalf("%d organisations", len(os))
	}
	runChecks(t, "", []check{
		{"identifier", os[0].Identifier, "XM-DAC-47066"},
		{"names in three languages", os[0].Name, []Narrative{{"en", "International Organization for Migration"},
			{"fr", "Organisation internationale pour les migrations"}, {"es", "Organización Internacional para las Migraciones"}}},
		{"reporting on itself: its type", os[0].Type(), OrgTypeMultilateral},
		{"kind", OrganisationKindByType[os[0].Type()], KindMultilateral},
		{"currency, updated", os[0].DefaultCurrency + " " + os[0].LastUpdated, "USD 2020-01-01T00:00:00Z"},
		{"problems", len(os[0].Problems), 0},
		{"old identifier element", os[1].Identifier, "XM-DAC-2-10"},
		{"own lang", os[1].Name, []Narrative{{"fr", "Gouvernement de Belgique"}}},
		{"unknown type dropped", os[1].Type(), ""},
		{"problem", os[1].Problems, []Problem{{"reporting-org", `type "12" is not in the IATI OrganisationType codelist (10, 11, 15, 21, 22, 23, 24, 30, 40, 60, 70, 71, 72, 73, 80, 90); type dropped`}}},
		{"no identifier, no name", os[2].Problems, []Problem{
			{"organisation-identifier", "missing: the organisation cannot be keyed"},
			{"name", "no narrative: the organisation has no name"}}},
	})
}

func TestOrganisationReaderRefusesActivities(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "elements.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = NewOrganisationReader(f).Next()
	if err == nil || !strings.Contains(err.Error(), "root element is <iati-activities>") {
		t.Errorf("got %v", err)
	}
}

func TestParseValues(t *testing.T) {
	decimals := []struct{ in, want string }{
		{"1000", "1000"}, {" -250.50 ", "-250.50"}, {"+5", "5"}, {".5", "0.5"}, {"-.5", "-0.5"}, {"5.", "5"},
		{"0.00", "0.00"}, {"1,000", "error"}, {"1e3", "error"}, {"", "error"}, {"-", "error"}, {"12.5.1", "error"},
	}
	for _, d := range decimals {
		got, err := parseDecimal(d.in)
		s := got.String()
		if err != nil {
			s = "error"
		}
		if s != d.want {
			t.Errorf("parseDecimal(%q) = %s (%v), want %s", d.in, s, err, d.want)
		}
	}
	dates := []struct{ in, want string }{
		{"2012-04-15", "2012-04-15"}, {" 2012-04-15 ", "2012-04-15"}, {"2012-04-15Z", "2012-04-15"},
		{"2012-04-15+02:00", "2012-04-15"}, {"2012-04-15T10:00:00", "2012-04-15"}, {"2012-04-15T10:00:00.5Z", "2012-04-15"},
		{"2012-04", "error"}, {"2012", "error"}, {"15/04/2012", "error"}, {"2012-02-30", "error"}, {"2012-04-15 10:00", "error"},
		{"2012-04-15garbage", "error"}, {"", "error"},
	}
	for _, d := range dates {
		got, err := parseDate(d.in)
		if err != nil {
			got = "error"
		}
		if got != d.want {
			t.Errorf("parseDate(%q) = %s (%v), want %s", d.in, got, err, d.want)
		}
	}
}
