package interchange

import (
	"strings"

	"github.com/aidregistry/registry/internal/iati"
)

// dacRegions names the OECD DAC regions of IATI's Region codelist
// (vocabulary 1), for a programme's region when the file gives no name.
var dacRegions = map[string]string{
	"88": "States Ex-Yugoslavia unspecified", "89": "Europe, regional",
	"189": "North of Sahara, regional", "289": "South of Sahara, regional", "298": "Africa, regional",
	"380": "West Indies, regional", "389": "North and Central America, regional",
	"489": "South America, regional", "498": "America, regional", "589": "Middle East, regional",
	"619": "Central Asia, regional", "679": "South Asia, regional", "689": "South & Central Asia, regional",
	"789": "Far East Asia, regional", "798": "Asia, regional", "889": "Oceania, regional",
	"998":  "Developing countries, unspecified",
	"1027": "Eastern Africa, regional", "1028": "Middle Africa, regional", "1029": "Southern Africa, regional",
	"1030": "Western Africa, regional", "1031": "Caribbean, regional", "1032": "Central America, regional",
	"1033": "Melanesia, regional", "1034": "Micronesia, regional", "1035": "Polynesia, regional",
}

// regionName names the activity's main region for Programme.region: the
// recipient-region with the largest share (the first on a tie), by its
// narrative or else, for an OECD DAC code, the codelist's name. nil when
// no region can be named.
func regionName(a *iati.Activity) *string {
	best := -1
	for i, r := range a.RecipientRegions {
		if best < 0 {
			best = i
			continue
		}
		b := a.RecipientRegions[best]
		if r.Percentage != nil && (b.Percentage == nil || r.Percentage.Decimal().GreaterThan(b.Percentage.Decimal())) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	r := a.RecipientRegions[best]
	if name := strings.TrimSpace(pick(r.Narratives, a.Lang)); name != "" {
		return &name
	}
	if r.Vocabulary == "" || r.Vocabulary == "1" {
		if name, ok := dacRegions[r.Code]; ok {
			return &name
		}
	}
	return nil
}
