package codelists

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		list, code string
		want       Code
		ok         bool
	}{
		{Sector, "12110", Code{Code: "12110", Name: "Health policy and administrative management", Category: "121"}, true},
		{SectorCategory, "121", Code{Code: "121", Name: "Health, General"}, true},
		{PolicySignificance, "2", Code{Code: "2", Name: "principal objective"}, true},
		{TransactionType, "11", Code{Code: "11", Name: "Incoming Commitment"}, true},
		{CRSChannelCode, "41114", Code{Code: "41114", Name: "United Nations Development Programme", Category: "41100"}, true},
		{CRSChannelCode, "47066", Code{Code: "47066", Name: "International Organisation for Migration", Category: "41100"}, true},
		{OrganisationRegistrationAgency, "XM-DAC", Code{Code: "XM-DAC", Name: "OECD Development Assistance Committee", Category: "-"}, true},
		{Currency, "EUR", Code{Code: "EUR", Name: "Euro"}, true},
		// Unknown code, unknown list, and codes matched exactly.
		{Sector, "99999", Code{}, false},
		{Sector, " 12110", Code{}, false},
		{Sector, "", Code{}, false},
		{"NoSuchList", "1", Code{}, false},
		{"sector", "12110", Code{}, false},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.list, tt.code)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Lookup(%q, %q) = %+v, %v; want %+v, %v", tt.list, tt.code, got, ok, tt.want, tt.ok)
		}
		if name := Name(tt.list, tt.code); name != tt.want.Name {
			t.Errorf("Name(%q, %q) = %q, want %q", tt.list, tt.code, name, tt.want.Name)
		}
	}
}

func TestWithdrawn(t *testing.T) {
	// Withdrawn codes are kept and flagged; the numbers are checked as "at
	// least one", so that a regeneration does not break the test.
	for _, list := range []string{Sector, CRSChannelCode, Currency, OrganisationRegistrationAgency} {
		n := 0
		for _, c := range Codes(list) {
			if c.Withdrawn {
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s: no withdrawn codes; the source flags some", list)
		}
	}
	if c, ok := Lookup(Sector, "11110"); !ok || c.Withdrawn {
		t.Errorf("Sector 11110 = %+v, %v; want an active code", c, ok)
	}
}

func TestSectorName(t *testing.T) {
	tests := []struct{ vocabulary, code, want string }{
		{"1", "12110", "Health policy and administrative management"},
		{"", "12110", "Health policy and administrative management"},
		{"2", "121", "Health, General"},
		{"2", "12110", ""},
		{"1", "121", ""},
		{"99", "12110", ""},
		{"10", "1", ""},
	}
	for _, tt := range tests {
		if got := SectorName(tt.vocabulary, tt.code); got != tt.want {
			t.Errorf("SectorName(%q, %q) = %q, want %q", tt.vocabulary, tt.code, got, tt.want)
		}
	}
}

func TestDACIdentifier(t *testing.T) {
	tests := []struct {
		code, want string
		ok         bool
	}{
		{"41114", "XM-DAC-41114", true}, // UNDP
		{"47066", "XM-DAC-47066", true}, // IOM
		{"41301", "XM-DAC-41301", true}, // FAO, the example of OrganisationRegistrationAgency
		{"99999999", "", false},
		{"", "", false},
		{"XM-DAC-41114", "", false},
	}
	for _, tt := range tests {
		got, ok := DACIdentifier(tt.code)
		if got != tt.want || ok != tt.ok {
			t.Errorf("DACIdentifier(%q) = %q, %v; want %q, %v", tt.code, got, ok, tt.want, tt.ok)
		}
	}
}

// TestEveryListParses reads each embedded file afresh, so a defect in any
// of them fails here rather than at a caller's first lookup.
func TestEveryListParses(t *testing.T) {
	entries, err := fs.ReadDir(files, "data")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 60 {
		t.Errorf("%d data files, want the ~70 lists of both repositories", len(entries))
	}
	for _, e := range entries {
		data, err := files.ReadFile("data/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		codes, index, err := parse(string(data))
		if err != nil {
			t.Errorf("%s: %v", e.Name(), err)
			continue
		}
		if len(index) != len(codes) {
			t.Errorf("%s: %d codes but %d in the index", e.Name(), len(codes), len(index))
		}
	}
}

func TestEveryListNonEmpty(t *testing.T) {
	for _, name := range Lists() {
		if !Has(name) {
			t.Errorf("Has(%q) = false for a name Lists gives", name)
		}
		codes := Codes(name)
		if len(codes) == 0 {
			t.Errorf("list %s is empty", name)
			continue
		}
		for i, c := range codes {
			if got, ok := Lookup(name, c.Code); !ok || got != c {
				t.Errorf("%s: Lookup of entry %d (%q) = %+v, %v", name, i, c.Code, got, ok)
				break
			}
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, data := range []string{
		"",
		"code\tname\n1\tx\n",
		header + "\n",
		header + "\n1\tOne\t\t\n1\tAgain\t\t\n",
		header + "\n1\tOne\t\tyes\n",
		header + "\n1\tOne\t\t",
		header + "\n\tNo code\t\t\n",
	} {
		if _, _, err := parse(data); err == nil {
			t.Errorf("parse(%q) succeeded", data)
		}
	}
}

func TestListsHasConstants(t *testing.T) {
	all := Lists()
	if !slices.IsSorted(all) {
		t.Errorf("Lists() is not sorted: %v", all)
	}
	for _, name := range []string{
		ActivityDateType, ActivityScope, ActivityStatus, AidType, AidTypeVocabulary,
		BudgetIdentifier, BudgetStatus, BudgetType, CollaborationType, ConditionType,
		ContactType, Country, CRSChannelCode, Currency, DescriptionType,
		DisbursementChannel, DocumentCategory, FileFormat, FinanceType, FlowType,
		GeographicExactness, GeographicLocationClass, GeographicLocationReach,
		GeographicVocabulary, GeographicalPrecision, HumanitarianScopeType,
		HumanitarianScopeVocabulary, IndicatorMeasure, Language, LoanRepaymentPeriod,
		LoanRepaymentType, LocationType, OrganisationRegistrationAgency,
		OrganisationRole, OrganisationType, OtherIdentifierType, PolicyMarker,
		PolicyMarkerVocabulary, PolicySignificance, Region, RegionVocabulary,
		RelatedActivityType, ResultType, Sector, SectorCategory, SectorVocabulary,
		TagVocabulary, TiedStatus, TransactionType, VerificationStatus,
	} {
		if _, found := slices.BinarySearch(all, name); !found {
			t.Errorf("Lists() lacks %q", name)
		}
	}
	// Callers may change what they are given.
	all[0] = "changed"
	if Lists()[0] == "changed" {
		t.Error("Lists() shares its slice with the package")
	}
	c := Codes(Sector)
	c[0].Name = "changed"
	if Codes(Sector)[0].Name == "changed" {
		t.Error("Codes() shares its slice with the package")
	}
}

func TestDataSize(t *testing.T) {
	total := 0
	err := fs.WalkDir(files, "data", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := files.ReadFile(path)
		total += len(data)
		if strings.ContainsRune(string(data), '\r') {
			t.Errorf("%s holds a carriage return", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > 1<<20 {
		t.Errorf("embedded data is %d bytes, want well under 1 MB", total)
	}
}

func BenchmarkLookup(b *testing.B) {
	Lookup(Sector, "12110") // parse outside the loop
	for b.Loop() {
		if _, ok := Lookup(Sector, "12110"); !ok {
			b.Fatal("not found")
		}
	}
}

func BenchmarkDACIdentifier(b *testing.B) {
	DACIdentifier("41114")
	for b.Loop() {
		if _, ok := DACIdentifier("41114"); !ok {
			b.Fatal("not found")
		}
	}
}
