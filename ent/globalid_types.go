package ent

// This file is written by hand: it exposes the global-id ranges that the
// generated code keeps private, so that the GraphQL layer can turn an id into
// an opaque "Type:id" identifier and back.

import (
	"github.com/aidregistry/registry/ent/activitylink"
	"github.com/aidregistry/registry/ent/agreement"
	"github.com/aidregistry/registry/ent/agreementparty"
	"github.com/aidregistry/registry/ent/apikey"
	"github.com/aidregistry/registry/ent/area"
	"github.com/aidregistry/registry/ent/change"
	"github.com/aidregistry/registry/ent/contact"
	"github.com/aidregistry/registry/ent/country"
	"github.com/aidregistry/registry/ent/event"
	"github.com/aidregistry/registry/ent/exchangerate"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/humanitarianscope"
	"github.com/aidregistry/registry/ent/location"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/organisationalias"
	"github.com/aidregistry/registry/ent/organisationmerge"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/ent/policymarker"
	"github.com/aidregistry/registry/ent/presence"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/programmecountry"
	"github.com/aidregistry/registry/ent/result"
	"github.com/aidregistry/registry/ent/sector"
	"github.com/aidregistry/registry/ent/source"
)

// nodeTypeNames maps each table to its GraphQL type name. A test checks that
// every table with a global-id range is listed.
var nodeTypeNames = map[string]string{
	activitylink.Table:      "ActivityLink", // not in GraphQL: the IATI importer's related-activity bookkeeping
	agreement.Table:         agreementImplementors[0],
	apikey.Table:            "APIKey", // not in GraphQL; named so its ids still encode
	change.Table:            changeImplementors[0],
	agreementparty.Table:    agreementpartyImplementors[0],
	area.Table:              areaImplementors[0],
	contact.Table:           contactImplementors[0],
	country.Table:           countryImplementors[0],
	event.Table:             eventImplementors[0],
	exchangerate.Table:      exchangerateImplementors[0],
	funding.Table:           fundingImplementors[0],
	organisation.Table:      organisationImplementors[0],
	organisationalias.Table: organisationaliasImplementors[0],
	organisationmerge.Table: organisationmergeImplementors[0],
	participation.Table:     participationImplementors[0],
	presence.Table:          presenceImplementors[0],
	programme.Table:         programmeImplementors[0],
	programmecountry.Table:  programmecountryImplementors[0],
	result.Table:            resultImplementors[0],
	source.Table:            sourceImplementors[0],
	sector.Table:            sectorImplementors[0],
	location.Table:          locationImplementors[0],
	policymarker.Table:      policymarkerImplementors[0],
	humanitarianscope.Table: humanitarianscopeImplementors[0],
}

// NodeTypeOf returns the GraphQL type name of the record with this global id.
func NodeTypeOf(id int) (string, bool) {
	if id < 0 {
		return "", false
	}
	table, ok := nodeTypes[(id>>32)<<32]
	if !ok {
		return "", false
	}
	name, ok := nodeTypeNames[table]
	return name, ok
}

// NodeTypeStart returns the first id of a GraphQL type's global-id range.
func NodeTypeStart(typeName string) (int, bool) {
	for start, table := range nodeTypes {
		if nodeTypeNames[table] == typeName {
			return start, true
		}
	}
	return 0, false
}

// UnnamedNodeTables lists tables that have a global-id range but no GraphQL
// type name here; it must be empty (a test checks).
func UnnamedNodeTables() []string {
	var missing []string
	for _, t := range nodeTypes {
		if _, ok := nodeTypeNames[t]; !ok {
			missing = append(missing, t)
		}
	}
	return missing
}

// NodeTypeNames gives the GraphQL type name of every global-id range, by
// the range's first id: what code that encodes ids in SQL needs.
func NodeTypeNames() map[int]string {
	out := make(map[int]string, len(nodeTypes))
	for start, table := range nodeTypes {
		out[start] = nodeTypeNames[table]
	}
	return out
}
