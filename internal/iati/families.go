package iati

import (
	"slices"
	"strings"
)

// Holder says which of the registry's records keeps an element family of
// an imported activity. A record holds the elements it stands for, so that
// a change made to it through the API replaces them on export while the
// others stay as published.
type Holder int

const (
	// HeldByProgramme: the programme keeps the element with the activity's
	// attributes.
	HeldByProgramme Holder = iota
	// HeldByFunding: each transaction is kept by the Funding made of it.
	HeldByFunding
	// HeldByParticipation: each participating-org by its Participation.
	HeldByParticipation
	// HeldByCountry: each recipient-country by its ProgrammeCountry.
	HeldByCountry
	// HeldByContact: each contact-info by its Contact.
	HeldByContact
)

// Family describes one child element of iati-activity once: where the
// 2.03 schema puts it, which record holds it, whether the programme's own
// fields stand for it, where people query it and which codelist names its
// codes. Reading, storing, comparing and writing go by this table: a family
// that nobody queries needs no code beyond its entry.
type Family struct {
	Name string
	// Holder keeps the elements that became a record of that kind; those
	// that did not (a transaction without a value) stay with the programme.
	Holder Holder
	// Bound families are what the programme's fields are made of: once the
	// programme is changed through the API they are written from its
	// fields, not as published.
	Bound bool
	// Projection names the rows made of the family for queries (the
	// GraphQL field on Programme); "" when it is only kept.
	Projection string
	// Codelist names the codes of its code attribute, "" when none.
	Codelist string
}

// ActivityFamilies are the children of iati-activity in the order of the
// 2.03 schema's sequence.
var ActivityFamilies = []Family{
	{Name: "iati-identifier", Bound: true},
	{Name: "reporting-org"},
	{Name: "title", Bound: true},
	{Name: "description", Bound: true, Codelist: "DescriptionType"},
	{Name: "participating-org", Holder: HeldByParticipation, Projection: "participations", Codelist: "OrganisationRole"},
	{Name: "other-identifier", Projection: "otherIdentifiers", Codelist: "OtherIdentifierType"},
	{Name: "activity-status", Bound: true, Codelist: "ActivityStatus"},
	{Name: "activity-date", Bound: true, Codelist: "ActivityDateType"},
	{Name: "contact-info", Holder: HeldByContact, Projection: "contacts", Codelist: "ContactType"},
	{Name: "activity-scope", Codelist: "ActivityScope"},
	{Name: "recipient-country", Holder: HeldByCountry, Projection: "countries", Codelist: "Country"},
	{Name: "recipient-region", Codelist: "Region"},
	{Name: "location", Projection: "locations", Codelist: "LocationType"},
	{Name: "sector", Projection: "sectors", Codelist: "Sector"},
	{Name: "tag", Projection: "tags", Codelist: "TagVocabulary"},
	{Name: "country-budget-items", Codelist: "BudgetIdentifierVocabulary"},
	{Name: "humanitarian-scope", Projection: "humanitarianScopes", Codelist: "HumanitarianScopeType"},
	{Name: "policy-marker", Projection: "policyMarkers", Codelist: "PolicyMarker"},
	{Name: "collaboration-type", Codelist: "CollaborationType"},
	{Name: "default-flow-type", Codelist: "FlowType"},
	{Name: "default-finance-type", Codelist: "FinanceType"},
	{Name: "default-aid-type", Codelist: "AidType"},
	{Name: "default-tied-status", Codelist: "TiedStatus"},
	{Name: "budget", Bound: true, Codelist: "BudgetType"},
	{Name: "planned-disbursement", Projection: "plannedDisbursements", Codelist: "BudgetType"},
	{Name: "capital-spend"},
	{Name: "transaction", Holder: HeldByFunding, Projection: "fundings", Codelist: "TransactionType"},
	{Name: "document-link", Projection: "documentLinks", Codelist: "DocumentCategory"},
	{Name: "related-activity", Codelist: "RelatedActivityType"},
	{Name: "legacy-data"},
	{Name: "conditions", Codelist: "ConditionType"},
	{Name: "result", Projection: "iatiResults", Codelist: "ResultType"},
	{Name: "crs-add"},
	{Name: "fss"},
}

var familyIndex = func() map[string]int {
	m := make(map[string]int, len(ActivityFamilies))
	for i, f := range ActivityFamilies {
		m[f.Name] = i
	}
	return m
}()

// FamilyOf returns the family of an element by its key (Element.Key);
// false for elements the schema does not name (other namespaces), which
// the programme holds.
func FamilyOf(key string) (Family, bool) {
	i, ok := familyIndex[key]
	if !ok {
		return Family{}, false
	}
	return ActivityFamilies[i], true
}

// SchemaOrder sorts an activity's children as the 2.03 schema's sequence
// wants them: by family, and within a family (and for elements of other
// namespaces, which go last) by their place in the publisher's file.
func SchemaOrder(children []*Element) {
	rank := func(e *Element) int {
		if i, ok := familyIndex[e.Key()]; ok {
			return i
		}
		return len(ActivityFamilies)
	}
	slices.SortStableFunc(children, func(a, b *Element) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		if ka, kb := a.Key(), b.Key(); ka != kb {
			return strings.Compare(ka, kb)
		}
		return a.Pos - b.Pos
	})
}

// HolderOf says which record holds an element of the activity.
func HolderOf(e *Element) Holder {
	f, _ := FamilyOf(e.Key())
	return f.Holder
}
