package audit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/change"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/internal/audit"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/money"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// An update of many records keeps each one's fields after it exactly as a
// read of the record gives them, whether the history made them from the
// fields before (the update only set fields, as an import adopting
// children does) or read the records again (it cleared one), in the
// statements each takes.
func TestUpdateHistoryHoldsTheRecordsAsStored(t *testing.T) {
	ctx := auth.AsSystem(context.Background())
	at := time.Now().UTC().Truncate(time.Microsecond)
	tests := []struct {
		name   string
		update func(u *ent.ProgrammeUpdate, parent int) *ent.ProgrammeUpdate
		// reads are the reads of the records the history makes: once
		// before the update, and again after it unless it can tell.
		reads int64
	}{
		{"set a parent and times", func(u *ent.ProgrammeUpdate, parent int) *ent.ProgrammeUpdate {
			return u.SetParentID(parent).SetUpdatedAt(at)
		}, 1},
		{"set a title and a status", func(u *ent.ProgrammeUpdate, parent int) *ent.ProgrammeUpdate {
			return u.SetTitle(`A "new" <title> & more`).SetStatus(programme.StatusCLOSED)
		}, 1},
		{"set a time first set", func(u *ent.ProgrammeUpdate, parent int) *ent.ProgrammeUpdate {
			return u.SetIatiSyncedAt(at)
		}, 2},
		{"set a time to the nanosecond", func(u *ent.ProgrammeUpdate, parent int) *ent.ProgrammeUpdate {
			return u.SetUpdatedAt(at.Add(7))
		}, 2},
		{"clear a field", func(u *ent.ProgrammeUpdate, parent int) *ent.ProgrammeUpdate {
			return u.ClearDescription().SetTitle("Cleared")
		}, 2},
	}
	for _, kind := range storetest.Kinds {
		for _, tt := range tests {
			t.Run(string(kind)+"/"+tt.name, func(t *testing.T) {
				st := storetest.Open(t, kind)
				parent := st.Client.Programme.Create().SetCode("P").SetTitle("Parent").SaveX(ctx)
				// The same update of records alike, unrecorded then recorded:
				// what the history costs is the difference.
				unrecorded := statements(st, children(t, st, "U"), func(u *ent.ProgrammeUpdate) {
					tt.update(u, parent.ID).ExecX(audit.Skip(ctx))
				})
				ids := children(t, st, "R")
				recorded := statements(st, ids, func(u *ent.ProgrammeUpdate) { tt.update(u, parent.ID).ExecX(ctx) })
				// The ids touched, the reads, one insert a Change (an update
				// outside an import is not buffered), and on PostgreSQL the
				// change-sequence lock.
				want := 1 + tt.reads + int64(len(ids))
				if kind == storetest.Postgres {
					want++
				}
				if got := recorded - unrecorded; got != want {
					t.Errorf("the history took %d statements, want %d", got, want)
				}
				assertAfterAsStored(t, st, ids)
			})
		}
	}
}

func children(t *testing.T, st *store.Store, prefix string) []int {
	t.Helper()
	ctx := auth.AsSystem(context.Background())
	var ids []int
	for _, code := range []string{"1", "2", "3"} {
		p := st.Client.Programme.Create().SetCode(prefix + code).SetTitle("Child " + code).SetDescription("About " + code).
			SetStatus(programme.StatusIMPLEMENTATION).SetUpdatedAt(time.Now().UTC().Truncate(time.Hour)).SaveX(ctx)
		ids = append(ids, p.ID)
	}
	return ids
}

// statements counts the statements an update of records ids makes.
func statements(st *store.Store, ids []int, update func(*ent.ProgrammeUpdate)) int64 {
	before := st.Counter.Count()
	update(st.Client.Programme.Update().Where(programme.IDIn(ids...)))
	return st.Counter.Count() - before
}

func assertAfterAsStored(t *testing.T, st *store.Store, ids []int) {
	t.Helper()
	ctx := auth.AsSystem(context.Background())
	for _, id := range ids {
		ch := st.Client.Change.Query().Where(change.RecordID(id), change.OperationEQ(change.OperationUPDATE)).OnlyX(ctx)
		p := st.Client.Programme.GetX(ctx, id)
		want, err := audit.Fields(p)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ch.After, want) {
			got, _ := json.Marshal(ch.After)
			stored, _ := json.Marshal(want)
			t.Errorf("programme %d: the history says after\n%s\nthe store holds\n%s", id, got, stored)
		}
		if ch.Before["title"] == nil || ch.Before["id"] == nil {
			t.Errorf("programme %d: the history says before %v", id, ch.Before)
		}
	}
}

// The history of an update keeps a programme's JSON fields (its elements
// among them), which it reads as stored rather than decoded, exactly as it
// keeps the rest of the record:
// the bytes encoding the record read before the update gives (SQLite keeps
// the text), the same JSON value (PostgreSQL's jsonb).
func TestUpdateHistoryKeepsJSONFieldsAsStored(t *testing.T) {
	ctx := auth.AsSystem(context.Background())
	xmlNS := "http://www.w3.org/XML/1998/namespace"
	narratives := []iati.Narrative{{Lang: "", Text: `Water & "sanitation" <WASH>`}, {Lang: "fr", Text: "Eau et assainissement é"}}
	amount, share := money.MustParse("1250.50"), money.MustParse("33.333")
	tests := []struct {
		name     string
		elements []*iati.Element
		// fields sets the other JSON fields.
		fields func(c *ent.ProgrammeCreate)
	}{
		{"no elements", nil, nil},
		{"an empty list", []*iati.Element{}, nil},
		{"one element", []*iati.Element{{Name: "iati-identifier", Text: "XM-1"}}, nil},
		{"nested, spaced, escaped", []*iati.Element{
			{Name: "title", Children: []*iati.Element{
				{Name: "narrative", Text: `<b>R&D</b> "quoted" {x}, [y]: \ é ` + "\u2028 \t\n"},
				{Name: "narrative", Attrs: []iati.Attr{{Space: xmlNS, Name: "lang", Value: "fr"}}, Text: "Programme généré"},
			}},
			{Name: "sector", Attrs: []iati.Attr{{Name: "code", Value: "15190"}, {Name: "percentage", Value: "100"}}, Pos: 3},
			{Space: "http://example.org/x", Name: "extra", Children: []*iati.Element{{Name: "empty"}}, Pos: 1},
		}, nil},
		{"every JSON field", []*iati.Element{{Name: "iati-identifier", Text: "XM-2"}}, func(c *ent.ProgrammeCreate) {
			c.SetTitleTranslations(narratives).SetDescriptionTranslations(narratives[1:]).
				SetRecipientRegions([]iati.RecipientRegion{{Code: "298", Percentage: &share, Narratives: narratives}, {Code: "589", Vocabulary: "99", VocabularyURI: "http://example.org/r?a=1&b=2"}}).
				SetReportingOrg(&iati.ReportingOrg{Ref: "XM-DAC-7", Type: "10", Name: narratives}).
				SetActivityDates([]iati.ActivityDate{{Type: "1", Date: "2024-01-31"}, {Type: "3", Date: "2026-12-31", Narratives: narratives[:1]}}).
				SetBudgetPeriods([]iati.Budget{{Type: "1", Status: "2", PeriodStart: "2024-01-01", PeriodEnd: "2024-12-31", Value: iati.Value{Amount: amount, Currency: "EUR", Date: "2024-01-01"}}, {Value: iati.Value{Amount: money.MustParse("-3.000")}}}).
				SetQualityNotes([]iati.QualityNote{{Code: "NEGATIVE_VALUE", Element: "budget[2]/value", Message: "a value < 0"}})
		}},
		{"empty lists and no organisation", nil, func(c *ent.ProgrammeCreate) {
			c.SetTitleTranslations([]iati.Narrative{}).SetRecipientRegions([]iati.RecipientRegion{}).SetBudgetPeriods([]iati.Budget{}).SetQualityNotes([]iati.QualityNote{})
		}},
	}
	for _, kind := range storetest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			st := storetest.Open(t, kind)
			parent := st.Client.Programme.Create().SetCode("P").SetTitle("Parent").SaveX(ctx)
			var ids []int
			want := map[int][]byte{}
			for i, tt := range tests {
				c := st.Client.Programme.Create().SetCode(fmt.Sprint("C", i)).SetTitle(tt.name)
				if tt.elements != nil {
					c.SetIatiElements(tt.elements)
				}
				if tt.fields != nil {
					tt.fields(c)
				}
				p := c.SaveX(ctx)
				ids = append(ids, p.ID)
				want[p.ID] = historyJSON(t, st.Client.Programme.GetX(ctx, p.ID))
			}
			st.Client.Programme.Update().Where(programme.IDIn(ids...)).SetParentID(parent.ID).ExecX(ctx)
			for i, id := range ids {
				var same bool
				var got string
				var q string
				if kind == storetest.Postgres {
					q = `SELECT CAST(before AS jsonb) = CAST($1 AS jsonb), CAST(before AS text) FROM changes WHERE record_id = $2 AND operation = 'UPDATE'`
				} else {
					q = `SELECT CAST(before AS text) = ?, CAST(before AS text) FROM changes WHERE record_id = ? AND operation = 'UPDATE'`
				}
				rows, err := st.Client.QueryContext(ctx, q, string(want[id]), id)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					if err := rows.Scan(&same, &got); err != nil {
						t.Fatal(err)
					}
				}
				rows.Close()
				if !same {
					t.Errorf("%s: the history says before\n%s\nthe record encodes as\n%s", tests[i].name, got, want[id])
				}
			}
		})
	}
}

// historyJSON is the JSON a Change keeps of a record read whole: its
// members but "edges", keys in order, each value as the record encodes it.
func historyJSON(t *testing.T, n ent.Noder) []byte {
	t.Helper()
	raw, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		t.Fatal(err)
	}
	delete(members, "edges")
	out, err := json.Marshal(members)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
