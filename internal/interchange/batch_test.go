package interchange_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/change"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/interchange"
	"github.com/aidregistry/registry/internal/store"
)

// batchActivity is an activity with one participation, one country, two
// transactions (one with a sector) and a contact; note is the first
// transaction's description, which the test's hook may refuse.
func batchActivity(i int, note string) string {
	return fmt.Sprintf(`<iati-activity default-currency="EUR"><iati-identifier>XX-BATCH-%[1]d</iati-identifier>
	<title><narrative>Batch %[1]d</narrative></title>
	<participating-org ref="XX-BATCH-FUNDER" role="1"><narrative>Batch Funder</narrative></participating-org>
	<contact-info><email>batch-%[1]d@example.org</email></contact-info>
	<recipient-country code="ML" percentage="100"/>
	<transaction><transaction-type code="2"/><transaction-date iso-date="2020-01-01"/>
	<value value-date="2020-01-01">%[1]d</value><description><narrative>%[2]s</narrative></description>
	<sector vocabulary="1" code="15190"/></transaction>
	<transaction><transaction-type code="3"/><transaction-date iso-date="2020-02-01"/><value value-date="2020-02-01">1</value></transaction>
	</iati-activity>`, i, note)
}

// An import writes many activities a batch at a time, their new rows
// together, yet each activity stands or falls alone: one whose row the
// rules refuse keeps the rest of itself, one the store fails on leaves
// nothing, and every other is written whole, in every batch. The history
// holds one CREATE per record written, each after its programme's, none
// for what was undone; skips and progress are reported once each; a
// second import writes nothing.
func TestImportBatchesStandAlone(t *testing.T) {
	const n = 130 // four batches: 10, 50, 50, 20
	cases := []struct {
		name string
		// notes gives activity i's first transaction note.
		notes func(i int) string
		// created, and the activities skipped whole.
		created int
		whole   []string
		// fundings written.
		fundings int
	}{
		{"every activity stands", func(int) string { return "fine" }, n, nil, 2 * n},
		{"a refused row in the second batch", func(i int) string { return map[bool]string{true: "refuse me", false: "fine"}[i == 37] },
			n, nil, 2*n - 1},
		{"a failing activity in each batch", func(i int) string {
			return map[bool]string{true: "boom", false: "fine"}[i == 7 || i == 37 || i == 87 || i == 117]
		}, n - 4, []string{"XX-BATCH-117", "XX-BATCH-37", "XX-BATCH-7", "XX-BATCH-87"}, 2 * (n - 4)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			each(t, func(t *testing.T, st *store.Store) {
				c := st.Client
				c.Funding.Use(refuseOrFail)
				var doc strings.Builder
				doc.WriteString(`<iati-activities version="2.03">`)
				for i := range n {
					doc.WriteString(batchActivity(i, tc.notes(i)))
				}
				doc.WriteString(`</iati-activities>`)
				var skips []interchange.Skip
				progress := 0
				opts := interchange.Options{Dialect: st.Dialect,
					Skipped:  func(s interchange.Skip) { skips = append(skips, s) },
					Progress: func(interchange.Progress) { progress++ }}
				sum, err := interchange.Import(system, c, strings.NewReader(doc.String()), opts)
				if err != nil {
					t.Fatal(err)
				}
				if sum.Created != tc.created || progress != n {
					t.Errorf("%d created, %d reported; want %d, %d", sum.Created, progress, tc.created, n)
				}
				var whole []string
				for _, s := range skips {
					if s.Element == "iati-activity" {
						whole = append(whole, s.Record)
					}
				}
				slices.Sort(whole)
				if !slices.Equal(whole, tc.whole) {
					t.Errorf("skipped whole %v, want %v", whole, tc.whole)
				}
				rows := counts(t, c)
				if rows["programmes"] != tc.created || rows["fundings"] != tc.fundings ||
					rows["participations"] != tc.created || rows["contacts"] != tc.created || rows["countries"] != tc.created {
					t.Errorf("rows %v for %d programmes and %d fundings", rows, tc.created, tc.fundings)
				}
				checkCreates(t, c)
				again, err := interchange.Import(system, c, strings.NewReader(doc.String()), interchange.Options{Dialect: st.Dialect})
				if err != nil {
					t.Fatal(err)
				}
				if after := counts(t, c); again.Created+again.Updated != 0 || after["changes"] != rows["changes"] {
					t.Errorf("again: %d created, %d updated; %d changes, were %d", again.Created, again.Updated, after["changes"], rows["changes"])
				}
			})
		})
	}
}

// refuseOrFail refuses a funding noted "refuse me" (before any SQL), and
// fails one noted "boom" with a statement the store refuses.
func refuseOrFail(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if fm, ok := m.(*ent.FundingMutation); ok {
			switch note, _ := fm.Note(); note {
			case "refuse me":
				return nil, apperr.Errorf(apperr.BadUserInput, "this funding is refused")
			case "boom":
				_, err := fm.Client().ExecContext(ctx, "INSERT INTO no_such_table VALUES (1)")
				return nil, fmt.Errorf("the store refused: %w", err)
			}
		}
		return next.Mutate(ctx, m)
	})
}

// checkCreates: every programme, participation, funding, country and
// contact has exactly one CREATE in the history, after its programme's,
// and the history names no record that is not there.
func checkCreates(t *testing.T, c *ent.Client) {
	t.Helper()
	ctx := context.Background()
	creates := map[int]int{} // record id: change id
	for _, ch := range c.Change.Query().Where(change.OperationEQ(change.OperationCREATE)).AllX(ctx) {
		if _, twice := creates[ch.RecordID]; twice {
			t.Errorf("%s %d created twice in the history", ch.RecordType, ch.RecordID)
		}
		creates[ch.RecordID] = ch.ID
	}
	owned := map[int]int{} // record id: its programme's id
	for _, p := range c.Participation.Query().AllX(ctx) {
		owned[p.ID] = p.ProgrammeID
	}
	for _, f := range c.Funding.Query().AllX(ctx) {
		owned[f.ID] = f.ProgrammeID
	}
	for _, r := range c.ProgrammeCountry.Query().AllX(ctx) {
		owned[r.ID] = r.ProgrammeID
	}
	for _, r := range c.Contact.Query().WithProgramme().AllX(ctx) {
		owned[r.ID] = r.Edges.Programme.ID
	}
	for _, id := range c.Programme.Query().IDsX(ctx) {
		if _, ok := creates[id]; !ok {
			t.Errorf("programme %d has no CREATE", id)
		}
	}
	for id, prog := range owned {
		if creates[id] == 0 || creates[id] < creates[prog] {
			t.Errorf("record %d: CREATE %d, its programme's %d", id, creates[id], creates[prog])
		}
	}
	live := len(owned) + c.Programme.Query().CountX(ctx) + c.Organisation.Query().CountX(ctx) + c.OrganisationAlias.Query().CountX(ctx)
	if len(creates) != live {
		t.Errorf("%d CREATEs in the history for %d records", len(creates), live)
	}
}

// A file imported again asks the store a few statements a batch, however
// many organisations its activities name: what a batch names is read
// once for the whole batch, not looked up organisation by organisation.
// The generated activities name 3 organisations each of their own and 2
// shared ones, by identifier, by a publisher's code and by name only.
func TestImportAgainAsksPerBatchNotPerOrganisation(t *testing.T) {
	const n = 120 // three batches, 240 organisations of their own
	each(t, func(t *testing.T, st *store.Store) {
		var doc strings.Builder
		doc.WriteString(`<iati-activities version="2.03">`)
		for i := range n {
			fmt.Fprintf(&doc, `<iati-activity><iati-identifier>XX-AGAIN-%[1]d</iati-identifier>
	<reporting-org ref="XX-AGAIN" type="40"><narrative>Again Agency</narrative></reporting-org>
	<title><narrative>Again %[1]d</narrative></title>
	<participating-org ref="XX-AGAIN-FUNDER" role="1"><narrative>Again Funder</narrative></participating-org>
	<participating-org ref="XX-AGAIN-ORG-%[1]d" role="2"><narrative>Accountable %[1]d</narrative></participating-org>
	<participating-org ref="%[1]d" role="3"><narrative>Partner %[1]d</narrative></participating-org>
	<participating-org role="4"><narrative>Ministry %[1]d</narrative></participating-org>
	</iati-activity>`, i)
		}
		doc.WriteString(`</iati-activities>`)
		imp := func() interchange.Summary {
			sum, err := interchange.Import(system, st.Client, strings.NewReader(doc.String()), interchange.Options{Dialect: st.Dialect})
			if err != nil {
				t.Fatal(err)
			}
			return sum
		}
		if sum := imp(); sum.Created != n {
			t.Fatalf("first import: %+v", sum)
		}
		if got := st.Client.Organisation.Query().CountX(context.Background()); got != 2+3*n {
			t.Fatalf("%d organisations, want %d", got, 2+3*n)
		}
		before := st.Counter.Count()
		if sum := imp(); sum.Unchanged != n || sum.Created+sum.Updated != 0 {
			t.Fatalf("second import: %+v", sum)
		}
		// Before the batch read them, each organisation cost two or three
		// statements: over 1,100 here.
		got := st.Counter.Count() - before
		t.Logf("second import: %d statements for %d activities", got, n)
		if got > n {
			t.Errorf("the second import ran %d statements for %d activities naming %d organisations", got, n, 2+3*n)
		}
	})
}
