package demo

import (
	"github.com/aidregistry/registry/ent/agreement"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/programmecountry"
)

// The five seed documents (shared/seeds/). Every fact below names the ones
// it was read from.
const (
	docSomaliExpertise = "000_fed6686241d43a61.txt" // IOM Mali: IOM and UNDP team up (QUESTS-MIDA)
	docMaliProfiling   = "001_2cfe5febefbe9b01.txt" // IOM project record S72-805
	docUNITAR          = "002_e1e091da809d9b26.txt" // IOM-UNITAR partnership; peacebuilding conference
	docIOMUK           = "003_03492e191b10d52d.txt" // IOM UK: Diaspora and Development
	docGreatLakes      = "004_bf464f41911d13d5.txt" // IOM Rwanda: IT skills transfer conference
)

// docs lists source files; it keeps the tables below short.
func docs(files ...string) []string { return files }

type sourceFact struct {
	File, Title, Publisher string
}

// sourceFacts: title is each document's headline, as the document spells it.
var sourceFacts = []sourceFact{
	{docSomaliExpertise, "IOM and UNDP Team Up to Bring Back Somali Diaspora Expertise", "International Organization for Migration"},
	{docMaliProfiling, "Profiling Malian Nationals Abroad and Enhancing their Expertise for Mali’s Socio-Economic Development", "International Organization for Migration"},
	{docUNITAR, "Key Partnership Engages Diasporas in Post-Emergency Countries", "International Organization for Migration"},
	{docIOMUK, "Diaspora and Development", "IOM UK"},
	{docGreatLakes, "Using Information Technology to Transfer Skills from the Diaspora", "International Organization for Migration"},
}

// Organisation names: the natural key other tables refer to.
const (
	iom       = "International Organization for Migration"
	undp      = "United Nations Development Programme"
	unitar    = "United Nations Institute for Training and Research"
	belgium   = "Government of Belgium"
	macArthur = "MacArthur Foundation"
	nur       = "National University of Rwanda"
	ulb       = "Université Libre de Bruxelles"
	worldBank = "World Bank"
	unesco    = "UNESCO"
	iicba     = "International Institute for Capacity Building in Africa"
	auf       = "Agence universitaire de la Francophonie"
	uva       = "Université Virtuelle Africaine"
)

type orgFact struct {
	Name, Acronym string // acronym only where a source gives one
	Kind          organisation.Kind
	HQ            string // ISO 3166-1 alpha-2, only where a source places it
	Sources       []string
}

var orgFacts = []orgFact{
	{iom, "IOM", organisation.KindMULTILATERAL, "", docs(docSomaliExpertise, docMaliProfiling, docUNITAR, docIOMUK, docGreatLakes)},
	{undp, "UNDP", organisation.KindMULTILATERAL, "", docs(docSomaliExpertise, docIOMUK)},
	{unitar, "UNITAR", organisation.KindMULTILATERAL, "", docs(docUNITAR)},
	// 004 says "the Belgium government".
	{belgium, "", organisation.KindGOVERNMENT, "BE", docs(docGreatLakes)},
	// 002: "one of the largest independent foundations in the USA".
	{macArthur, "", organisation.KindFOUNDATION, "US", docs(docUNITAR)},
	{nur, "", organisation.KindACADEMIC, "RW", docs(docGreatLakes)},
	{ulb, "", organisation.KindACADEMIC, "BE", docs(docGreatLakes)},
	{worldBank, "", organisation.KindMULTILATERAL, "", docs(docGreatLakes)},
	// 004 says only "UNESCO", so that is its name as well as its acronym.
	{unesco, "UNESCO", organisation.KindMULTILATERAL, "", docs(docGreatLakes)},
	// 004 lists the institute among the "international, regional and
	// national organizations and institutions"; of the IATI types,
	// Multilateral (40) fits an intergovernmental capacity-building
	// institute best. Its headquarters are not given.
	{iicba, "", organisation.KindMULTILATERAL, "", docs(docGreatLakes)},
	// Academic, Training and Research (80): by its name ("agence
	// universitaire") it is a body of universities. 004 gives no acronym.
	{auf, "", organisation.KindACADEMIC, "", docs(docGreatLakes)},
	// 004: "the Université Virtuelle Africaine in Nairobi (UVA)".
	{uva, "UVA", organisation.KindACADEMIC, "KE", docs(docGreatLakes)},
}

type presenceFact struct {
	Org, Country, OpenedIn string
	Sources                []string
}

var presenceFacts = []presenceFact{
	{iom, "ML", "1998", docs(docSomaliExpertise)},
	{iom, "RW", "1994", docs(docGreatLakes)},
	{iom, "GB", "", docs(docIOMUK)}, // IOM UK; no opening year given
}

type areaFact struct {
	Country, Name string
	Sources       []string
}

// Somalia's areas, shared by the country and the programmes covering them.
var areaFacts = []areaFact{
	{"SO", "Somaliland", docs(docSomaliExpertise, docIOMUK)},
	{"SO", "Puntland", docs(docSomaliExpertise, docIOMUK)},
	{"SO", "South-Central Somalia", docs(docIOMUK)},
}

type participationFact struct {
	Org     string
	Role    participation.Role
	Sources []string
}

type countryFact struct {
	Country string // ISO 3166-1 alpha-2
	Role    programmecountry.Role
	Areas   []string // area names within the country
	Sources []string
}

type resultFact struct {
	Indicator, Unit string
	Target          string // as the source words it
	Achieved        string // exact decimal
	Sources         []string
}

// fundingFact names no value, kind or date: no source gives one.
type fundingFact struct {
	Funder, Note string
	Sources      []string
}

type programmeFact struct {
	Code, Title, Description string
	Parent                   string // code; parents are listed before children
	Status                   programme.Status
	Theme, Start, End        string
	Coverage                 programme.Coverage
	Region                   string
	Budget, Currency         string
	Sources                  []string
	Participations           []participationFact
	Countries                []countryFact
	Results                  []resultFact
	Fundings                 []fundingFact
}

const (
	beneficiary  = programmecountry.RoleBENEFICIARY
	diasporaHost = programmecountry.RoleDIASPORA_HOST
)

// programmeFacts. Status is left empty wherever the sources do not state
// one for a known date: QUESTS-MIDA is announced as about to start (000)
// and described in an undated page (003); MIDA Great Lakes is reported
// under way in an undated article (004) about a one-year programme, so
// neither can honestly be called IMPLEMENTATION today.
var programmeFacts = []programmeFact{
	{
		Code:        "MIDA",
		Title:       "Migration for Development in Africa",
		Description: "IOM's initiative to help beneficiary governments build the institutional capacity to meet their development goals, drawing on the skills, money and other resources of expatriates.",
		Sources:     docs(docSomaliExpertise, docMaliProfiling, docIOMUK, docGreatLakes),
		Participations: []participationFact{
			{iom, participation.RoleACCOUNTABLE, docs(docSomaliExpertise, docMaliProfiling, docGreatLakes)},
		},
	},
	{
		Code:        "QUESTS-MIDA",
		Title:       "Qualified Expatriate Somali Technical Support - Migration for Development in Africa",
		Parent:      "MIDA",
		Description: "Joint IOM and UNDP programme bringing Somali professionals from the diaspora (in North America, the UK and Scandinavia) home for temporary assignments of about six months, to train staff of Somali institutions in policy and legislation, human resources and public financial management. It starts in northern Somalia, in Somaliland and Puntland, and builds on UNDP's QUESTS project.",
		Sources:     docs(docSomaliExpertise, docIOMUK),
		Participations: []participationFact{
			{undp, participation.RoleFUNDING, docs(docSomaliExpertise)},
			{iom, participation.RoleIMPLEMENTING, docs(docSomaliExpertise)},
		},
		Countries: []countryFact{
			{"SO", beneficiary, []string{"Somaliland", "Puntland"}, docs(docSomaliExpertise, docIOMUK)},
			{"GB", diasporaHost, nil, docs(docSomaliExpertise)},
		},
		Results: []resultFact{
			{Indicator: "initial diaspora expert missions", Unit: "missions", Target: "6", Sources: docs(docSomaliExpertise)},
			{Indicator: "diaspora expert missions within three years", Unit: "missions", Target: "200-300", Sources: docs(docSomaliExpertise)},
		},
		Fundings: []fundingFact{
			{undp, "UNDP funds the programme; the source gives no amount.", docs(docSomaliExpertise)},
		},
	},
	{
		Code:        "QUESTS",
		Title:       "Qualified Expatriate Somali Technical Service",
		Description: "UNDP project; QUESTS-MIDA builds on what it achieved in the four years before QUESTS-MIDA was announced.",
		Sources:     docs(docSomaliExpertise),
		Participations: []participationFact{
			{undp, participation.RoleACCOUNTABLE, docs(docSomaliExpertise)},
		},
		Countries: []countryFact{
			{"SO", beneficiary, nil, docs(docSomaliExpertise)},
		},
	},
	{
		Code:        "SIDP",
		Title:       "Somali Institutional Development Project",
		Description: "Supports Somali governance institutions in the three main administrative areas, South-Central, Puntland and Somaliland, towards open and accountable government.",
		Sources:     docs(docIOMUK),
		Countries: []countryFact{
			{"SO", beneficiary, []string{"South-Central Somalia", "Puntland", "Somaliland"}, docs(docIOMUK)},
		},
	},
	{
		Code:        "S72-805",
		Title:       "Profiling Malian Nationals Abroad and Enhancing their Expertise for Mali’s Socio-Economic Development",
		Parent:      "MIDA",
		Description: "Pilot project within IOM's MIDA strategy that inventories and profiles Malians living abroad and builds an information network on the diaspora with consulates in the main destination countries, so that Mali's government can shape policies drawing expatriates into the country's development.",
		Status:      programme.StatusCLOSED, // "Project Status: Completed"
		Theme:       "Community and Economic Development",
		Start:       "2007",
		End:         "2008",
		Coverage:    programme.CoverageNATIONAL,
		Region:      "Africa",
		Budget:      "79929.00",
		Currency:    "USD",
		Sources:     docs(docMaliProfiling),
		Participations: []participationFact{
			{iom, participation.RoleIMPLEMENTING, docs(docMaliProfiling)},
		},
		Countries: []countryFact{
			{"ML", beneficiary, nil, docs(docMaliProfiling)},
			{"CD", diasporaHost, nil, docs(docMaliProfiling)},
			{"FR", diasporaHost, nil, docs(docMaliProfiling)},
			{"CI", diasporaHost, nil, docs(docMaliProfiling)},
			{"ES", diasporaHost, nil, docs(docMaliProfiling)},
		},
	},
	{
		Code:        "MIDA-GREAT-LAKES",
		Title:       "MIDA Great Lakes",
		Parent:      "MIDA",
		Description: "IOM programme encouraging expatriates from the DRC, Burundi and Rwanda who live legally in Belgium to take part in developing their home countries. A one-year programme launched on 1 February 2005 and paid for entirely by the Belgian government.",
		Start:       "2005-02-01", // the source gives no end date
		Sources:     docs(docGreatLakes),
		Participations: []participationFact{
			{belgium, participation.RoleFUNDING, docs(docGreatLakes)},
			{iom, participation.RoleIMPLEMENTING, docs(docGreatLakes)},
		},
		Countries: []countryFact{
			{"CD", beneficiary, nil, docs(docGreatLakes)},
			{"BI", beneficiary, nil, docs(docGreatLakes)},
			{"RW", beneficiary, nil, docs(docGreatLakes)},
			{"BE", diasporaHost, nil, docs(docGreatLakes)},
		},
		// 46 counts expatriates who completed missions, not missions.
		Results: []resultFact{
			{Indicator: "expatriate missions completed", Unit: "expatriates", Achieved: "46", Sources: docs(docGreatLakes)},
		},
		Fundings: []fundingFact{
			{belgium, "Fully funded by the Belgian government; the source gives no amount.", docs(docGreatLakes)},
		},
	},
	{
		// "A MIDA Great Lakes pilot project": it ran before MIDA Great Lakes
		// was launched, so it hangs from MIDA rather than from a programme
		// that did not yet exist.
		Code:        "MIDA-GREAT-LAKES-PILOT",
		Title:       "MIDA Great Lakes pilot project",
		Parent:      "MIDA",
		Description: "Pilot that preceded MIDA Great Lakes, running from 2002 to 2004.",
		Start:       "2002",
		End:         "2004",
		Sources:     docs(docGreatLakes),
		Results: []resultFact{
			{Indicator: "expatriates who took part", Unit: "expatriates", Achieved: "115", Sources: docs(docGreatLakes)},
		},
	},
}

type contactFact struct {
	Name, Email, Phone, Office string
	Org, Programme             string // organisation name, programme code
	Sources                    []string
}

// contactFacts: email is the natural key; spelling as the sources give it.
var contactFacts = []contactFact{
	{Email: "quests-mida@iom.int", Org: iom, Programme: "QUESTS-MIDA", Sources: docs(docSomaliExpertise)},
	{Name: "Laurent De Boeck", Email: "Ldeboeck@iom.int", Phone: "(+250) 08 40 94 86", Org: iom, Programme: "MIDA-GREAT-LAKES", Sources: docs(docGreatLakes)},
	{Name: "Amy Muedin", Email: "amuedin@iom.int", Phone: "+1-212-681-7000 ext. 212", Office: "IOM New York", Org: iom, Sources: docs(docUNITAR)},
}

type partyFact struct {
	Org, SignatoryName, SignatoryTitle string
	Sources                            []string
}

type agreementFact struct {
	Title   string
	Kind    agreement.Kind
	Place   string
	Summary string
	Sources []string
	Parties []partyFact
}

// agreementFacts. Status and signedOn stay empty: 002 announces that the
// agreement "will be signed" on 29 April of a year it does not name, so
// neither SIGNED nor a date can be stated.
var agreementFacts = []agreementFact{
	{
		Title:   "IOM–UNITAR partnership to engage diasporas in peacebuilding",
		Kind:    agreement.KindPARTNERSHIP,
		Place:   "United Nations Headquarters, New York",
		Summary: "IOM and UNITAR agree to bring diasporas into formal peacebuilding and into capacity-building projects in countries recovering from crisis. The source announces the signing for 29 April, without a year.",
		Sources: docs(docUNITAR),
		Parties: []partyFact{
			{iom, "William Lacy Swing", "Director General", docs(docUNITAR)},
			{unitar, "Carlos Lopes", "Executive Director", docs(docUNITAR)},
		},
	},
}

type eventFact struct {
	Title, Place, Summary    string
	Programme                string // code
	Organisers, Participants []string
	Sources                  []string
}

// eventFacts. startsOn and endsOn stay empty: the sources give days
// (28-29 April, 31 January) but no years; the days are in the summaries.
var eventFacts = []eventFact{
	{
		Title:        "Peacebuilding: The Role of Diasporas",
		Place:        "Conference Room 8, UN Headquarters, New York",
		Summary:      "Conference held on 28-29 April (year not given) on how migrant communities and expatriate entrepreneurs can help rebuild countries weakened by conflict. Part of the Migration and Development Series supported by the MacArthur Foundation; IOM's Director General gives the keynote address.",
		Participants: []string{iom},
		Sources:      docs(docUNITAR),
	},
	{
		Title:        "Using Information Technology to Transfer Skills from the Diaspora",
		Place:        "Butare, Rwanda",
		Summary:      "Two-day conference starting on 31 January (year not given) on how IT can help qualified expatriates from the Great Lakes region pass on their skills, and on promoting virtual learning with their support. It brings together some 65 rectors, deans, professors and experts from 15 African universities with international, regional and national organisations.",
		Programme:    "MIDA-GREAT-LAKES",
		Organisers:   []string{iom, nur, ulb},
		Participants: []string{worldBank, unesco, iicba, auf, uva},
		Sources:      docs(docGreatLakes),
	},
}
