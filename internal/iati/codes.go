package iati

import (
	"sort"
	"strings"

	"github.com/biter777/countries"
)

// The IATI codelists the reader checks, as of IATI 2.03
// (iatistandard.org/en/iati-standard/203/codelists/). The 2.03 schema in
// ../shared/iati/schema/ types these attributes as xsd:string and names the
// codelists without listing them, so the codes are kept here.

// OrganisationType codes.
const (
	OrgTypeGovernment               = "10"
	OrgTypeLocalGovernment          = "11"
	OrgTypeOtherPublicSector        = "15"
	OrgTypeInternationalNGO         = "21"
	OrgTypeNationalNGO              = "22"
	OrgTypeRegionalNGO              = "23"
	OrgTypePartnerCountryNGO        = "24"
	OrgTypePublicPrivatePartnership = "30"
	OrgTypeMultilateral             = "40"
	OrgTypeFoundation               = "60"
	OrgTypePrivateSector            = "70"
	OrgTypePrivateSectorProvider    = "71"
	OrgTypePrivateSectorRecipient   = "72"
	OrgTypePrivateSectorThird       = "73"
	OrgTypeAcademic                 = "80"
	OrgTypeOther                    = "90"
)

// OrganisationRole codes.
const (
	RoleFunding      = "1"
	RoleAccountable  = "2"
	RoleExtending    = "3"
	RoleImplementing = "4"
)

// ActivityStatus codes.
const (
	StatusPipeline       = "1"
	StatusImplementation = "2"
	StatusFinalisation   = "3"
	StatusClosed         = "4"
	StatusCancelled      = "5"
	StatusSuspended      = "6"
)

// ActivityDateType codes.
const (
	ActivityDatePlannedStart = "1"
	ActivityDateActualStart  = "2"
	ActivityDatePlannedEnd   = "3"
	ActivityDateActualEnd    = "4"
)

// TransactionType codes. 12 and 13 are new in 2.03.
const (
	TransactionIncomingFunds      = "1"
	TransactionOutgoingCommitment = "2"
	TransactionDisbursement       = "3"
	TransactionExpenditure        = "4"
	TransactionInterestPayment    = "5"
	TransactionLoanRepayment      = "6"
	TransactionReimbursement      = "7"
	TransactionPurchaseOfEquity   = "8"
	TransactionSaleOfEquity       = "9"
	TransactionCreditGuarantee    = "10"
	TransactionIncomingCommitment = "11"
	TransactionOutgoingPledge     = "12"
	TransactionIncomingPledge     = "13"
)

// RelatedActivityType codes.
const (
	RelatedParent     = "1"
	RelatedChild      = "2"
	RelatedSibling    = "3"
	RelatedCoFunded   = "4"
	RelatedThirdParty = "5"
)

// codelist is one IATI codelist: its name and its codes with their names.
type codelist struct {
	name  string
	codes map[string]string
}

func (c codelist) has(code string) bool { _, ok := c.codes[code]; return ok }

// list gives the codes, in numeric order, for a reason text.
func (c codelist) list() string {
	keys := make([]string, 0, len(c.codes))
	for k := range c.codes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) < len(keys[j])
		}
		return keys[i] < keys[j]
	})
	return strings.Join(keys, ", ")
}

var (
	organisationTypes = codelist{"OrganisationType", map[string]string{
		"10": "Government", "11": "Local Government", "15": "Other Public Sector",
		"21": "International NGO", "22": "National NGO", "23": "Regional NGO",
		"24": "Partner Country based NGO", "30": "Public Private Partnership",
		"40": "Multilateral", "60": "Foundation", "70": "Private Sector",
		"71": "Private Sector in Provider Country", "72": "Private Sector in Aid Recipient Country",
		"73": "Private Sector in Third Country", "80": "Academic, Training and Research", "90": "Other",
	}}
	organisationRoles = codelist{"OrganisationRole", map[string]string{
		"1": "Funding", "2": "Accountable", "3": "Extending", "4": "Implementing",
	}}
	activityStatuses = codelist{"ActivityStatus", map[string]string{
		"1": "Pipeline/identification", "2": "Implementation", "3": "Finalisation",
		"4": "Closed", "5": "Cancelled", "6": "Suspended",
	}}
	activityDateTypes = codelist{"ActivityDateType", map[string]string{
		"1": "Planned start", "2": "Actual start", "3": "Planned End", "4": "Actual end",
	}}
	transactionTypes = codelist{"TransactionType", map[string]string{
		"1": "Incoming Funds", "2": "Outgoing Commitment", "3": "Disbursement", "4": "Expenditure",
		"5": "Interest Payment", "6": "Loan Repayment", "7": "Reimbursement",
		"8": "Purchase of Equity", "9": "Sale of Equity", "10": "Credit Guarantee",
		"11": "Incoming Commitment", "12": "Outgoing Pledge", "13": "Incoming Pledge",
	}}
	relatedActivityTypes = codelist{"RelatedActivityType", map[string]string{
		"1": "Parent", "2": "Child", "3": "Sibling", "4": "Co-funded", "5": "Third Party",
	}}
	descriptionTypes = codelist{"DescriptionType", map[string]string{
		"1": "General", "2": "Objectives", "3": "Target Groups", "4": "Other",
	}}
	budgetTypes    = codelist{"BudgetType", map[string]string{"1": "Original", "2": "Revised"}}
	budgetStatuses = codelist{"BudgetStatus", map[string]string{"1": "Indicative", "2": "Committed"}}
)

// CodeName gives the English name IATI gives a code of one of the
// codelists above ("OrganisationType", "TransactionType", ...); "" when
// unknown.
func CodeName(list, code string) string {
	for _, c := range []codelist{organisationTypes, organisationRoles, activityStatuses,
		activityDateTypes, transactionTypes, relatedActivityTypes, descriptionTypes,
		budgetTypes, budgetStatuses} {
		if c.name == list {
			return c.codes[code]
		}
	}
	return ""
}

// isoCountries holds the ISO 3166-1 alpha-2 codes, with the user-assigned
// XK (Kosovo) that IATI's Country codelist also carries.
var isoCountries = func() map[string]bool {
	m := make(map[string]bool, 256)
	for _, c := range countries.All() {
		m[c.Alpha2()] = true
	}
	m["XK"] = true
	return m
}()

// The registry's enum values (ent/schema), as the importer and exporter
// use them.
const (
	KindGovernment               = "GOVERNMENT"
	KindLocalGovernment          = "LOCAL_GOVERNMENT"
	KindOtherPublicSector        = "OTHER_PUBLIC_SECTOR"
	KindInternationalNGO         = "INTERNATIONAL_NGO"
	KindNationalNGO              = "NATIONAL_NGO"
	KindRegionalNGO              = "REGIONAL_NGO"
	KindPublicPrivatePartnership = "PUBLIC_PRIVATE_PARTNERSHIP"
	KindMultilateral             = "MULTILATERAL"
	KindFoundation               = "FOUNDATION"
	KindPrivateSector            = "PRIVATE_SECTOR"
	KindAcademic                 = "ACADEMIC"
	KindOther                    = "OTHER"

	ParticipationFunding      = "FUNDING"
	ParticipationAccountable  = "ACCOUNTABLE"
	ParticipationExtending    = "EXTENDING"
	ParticipationImplementing = "IMPLEMENTING"
	ParticipationPartner      = "PARTNER"

	ProgrammePipeline       = "PIPELINE"
	ProgrammeImplementation = "IMPLEMENTATION"
	ProgrammeFinalisation   = "FINALISATION"
	ProgrammeClosed         = "CLOSED"
	ProgrammeCancelled      = "CANCELLED"
	ProgrammeSuspended      = "SUSPENDED"

	FundingIncomingFunds = "INCOMING_FUNDS"
	FundingCommitment    = "COMMITMENT"
	FundingDisbursement  = "DISBURSEMENT"
	FundingExpenditure   = "EXPENDITURE"
	FundingPledge        = "PLEDGE"
)

// OrganisationKindByType maps every OrganisationType code to an Organisation
// kind. The twelve kinds are named after codes 10-90; the codes IATI added
// later fold into the nearest kind: 24 (Partner Country based NGO, a local
// or national NGO of the recipient country) is NATIONAL_NGO, and 71-73
// (Private Sector in the provider, recipient or a third country) are
// PRIVATE_SECTOR. Those four do not survive a round trip through the
// registry: they are exported as 22 and 70.
var OrganisationKindByType = map[string]string{
	OrgTypeGovernment:               KindGovernment,
	OrgTypeLocalGovernment:          KindLocalGovernment,
	OrgTypeOtherPublicSector:        KindOtherPublicSector,
	OrgTypeInternationalNGO:         KindInternationalNGO,
	OrgTypeNationalNGO:              KindNationalNGO,
	OrgTypeRegionalNGO:              KindRegionalNGO,
	OrgTypePartnerCountryNGO:        KindNationalNGO,
	OrgTypePublicPrivatePartnership: KindPublicPrivatePartnership,
	OrgTypeMultilateral:             KindMultilateral,
	OrgTypeFoundation:               KindFoundation,
	OrgTypePrivateSector:            KindPrivateSector,
	OrgTypePrivateSectorProvider:    KindPrivateSector,
	OrgTypePrivateSectorRecipient:   KindPrivateSector,
	OrgTypePrivateSectorThird:       KindPrivateSector,
	OrgTypeAcademic:                 KindAcademic,
	OrgTypeOther:                    KindOther,
}

// OrganisationTypeByKind maps every Organisation kind to the
// OrganisationType code it is named after.
var OrganisationTypeByKind = map[string]string{
	KindGovernment:               OrgTypeGovernment,
	KindLocalGovernment:          OrgTypeLocalGovernment,
	KindOtherPublicSector:        OrgTypeOtherPublicSector,
	KindInternationalNGO:         OrgTypeInternationalNGO,
	KindNationalNGO:              OrgTypeNationalNGO,
	KindRegionalNGO:              OrgTypeRegionalNGO,
	KindPublicPrivatePartnership: OrgTypePublicPrivatePartnership,
	KindMultilateral:             OrgTypeMultilateral,
	KindFoundation:               OrgTypeFoundation,
	KindPrivateSector:            OrgTypePrivateSector,
	KindAcademic:                 OrgTypeAcademic,
	KindOther:                    OrgTypeOther,
}

// ParticipationRoleByRole maps OrganisationRole codes to Participation
// roles. PARTNER has no IATI code: the exporter leaves such participations
// out (ok is false in RoleByParticipationRole).
var ParticipationRoleByRole = map[string]string{
	RoleFunding:      ParticipationFunding,
	RoleAccountable:  ParticipationAccountable,
	RoleExtending:    ParticipationExtending,
	RoleImplementing: ParticipationImplementing,
}

// RoleByParticipationRole is the inverse of ParticipationRoleByRole.
var RoleByParticipationRole = invert(ParticipationRoleByRole)

// ProgrammeStatusByStatus maps ActivityStatus codes to Programme statuses,
// one to one.
var ProgrammeStatusByStatus = map[string]string{
	StatusPipeline:       ProgrammePipeline,
	StatusImplementation: ProgrammeImplementation,
	StatusFinalisation:   ProgrammeFinalisation,
	StatusClosed:         ProgrammeClosed,
	StatusCancelled:      ProgrammeCancelled,
	StatusSuspended:      ProgrammeSuspended,
}

// StatusByProgrammeStatus is the inverse of ProgrammeStatusByStatus.
var StatusByProgrammeStatus = invert(ProgrammeStatusByStatus)

// FundingKindByTransactionType maps TransactionType codes to Funding kinds.
// The kind is the coarse family: an incoming commitment (11) is a
// COMMITMENT like an outgoing one (2), and both pledges (12 outgoing, 13
// incoming) are PLEDGE; the exact type is kept beside it
// (Funding.transactionType), so the direction is never lost. Codes 5-10
// (interest payment, loan repayment, reimbursement, purchase and sale of
// equity, credit guarantee) have no family: their fundings have no kind.
var FundingKindByTransactionType = map[string]string{
	TransactionIncomingFunds:      FundingIncomingFunds,
	TransactionOutgoingCommitment: FundingCommitment,
	TransactionDisbursement:       FundingDisbursement,
	TransactionExpenditure:        FundingExpenditure,
	TransactionIncomingCommitment: FundingCommitment,
	TransactionOutgoingPledge:     FundingPledge,
	TransactionIncomingPledge:     FundingPledge,
}

// TransactionTypeNames are the GraphQL names of the thirteen IATI
// TransactionType codes (Funding.transactionType), by code.
var TransactionTypeNames = map[string]string{
	"1": "INCOMING_FUNDS", "2": "OUTGOING_COMMITMENT", "3": "DISBURSEMENT", "4": "EXPENDITURE",
	"5": "INTEREST_PAYMENT", "6": "LOAN_REPAYMENT", "7": "REIMBURSEMENT", "8": "PURCHASE_OF_EQUITY",
	"9": "SALE_OF_EQUITY", "10": "CREDIT_GUARANTEE", "11": "INCOMING_COMMITMENT", "12": "OUTGOING_PLEDGE",
	"13": "INCOMING_PLEDGE",
}

// TransactionTypeByName maps Funding.transactionType names back to codes.
var TransactionTypeByName = invert(TransactionTypeNames)

// TransactionTypeByFundingKind maps Funding kinds to the TransactionType
// code the exporter writes for a funding that has no transactionType (one
// typed in, not imported): COMMITMENT is 2 and PLEDGE is 12 (the outgoing
// forms).
var TransactionTypeByFundingKind = map[string]string{
	FundingIncomingFunds: TransactionIncomingFunds,
	FundingCommitment:    TransactionOutgoingCommitment,
	FundingDisbursement:  TransactionDisbursement,
	FundingExpenditure:   TransactionExpenditure,
	FundingPledge:        TransactionOutgoingPledge,
}

// Programme links a related-activity makes: type 1 names the activity's
// parent, type 2 a child. Types 3-5 (sibling, co-funded, third party) are
// kept by the reader and written back by the writer, but are no
// parent/child link.
const (
	LinkParent = "PARENT"
	LinkChild  = "CHILD"
)

// LinkByRelatedType maps RelatedActivityType codes to programme links.
var LinkByRelatedType = map[string]string{
	RelatedParent: LinkParent,
	RelatedChild:  LinkChild,
}

func invert(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[v] = k
	}
	return out
}
