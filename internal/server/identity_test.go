package server_test

import (
	"slices"
	"testing"
)

// TestMergeOrganisations: a second record for IOM is listed as a possible
// duplicate, an editor may not merge it, an admin does; the cross-agency
// question then finds the programme linked through the merged record, the
// merged id answers with IOM, history and the change feed show the merge,
// and splitting undoes it.
func TestMergeOrganisations(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		k := makeKeys(t, r)
		var ids struct {
			Organisations struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		r.mustData(t, `{ organisations(where: {acronym: "IOM"}) { edges { node { id } } } }`, nil, &ids)
		if len(ids.Organisations.Edges) != 1 {
			t.Fatalf("IOM records: %+v", ids)
		}
		iom := ids.Organisations.Edges[0].Node.ID

		// A second record, as another publisher names IOM, with a programme.
		var made struct {
			CreateOrganisation struct{ ID string }
			CreateProgramme    struct{ ID string }
		}
		res := r.queryAs(t, k.Admin, `mutation {
			createOrganisation(input: {name: "INTERNATIONAL ORGANIZATION FOR MIGRATION", kind: MULTILATERAL}) { id }
			createProgramme(input: {code: "DUP-IOM-1", title: "Returns through the second record"}) { id }
		}`, nil)
		if len(res.Errors) > 0 {
			t.Fatalf("create: %+v", res.Errors)
		}
		mustUnmarshal(t, res.Data, &made)
		dup := made.CreateOrganisation.ID
		res = r.queryAs(t, k.Admin, `mutation($o: ID!, $p: ID!) {
			createParticipation(input: {role: IMPLEMENTING, organisationID: $o, programmeID: $p}) { id } }`,
			map[string]any{"o": dup, "p": made.CreateProgramme.ID})
		if len(res.Errors) > 0 {
			t.Fatalf("participation: %+v", res.Errors)
		}

		const crossAgency = `{ programmes(where: {hasParticipationsWith: {hasOrganisationWith: {acronym: "IOM"}}}) { totalCount edges { node { code } } } }`
		type progs struct {
			Programmes struct {
				TotalCount int
				Edges      []struct{ Node struct{ Code string } }
			}
		}
		var before progs
		r.mustData(t, crossAgency, nil, &before)

		var dups struct {
			Node struct{ PossibleDuplicates []struct{ ID string } }
		}
		r.mustData(t, `query($id: ID!) { node(id: $id) { ... on Organisation { possibleDuplicates { id } } } }`, map[string]any{"id": dup}, &dups)
		if !slices.ContainsFunc(dups.Node.PossibleDuplicates, func(o struct{ ID string }) bool { return o.ID == iom }) {
			t.Errorf("possibleDuplicates of the second record = %+v, want IOM %s among them", dups.Node.PossibleDuplicates, iom)
		}

		const merge = `mutation($into: ID!, $from: [ID!]!) { mergeOrganisations(into: $into, from: $from) { id acronym aliases { name ref source } } }`
		vars := map[string]any{"into": iom, "from": []string{dup}}
		if res := r.queryAs(t, k.IOM, merge, vars); res.code() != "FORBIDDEN" {
			t.Fatalf("an editor merged: %+v", res)
		}
		if res := r.query(t, merge, vars); res.code() != "UNAUTHENTICATED" {
			t.Fatalf("merged without a key: %+v", res)
		}
		res = r.queryAs(t, k.Admin, merge, vars)
		if len(res.Errors) > 0 {
			t.Fatalf("merge: %+v", res.Errors)
		}
		var merged struct {
			MergeOrganisations struct {
				ID      string
				Aliases []struct{ Name, Ref *string }
			}
		}
		mustUnmarshal(t, res.Data, &merged)
		if merged.MergeOrganisations.ID != iom || !slices.ContainsFunc(merged.MergeOrganisations.Aliases, func(a struct{ Name, Ref *string }) bool {
			return a.Name != nil && *a.Name == "INTERNATIONAL ORGANIZATION FOR MIGRATION"
		}) {
			t.Errorf("merge answered %+v, want IOM with the merged name as an alias", merged)
		}

		var after progs
		r.mustData(t, crossAgency, nil, &after)
		if after.Programmes.TotalCount != before.Programmes.TotalCount+1 {
			t.Errorf("programmes with IOM: %d after the merge, %d before; want one more", after.Programmes.TotalCount, before.Programmes.TotalCount)
		}
		var node struct{ Node struct{ ID string } }
		r.mustData(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": dup}, &node)
		if node.Node.ID != iom {
			t.Errorf("node(id: merged) = %s, want the survivor %s", node.Node.ID, iom)
		}
		var listed struct{ Organisations struct{ TotalCount int } }
		r.mustData(t, `{ organisations(where: {nameEqualFold: "INTERNATIONAL ORGANIZATION FOR MIGRATION"}) { totalCount } }`, nil, &listed)
		if listed.Organisations.TotalCount != 1 { // IOM itself
			t.Errorf("organisations of that name after the merge: %d, want IOM alone", listed.Organisations.TotalCount)
		}

		// Search finds the survivor, not the record merged into it.
		found := func() []string {
			var hits struct {
				Search struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
			r.mustData(t, `{ search(query: "International Organization for Migration", types: [ORGANISATION]) {
				edges { node { ... on Organisation { id } } } } }`, nil, &hits)
			var ids []string
			for _, e := range hits.Search.Edges {
				ids = append(ids, e.Node.ID)
			}
			return ids
		}
		if ids := found(); slices.Contains(ids, dup) || !slices.Contains(ids, iom) {
			t.Errorf("search after the merge found %v; want IOM %s and not the merged %s", ids, iom, dup)
		}

		// History of the merged record, and the merge in the change feed.
		var feed struct {
			Changes struct {
				Edges []struct {
					Node struct {
						Operation, RecordType string
						After                 map[string]any
					}
				}
			}
		}
		r.mustData(t, `{ changes(where: {recordType: "OrganisationMerge"}) { edges { node { operation recordType after } } } }`, nil, &feed)
		if len(feed.Changes.Edges) == 0 || feed.Changes.Edges[0].Node.Operation != "CREATE" {
			t.Fatalf("change feed: %+v", feed)
		}
		var hist struct {
			Organisations struct {
				Edges []struct {
					Node struct {
						History struct {
							Edges []struct{ Node struct{ Operation string } }
						}
					}
				}
			}
		}
		r.mustData(t, `{ organisations(where: {acronym: "IOM"}) { edges { node { history { edges { node { operation } } } } } } }`, nil, &hist)
		if len(hist.Organisations.Edges) != 1 || len(hist.Organisations.Edges[0].Node.History.Edges) == 0 {
			t.Errorf("IOM's history after the merge: %+v", hist)
		}

		// Undo.
		const split = `mutation($id: ID!) { splitOrganisation(id: $id) { id name } }`
		if res := r.queryAs(t, k.IOM, split, map[string]any{"id": dup}); res.code() != "FORBIDDEN" {
			t.Fatalf("an editor split: %+v", res)
		}
		res = r.queryAs(t, k.Admin, split, map[string]any{"id": dup})
		if len(res.Errors) > 0 {
			t.Fatalf("split: %+v", res.Errors)
		}
		r.mustData(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": dup}, &node)
		if node.Node.ID != dup {
			t.Errorf("node(id:) after the split = %s, want %s", node.Node.ID, dup)
		}
		if ids := found(); !slices.Contains(ids, dup) {
			t.Errorf("search after the split found %v; want the split record %s again", ids, dup)
		}
		var undone progs
		r.mustData(t, crossAgency, nil, &undone)
		if undone.Programmes.TotalCount != before.Programmes.TotalCount {
			t.Errorf("programmes with IOM after the split: %d, want %d", undone.Programmes.TotalCount, before.Programmes.TotalCount)
		}
		var aliases struct {
			Node struct{ Aliases []struct{ Name *string } }
		}
		r.mustData(t, `query($id: ID!) { node(id: $id) { ... on Organisation { aliases { name } } } }`, map[string]any{"id": iom}, &aliases)
		if len(aliases.Node.Aliases) != 0 {
			t.Errorf("IOM keeps aliases the merge added: %+v", aliases)
		}
	})
}
