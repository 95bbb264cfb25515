package interchange_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/change"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/internal/interchange"
	"github.com/aidregistry/registry/internal/search"
	"github.com/aidregistry/registry/internal/store"
)

// heldOrgActivities are activities of one batch naming the same
// organisations, which the first creates: by identifier only, then with
// a name (the organisation takes it); by a publisher's code, then by that
// code alone; by a name only, then by the same publisher's name, then by
// another publisher's way of writing it. The failing activity, second,
// names an organisation no other does and fails (a funding the store
// refuses).
func heldOrgActivities(failing bool) []string {
	acts := []string{
		`<iati-activity default-currency="EUR"><iati-identifier>XX-HELD-1</iati-identifier>
	<reporting-org ref="XM-DAC-41114" type="40"><narrative>UNDP</narrative></reporting-org>
	<title><narrative>Held 1</narrative></title>
	<participating-org ref="XM-DAC-47066" role="1"/>
	<participating-org ref="HELD-7" role="3"><narrative>Held Partner</narrative></participating-org>
	<participating-org role="4"><narrative>Held Ministry of Water</narrative></participating-org>
	</iati-activity>`,
		`<iati-activity default-currency="EUR"><iati-identifier>XX-HELD-2</iati-identifier>
	<reporting-org ref="XM-DAC-41114" type="40"><narrative>UNDP</narrative></reporting-org>
	<title><narrative>Held 2</narrative></title>
	<participating-org ref="XM-DAC-47066" role="1"><narrative>IOM</narrative></participating-org>
	<participating-org ref="HELD-7" role="3"/>
	<participating-org role="4"><narrative>Held Ministry of Water</narrative></participating-org>
	<transaction><transaction-type code="3"/><transaction-date iso-date="2020-02-01"/><value value-date="2020-02-01">1</value>
	<receiver-org><narrative>Held Partner</narrative></receiver-org></transaction>
	</iati-activity>`,
		`<iati-activity default-currency="EUR"><iati-identifier>XX-HELD-3</iati-identifier>
	<reporting-org ref="XM-DAC-7" type="10"><narrative>Another Publisher</narrative></reporting-org>
	<title><narrative>Held 3</narrative></title>
	<participating-org ref="XM-DAC-47066" role="1"/>
	<participating-org role="4"><narrative>held ministry of water</narrative></participating-org>
	</iati-activity>`,
	}
	if failing {
		doomed := `<iati-activity default-currency="EUR"><iati-identifier>XX-HELD-DOOMED</iati-identifier>
	<reporting-org ref="XM-DAC-41114" type="40"><narrative>UNDP</narrative></reporting-org>
	<title><narrative>Doomed</narrative></title>
	<participating-org ref="XM-DAC-47066" role="1"/>
	<participating-org role="4"><narrative>Doomed Partner</narrative></participating-org>
	<transaction><transaction-type code="3"/><transaction-date iso-date="2020-02-01"/><value value-date="2020-02-01">1</value>
	<description><narrative>boom</narrative></description></transaction>
	</iati-activity>`
		acts = slices.Insert(acts, 1, doomed)
	}
	return acts
}

func activitiesFile(acts ...string) string {
	return `<iati-activities version="2.03">` + strings.Join(acts, "\n") + `</iati-activities>`
}

// Activities of one batch find the organisations an earlier one of the
// batch created, by identifier, by a publisher's code and by name, and
// link to them: five organisations, with their aliases and history, the
// same on PostgreSQL, where the batch holds them to insert them together,
// as on SQLite, where each is inserted at once; the batch is written
// once, not again activity by activity. An activity that fails
// leaves none of its organisations behind, nor their history.
func TestImportBatchFindsTheOrganisationsItCreated(t *testing.T) {
	for _, failing := range []bool{false, true} {
		t.Run(fmt.Sprintf("failing activity %v", failing), func(t *testing.T) {
			byStore := map[string]orgSnapshot{}
			each(t, func(t *testing.T, st *store.Store) {
				st.Client.Funding.Use(refuseOrFail)
				creates := 0
				st.Client.Organisation.Use(func(next ent.Mutator) ent.Mutator {
					return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
						if m.Op().Is(ent.OpCreate) {
							creates++
						}
						return next.Mutate(ctx, m)
					})
				})
				importDoc(t, st, activitiesFile(heldOrgActivities(failing)...))
				// Written once, not again activity by activity: the later
				// activities found what the earlier ones held.
				if !failing && creates != 5 {
					t.Errorf("%d organisations created, 5 kept", creates)
				}
				s := snapshotOrgs(t, st.Client)
				checkCreates(t, st.Client)
				// UNDP, another publisher, IOM, the partner, the ministry.
				if len(s.orgs) != 5 {
					t.Errorf("%d organisations, want 5:\n%s", len(s.orgs), strings.Join(s.orgs, "\n"))
				}
				for _, o := range slices.Concat(s.orgs, s.history) {
					if strings.Contains(o, "Doomed") {
						t.Errorf("the failing activity's organisation stayed: %s", o)
					}
				}
				byStore[st.Dialect] = s
			})
			if len(byStore) < 2 {
				return
			}
			sqlite, pg := byStore[dialect.SQLite], byStore[dialect.Postgres]
			for _, c := range []struct {
				what       string
				sqlite, pg []string
			}{
				{"organisations", sqlite.orgs, pg.orgs},
				{"participations and fundings", sqlite.links, pg.links},
				{"organisations' history", sqlite.history, pg.history},
			} {
				if !slices.Equal(c.sqlite, c.pg) {
					t.Errorf("%s on SQLite:\n%s\non PostgreSQL:\n%s", c.what, strings.Join(c.sqlite, "\n"), strings.Join(c.pg, "\n"))
				}
			}
		})
	}
}

func importDoc(t *testing.T, st *store.Store, doc string) {
	t.Helper()
	if _, err := interchange.Import(system, st.Client, strings.NewReader(doc), interchange.Options{Dialect: st.Dialect}); err != nil {
		t.Fatal(err)
	}
}

// orgSnapshot is what a store holds of organisations, without ids: each
// with its aliases; each participation and funding with the organisation
// it names; and the organisations' and aliases' history, in order.
type orgSnapshot struct {
	orgs, links, history []string
}

func snapshotOrgs(t *testing.T, c *ent.Client) orgSnapshot {
	t.Helper()
	ctx := context.Background()
	var s orgSnapshot
	names := map[int]string{}
	for _, o := range c.Organisation.Query().WithAliases().Order(organisation.ByID()).AllX(ctx) {
		names[o.ID] = o.Name
		var aliases []string
		for _, a := range o.Edges.Aliases {
			aliases = append(aliases, fmt.Sprintf("(%s|%s|%s|%s)", deref(a.Name), deref(a.Ref), deref(a.Publisher), a.Source))
		}
		slices.Sort(aliases)
		s.orgs = append(s.orgs, fmt.Sprintf("%s %s %s %s", o.Name, o.Kind, deref(o.IatiRef), strings.Join(aliases, " ")))
	}
	slices.Sort(s.orgs)
	for _, p := range c.Participation.Query().WithProgramme().AllX(ctx) {
		s.links = append(s.links, fmt.Sprintf("%s %s %s", p.Edges.Programme.Code, p.Role, names[p.OrganisationID]))
	}
	for _, f := range c.Funding.Query().WithProgramme().AllX(ctx) {
		s.links = append(s.links, fmt.Sprintf("%s funding to %s", f.Edges.Programme.Code, names[deref(f.RecipientID)]))
	}
	slices.Sort(s.links)
	for _, ch := range c.Change.Query().Where(change.RecordTypeIn("Organisation", "OrganisationAlias")).Order(change.ByID()).AllX(ctx) {
		s.history = append(s.history, fmt.Sprintf("%s %s %s %s", ch.Operation, ch.RecordType, withoutIDs(t, ch.Before), withoutIDs(t, ch.After)))
	}
	return s
}

// withoutIDs is a change's side as JSON, less ids and times, which
// differ between stores.
func withoutIDs(t *testing.T, m map[string]any) string {
	t.Helper()
	m = maps(m)
	for k := range m {
		if k == "id" || strings.HasSuffix(k, "_id") || strings.HasSuffix(k, "ID") || strings.HasSuffix(k, "_at") || strings.HasSuffix(k, "At") {
			delete(m, k)
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func maps(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// What an import creates can be found by search, whether it runs in a
// transaction of its own or in one someone else opened (a GraphQL
// mutation's, where each activity's search documents are written at its
// end): the programme by its title, the organisation by its name.
func TestImportedRecordsCanBeFound(t *testing.T) {
	doc := activitiesFile(`<iati-activity><iati-identifier>XX-FOUND-1</iati-identifier>
	<title><narrative>Findable programme</narrative></title>
	<participating-org ref="XX-FOUND" role="1"><narrative>Findable Funder</narrative></participating-org>
	</iati-activity>`)
	for _, inTx := range []bool{false, true} {
		t.Run(fmt.Sprintf("in a transaction %v", inTx), func(t *testing.T) {
			each(t, func(t *testing.T, st *store.Store) {
				c := st.Client
				if !inTx {
					importDoc(t, st, doc)
				} else {
					tx, err := c.Tx(system)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := interchange.Import(system, tx.Client(), strings.NewReader(doc), interchange.Options{InTransaction: true}); err != nil {
						t.Fatal(errors.Join(err, tx.Rollback()))
					}
					if err := tx.Commit(); err != nil {
						t.Fatal(err)
					}
				}
				found, err := search.Search(context.Background(), c, st.Dialect, search.Request{Query: "findable"})
				if err != nil {
					t.Fatal(err)
				}
				var kinds []string
				for _, e := range found.Edges {
					kinds = append(kinds, fmt.Sprintf("%T", e.Node))
				}
				slices.Sort(kinds)
				if want := []string{"*ent.Organisation", "*ent.Programme"}; !slices.Equal(kinds, want) {
					t.Errorf("search finds %v, want %v", kinds, want)
				}
			})
		})
	}
}

// An element named only by a name the store already knows is matched as
// identity.ByName matches it, from what the batch read: the one
// organisation of the element's type (or of none) with that name, never
// one merged into another; none such, a new organisation.
func TestImportMatchesStoredOrganisationsByName(t *testing.T) {
	cases := []struct {
		name string
		// element is the participating-org's type attribute and name.
		element string
		// stored are the organisations the store holds: the first is
		// merged into the second when merged is set.
		stored []*ent.Organisation
		merged bool
		// match is the index in stored of the organisation matched; -1
		// for a new one.
		match int
	}{
		{"the one of its type", `type="10"><narrative>Ministry of Health</narrative>`,
			[]*ent.Organisation{{Name: "Ministry of Health", Kind: organisation.KindINTERNATIONAL_NGO}, {Name: "Ministry of Health", Kind: organisation.KindGOVERNMENT}}, false, 1},
		{"two of no type: neither", `><narrative>Ministry of Health</narrative>`,
			[]*ent.Organisation{{Name: "Ministry of Health", Kind: organisation.KindINTERNATIONAL_NGO}, {Name: "Ministry of Health", Kind: organisation.KindGOVERNMENT}}, false, -1},
		{"not one merged into another", `><narrative>Old Agency</narrative>`,
			[]*ent.Organisation{{Name: "Old Agency", Kind: organisation.KindOTHER}, {Name: "New Agency", Kind: organisation.KindOTHER}}, true, -1},
		{"one that stands", `><narrative>Old Agency</narrative>`,
			[]*ent.Organisation{{Name: "Old Agency", Kind: organisation.KindOTHER}, {Name: "New Agency", Kind: organisation.KindOTHER}}, false, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			each(t, func(t *testing.T, st *store.Store) {
				c := st.Client
				var ids []int
				for _, o := range tc.stored {
					ids = append(ids, c.Organisation.Create().SetName(o.Name).SetKind(o.Kind).SaveX(system).ID)
				}
				if tc.merged {
					c.Organisation.UpdateOneID(ids[0]).SetMergedIntoID(ids[1]).ExecX(system)
				}
				importDoc(t, st, activitiesFile(`<iati-activity><iati-identifier>XX-BYNAME-1</iati-identifier>
	<title><narrative>By name</narrative></title><participating-org role="4" `+tc.element+`</participating-org></iati-activity>`))
				p := c.Participation.Query().OnlyX(context.Background())
				switch {
				case tc.match >= 0 && p.OrganisationID != ids[tc.match]:
					t.Errorf("matched organisation %d, want %d (%s)", p.OrganisationID, ids[tc.match], tc.stored[tc.match].Kind)
				case tc.match < 0 && slices.Contains(ids, p.OrganisationID):
					t.Errorf("matched stored organisation %d, want a new one", p.OrganisationID)
				}
			})
		})
	}
}
