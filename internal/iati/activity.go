package iati

import (
	"github.com/aidregistry/registry/internal/money"
)

// Narrative is one text in one language. Lang is the language it is in (see
// the package documentation for how it is resolved); "" when the file
// declares none.
type Narrative struct {
	Lang string
	Text string
}

// Problem is one element of an activity that could not be taken as it
// stands. Element locates it ("transaction[3]", "activity-status"); Reason
// says what was wrong and whether the element was skipped or a qualifier
// dropped.
type Problem struct {
	Element string
	Reason  string
}

func (p Problem) String() string { return p.Element + ": " + p.Reason }

// Activity is one iati-activity, in IATI's own codes.
type Activity struct {
	// Identifier is the iati-identifier, the programme code in the registry.
	Identifier string
	// Lang is the activity's default language: its xml:lang, else the
	// file's; "" when neither is declared.
	Lang string
	// DefaultCurrency is the ISO 4217 default-currency; values without a
	// currency of their own have already been given it.
	DefaultCurrency string
	// LastUpdated is the last-updated-datetime as written (xsd:dateTime).
	LastUpdated string
	// Hierarchy is the hierarchy attribute; 0 when not given.
	Hierarchy int

	ReportingOrg      ReportingOrg
	Title             []Narrative
	Descriptions      []Description
	ParticipatingOrgs []ParticipatingOrg
	// Status is the ActivityStatus code, "1" to "6"; "" when missing.
	Status             string
	Dates              []ActivityDate
	Contacts           []ContactInfo
	RecipientCountries []RecipientCountry
	RecipientRegions   []RecipientRegion
	Sectors            []Sector
	Budgets            []Budget
	Transactions       []Transaction
	DocumentLinks      []DocumentLink
	RelatedActivities  []RelatedActivity

	// Problems lists what was skipped or dropped while reading.
	Problems []Problem

	// Element is the whole iati-activity as written, every element and
	// attribute, for what the fields above do not carry.
	Element *Element
}

// ReportingOrg is the organisation publishing the activity.
type ReportingOrg struct {
	Ref  string
	Type string // OrganisationType code; "" when missing or unknown
	Name []Narrative
}

// Description is one description of the activity.
type Description struct {
	Type       string // DescriptionType code "1" to "4"; "" when not given
	Narratives []Narrative
}

// ParticipatingOrg is an organisation in one role in the activity.
type ParticipatingOrg struct {
	// Elem is the element's index among the activity's elements of its name.
	Elem int
	// Ref is the organisation identifier as given; publishers also put
	// internal codes here ("35"), which are kept.
	Ref        string
	Type       string // OrganisationType code; "" when not given or unknown
	Role       string // OrganisationRole code "1" to "4"
	ActivityID string // the activity-id attribute: the org's own activity
	// CRSChannelCode is the crs-channel-code attribute (2.03): the OECD
	// DAC CRS channel the organisation is, as a code.
	CRSChannelCode string
	Name           []Narrative
}

// ActivityDate is a planned or actual start or end.
type ActivityDate struct {
	Type       string // ActivityDateType code "1" to "4"
	Date       string // YYYY-MM-DD
	Narratives []Narrative
}

// ContactInfo is one contact-info element.
type ContactInfo struct {
	// Elem is the element's index among the activity's elements of its name.
	Elem           int
	Type           string // ContactType code as given
	Organisation   []Narrative
	Department     []Narrative
	PersonName     []Narrative
	JobTitle       []Narrative
	Telephone      []string
	Email          []string
	Website        []string
	MailingAddress [][]Narrative // each address with its narratives
}

// RecipientCountry is a country the activity benefits.
type RecipientCountry struct {
	// Elem is the element's index among the activity's elements of its name.
	Elem       int
	Code       string         // ISO 3166-1 alpha-2, upper case
	Percentage *money.Decimal // nil when not given
	Narratives []Narrative
}

// RecipientRegion is a region the activity benefits.
type RecipientRegion struct {
	Code          string
	Vocabulary    string // RegionVocabulary code; "" means 1 (OECD DAC)
	VocabularyURI string
	Percentage    *money.Decimal
	Narratives    []Narrative
}

// Sector is a sector classification of the activity.
type Sector struct {
	Code          string
	Vocabulary    string // SectorVocabulary code; "" means 1 (DAC 5 digit)
	VocabularyURI string
	Percentage    *money.Decimal
	Narratives    []Narrative
}

// Value is an exact amount with its currency and value-date.
type Value struct {
	Amount money.Decimal
	// Currency is ISO 4217; the activity's default-currency when the value
	// names none.
	Currency string
	// Date is the value-date (YYYY-MM-DD); "" when not given or malformed.
	Date string
}

// Money gives the value as the registry's Money.
func (v Value) Money() money.Money { return money.Money{Amount: v.Amount, Currency: v.Currency} }

// Budget is one budget period of the activity.
type Budget struct {
	Type        string // BudgetType code "1" original / "2" revised; "" when not given
	Status      string // BudgetStatus code "1" indicative / "2" committed; "" when not given
	PeriodStart string
	PeriodEnd   string
	Value       Value
}

// Transaction is one financial transaction of the activity.
type Transaction struct {
	// Elem is the element's index among the activity's elements of its name.
	Elem        int
	Ref         string // the transaction's own ref attribute
	Type        string // TransactionType code "1" to "13"
	Date        string // transaction-date, YYYY-MM-DD
	Value       Value
	Description []Narrative
	Provider    *TransactionOrg // nil when not given
	Receiver    *TransactionOrg // nil when not given
}

// TransactionOrg is a transaction's provider-org or receiver-org.
type TransactionOrg struct {
	Ref        string
	Type       string // OrganisationType code; "" when not given or unknown
	ActivityID string // provider-activity-id or receiver-activity-id
	Name       []Narrative
}

// DocumentLink is a document about the activity.
type DocumentLink struct {
	URL         string
	Format      string // IANA media type
	Title       []Narrative
	Description []Narrative
	Categories  []string // DocumentCategory codes
	Languages   []string // ISO 639-1 codes of the document
	Date        string   // document-date, YYYY-MM-DD
}

// RelatedActivity is a link to another activity by its identifier.
type RelatedActivity struct {
	Ref  string
	Type string // RelatedActivityType code "1" to "5"
}

// Start returns the activity's start date: the actual start when given,
// else the planned one; "" when neither is.
func (a *Activity) Start() string {
	return a.firstDate(ActivityDateActualStart, ActivityDatePlannedStart)
}

// End returns the activity's end date: the actual end when given, else the
// planned one; "" when neither is.
func (a *Activity) End() string {
	return a.firstDate(ActivityDateActualEnd, ActivityDatePlannedEnd)
}

func (a *Activity) firstDate(types ...string) string {
	for _, t := range types {
		for _, d := range a.Dates {
			if d.Type == t {
				return d.Date
			}
		}
	}
	return ""
}

// Text picks one narrative's text: the first in lang, else the first in the
// activity's default language, else the first of all; "" when there is
// none.
func (a *Activity) Text(ns []Narrative, lang string) string {
	return pickText(ns, lang, a.Lang)
}

func pickText(ns []Narrative, langs ...string) string {
	for _, l := range langs {
		if l == "" {
			continue
		}
		for _, n := range ns {
			if n.Lang == l {
				return n.Text
			}
		}
	}
	if len(ns) > 0 {
		return ns[0].Text
	}
	return ""
}
