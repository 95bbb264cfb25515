package server_test

import (
	"testing"

	"github.com/aidregistry/registry/internal/server"
)

// TestSQLJSONToOneLinksInLists: the to-one links of a list's elements
// answer as the resolvers do: null where the link is NULL, links of links, a list inside
// a linked record with links of its own, a link under an alias beside a
// nested connection of a linked record, and many-to-many lists. Each case
// names text its answer must hold, so that it cannot pass on nulls alone.
// The lists are ones whose elements the resolvers give in id order on
// both stores (they load a list without an order of their own).
func TestSQLJSONToOneLinksInLists(t *testing.T) {
	cases := []pathCase{
		{name: "organisations with every participation and its programme (benchmark Q6's shape)",
			query: `{ organisations(first: 5, orderBy: [{field: ACRONYM}]) { edges { node { acronym name
				participations { role programme { code title status } } } } } }`,
			holds: []string{`"participations":[{"role":"`, `"programme":{"code":"`}},
		{name: "links that are null, and links of links",
			query: `{ programmes(first: 30, orderBy: [{field: CODE}]) { edges { node { code
				fundings { funder { acronym parent { acronym } headquarters { iso2 } } recipient { acronym } agreement { reference } } } } } }`,
			holds: []string{`"recipient":null`, `"agreement":null`, `"parent":null`, `"headquarters":null`, `"headquarters":{"iso2":"BE"}`, `"funder":{"acronym":"`}},
		{name: "a list inside a linked record, with links of its own",
			query: `{ organisations(first: 5, orderBy: [{field: ACRONYM}]) { edges { node { acronym
				participations { programme { code parent { code } fundings { kind funder { acronym headquarters { iso2 } } recipient { acronym } } } } } } } }`,
			holds: []string{`"parent":{"code":"MIDA"}`, `"fundings":[{"kind":`, `"headquarters":{"iso2":"BE"}`, `"recipient":null`}},
		{name: "a link under an alias, beside a nested connection of a linked record",
			query: `{ organisations(first: 5, orderBy: [{field: ACRONYM}]) { edges { node { acronym
				participations { p: programme { title parent { code } }
					organisation { acronym h: history(first: 1) { totalCount edges { node { recordType } } } } } } } } }`,
			holds: []string{`"p":{"title":"`, `"parent":{"code":"MIDA"}`, `"h":{"totalCount":1,"edges":[{"node":{"recordType":"Organisation"}}]}`}},
		{name: "to-one links in many-to-many lists",
			query: `{ programmes(where: {code: "SIDP"}) { edges { node { code
				countries { role country { iso2 } areas { name country { iso2 } programmeCountries { role programme { code } country { iso2 } } } } } } } }`,
			holds: []string{`"areas":[{"name":"`, `"country":{"iso2":"SO"}`, `"programme":{"code":"QUESTS-MIDA"}`, `"programme":{"code":"SIDP"}`}},
		{name: "a link asked twice under aliases, each with its own fields",
			query: `{ programmes(where: {code: "S72-805"}) { edges { node { code a: parent { code } b: parent { title } } } } }`,
			holds: []string{`"a":{"code":"MIDA"}`, `"b":{"title":"`}},
		{name: "links asked twice under aliases in a list's elements, one with links of its own",
			query: `{ fundings(first: 5) { edges { node { f: funder { acronym } g: funder { name headquarters { iso2 } }
				p: programme { code } q: programme { title } } } } }`,
			holds: []string{`"f":{"acronym":"`, `"g":{"name":"`, `"p":{"code":"`, `"q":{"title":"`}},
	}
	eachRegistry(t, func(t *testing.T, fast *registry) {
		slow := resolversOnly(t, fast, server.Options{})
		sameAsResolvers(t, fast, slow, cases)
	})
}
