package codelists

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
)

// Code is one entry of a codelist.
type Code struct {
	Code, Name, Category string
	Withdrawn            bool
}

// Names of the lists the registry uses most. Every list held is named by
// [Lists]; these are for the compiler's benefit.
const (
	ActivityDateType               = "ActivityDateType"
	ActivityScope                  = "ActivityScope"
	ActivityStatus                 = "ActivityStatus"
	AidType                        = "AidType"
	AidTypeVocabulary              = "AidTypeVocabulary"
	BudgetIdentifier               = "BudgetIdentifier"
	BudgetStatus                   = "BudgetStatus"
	BudgetType                     = "BudgetType"
	CollaborationType              = "CollaborationType"
	ConditionType                  = "ConditionType"
	ContactType                    = "ContactType"
	Country                        = "Country"
	CRSChannelCode                 = "CRSChannelCode"
	Currency                       = "Currency"
	DescriptionType                = "DescriptionType"
	DisbursementChannel            = "DisbursementChannel"
	DocumentCategory               = "DocumentCategory"
	FileFormat                     = "FileFormat"
	FinanceType                    = "FinanceType"
	FlowType                       = "FlowType"
	GeographicExactness            = "GeographicExactness"
	GeographicLocationClass        = "GeographicLocationClass"
	GeographicLocationReach        = "GeographicLocationReach"
	GeographicVocabulary           = "GeographicVocabulary"
	GeographicalPrecision          = "GeographicalPrecision"
	HumanitarianScopeType          = "HumanitarianScopeType"
	HumanitarianScopeVocabulary    = "HumanitarianScopeVocabulary"
	IndicatorMeasure               = "IndicatorMeasure"
	Language                       = "Language"
	LoanRepaymentPeriod            = "LoanRepaymentPeriod"
	LoanRepaymentType              = "LoanRepaymentType"
	LocationType                   = "LocationType"
	OrganisationRegistrationAgency = "OrganisationRegistrationAgency"
	OrganisationRole               = "OrganisationRole"
	OrganisationType               = "OrganisationType"
	OtherIdentifierType            = "OtherIdentifierType"
	PolicyMarker                   = "PolicyMarker"
	PolicyMarkerVocabulary         = "PolicyMarkerVocabulary"
	PolicySignificance             = "PolicySignificance"
	Region                         = "Region"
	RegionVocabulary               = "RegionVocabulary"
	RelatedActivityType            = "RelatedActivityType"
	ResultType                     = "ResultType"
	Sector                         = "Sector"
	SectorCategory                 = "SectorCategory"
	SectorVocabulary               = "SectorVocabulary"
	TagVocabulary                  = "TagVocabulary"
	TiedStatus                     = "TiedStatus"
	TransactionType                = "TransactionType"
	VerificationStatus             = "VerificationStatus"
)

// header is the first line of every data file (see ./internal/gen).
const header = "code\tname\tcategory\twithdrawn"

//go:embed data/*.tsv
var files embed.FS

// list is one codelist, parsed on first use.
type list struct {
	file  string
	once  sync.Once
	codes []Code
	index map[string]int // code → position in codes
	err   error
}

var (
	lists = map[string]*list{} // by IATI name; filled by init, read-only after
	names []string             // the keys of lists, sorted
)

func init() {
	entries, err := fs.ReadDir(files, "data")
	if err != nil {
		panic("codelists: " + err.Error())
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".tsv")
		if !ok {
			continue
		}
		lists[name] = &list{file: "data/" + e.Name()}
		names = append(names, name)
	}
	// Sorted by list name, not file name: "AidType" before "AidType-category".
	slices.Sort(names)
}

// get returns a parsed list, or nil when the list is unknown. A data file
// that does not parse is a build defect (the tests parse every file), so it
// panics rather than making every caller handle an error.
func get(name string) *list {
	l := lists[name]
	if l == nil {
		return nil
	}
	l.once.Do(l.load)
	if l.err != nil {
		panic(l.err)
	}
	return l
}

func (l *list) load() {
	data, err := files.ReadFile(l.file)
	if err != nil {
		l.err = fmt.Errorf("codelists: %w", err)
		return
	}
	l.codes, l.index, err = parse(string(data))
	if err != nil {
		l.err = fmt.Errorf("codelists: %s: %w", l.file, err)
	}
}

// parse reads a data file: the header line, then one line per code with
// four tab-separated fields.
func parse(data string) ([]Code, map[string]int, error) {
	first, rest, _ := strings.Cut(data, "\n")
	if first != header {
		return nil, nil, fmt.Errorf("first line is %q, want %q", first, header)
	}
	n := strings.Count(rest, "\n")
	codes := make([]Code, 0, n)
	index := make(map[string]int, n)
	for lineNo := 2; rest != ""; lineNo++ {
		var line string
		var ok bool
		line, rest, ok = strings.Cut(rest, "\n")
		if !ok {
			return nil, nil, fmt.Errorf("line %d: no final line break", lineNo)
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, nil, fmt.Errorf("line %d: %d fields, want 4", lineNo, len(f))
		}
		if f[0] == "" {
			return nil, nil, fmt.Errorf("line %d: empty code", lineNo)
		}
		if f[3] != "" && f[3] != "1" {
			return nil, nil, fmt.Errorf("line %d: withdrawn field %q, want \"1\" or empty", lineNo, f[3])
		}
		if _, dup := index[f[0]]; dup {
			return nil, nil, fmt.Errorf("line %d: code %q again", lineNo, f[0])
		}
		index[f[0]] = len(codes)
		codes = append(codes, Code{Code: f[0], Name: f[1], Category: f[2], Withdrawn: f[3] == "1"})
	}
	if len(codes) == 0 {
		return nil, nil, fmt.Errorf("no codes")
	}
	return codes, index, nil
}

// Lookup finds a code in a list by the list's IATI name ("Sector",
// "PolicySignificance"); ok is false when the list or the code is unknown.
// Codes are matched exactly, as IATI writes them.
func Lookup(list, code string) (Code, bool) {
	l := get(list)
	if l == nil {
		return Code{}, false
	}
	i, ok := l.index[code]
	if !ok {
		return Code{}, false
	}
	return l.codes[i], true
}

// Name is the code's English name, "" when unknown (a few lists, such as
// FileFormat, give their codes no name at all).
func Name(list, code string) string {
	c, _ := Lookup(list, code)
	return c.Name
}

// Has reports whether the list is known.
func Has(list string) bool {
	_, ok := lists[list]
	return ok
}

// Codes lists a list's entries in the source's order (nil for an unknown
// list). The slice is the caller's own.
func Codes(list string) []Code {
	l := get(list)
	if l == nil {
		return nil
	}
	return slices.Clone(l.codes)
}

// Lists names every list held, sorted.
func Lists() []string {
	return slices.Clone(names)
}

// SectorName is the English name of a sector code under an IATI sector
// vocabulary: vocabulary "1" (OECD DAC 5-digit purpose codes, the default
// when the vocabulary is omitted, so also "") reads the Sector list, "2"
// (DAC 3-digit categories) the SectorCategory list. Any other vocabulary,
// or an unknown code, gives "".
func SectorName(vocabulary, code string) string {
	switch vocabulary {
	case "", "1":
		return Name(Sector, code)
	case "2":
		return Name(SectorCategory, code)
	}
	return ""
}

// DACIdentifier turns a bare OECD DAC CRS channel code ("41114", "47066")
// into the IATI organisation identifier "XM-DAC-41114". The rule is the
// OrganisationRegistrationAgency list's: its agency XM-DAC is the OECD
// Development Assistance Committee, whose channel codes form identifiers as
// XM-DAC-<channel code> (e.g. XM-DAC-41301 for FAO). ok is false when the
// CRSChannelCode list does not hold the code; withdrawn channel codes still
// convert, since they identify the same organisation in older data.
func DACIdentifier(code string) (string, bool) {
	if _, ok := Lookup(CRSChannelCode, code); !ok {
		return "", false
	}
	return "XM-DAC-" + code, true
}
