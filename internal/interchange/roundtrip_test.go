package interchange_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/iati/iatifacts"
	"github.com/aidregistry/registry/internal/interchange"
	"github.com/aidregistry/registry/internal/money"
	"github.com/aidregistry/registry/internal/store"
)

// realFiles are the real IATI files of ../shared/iati/examples, and
// whether each validates against the 2.03 schema as published.
var realFiles = []struct {
	name      string
	validates bool
}{
	{"activity-standard-example-annotated-203.xml", true},
	{"spain-maec-indonesia-2.01.xml", true},
	{"dportal-covid-p112-undp-unhcr-v2.03.xml", true},
	{"dportal-covid-p124-italy-aics-v2.01.xml", false},
	{"dportal-covid-p099-denmark-undp-ifad-v2.03.xml", false},
	{"dportal-covid-2749528-p116-germany-iom-v2.03.xml", true},
}

// importExport imports a real file into an empty store and exports every
// programme, returning the source and the export, each parsed
// independently of the registry's reader.
func importExport(t *testing.T, st *store.Store, name string) (src, out *iatifacts.File, sum interchange.Summary, doc []byte) {
	t.Helper()
	path := filepath.Join(sharedIATI(t), "examples", name)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	start, before := time.Now(), st.Counter.Count()
	sum, err = interchange.Import(system, st.Client, f, interchange.Options{Dialect: st.Dialect})
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	n := sum.Created + sum.Updated + sum.Unchanged
	t.Logf("import on %s: %d activities in %v, %.0f activities/s, %.1f statements an activity", st.Dialect, n,
		time.Since(start).Round(time.Millisecond), float64(n)/time.Since(start).Seconds(), float64(st.Counter.Count()-before)/float64(n))
	doc, _ = exportIATI(t, st.Client, interchange.IATIOptions{})
	src, err = iatifacts.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out, err = iatifacts.Parse(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("the export does not parse: %v", err)
	}
	return src, out, sum, doc
}

// TestRealFilesRoundTrip imports every real file into an empty store of
// each kind and exports it again:
//   - activity by activity, the export has the same elements, attributes
//     and values as the source, compared canonically (iatifacts: white
//     space, namespace prefixes, the order the schema fixes, and the
//     defaults a value inherits);
//   - it validates against the 2.03 schema whenever the source did;
//   - the transactions stored and exported add up, by IATI type and
//     currency, exactly to the source's, and every element family is
//     exported as many times as it was read.
func TestRealFilesRoundTrip(t *testing.T) {
	for _, f := range realFiles {
		t.Run(f.name, func(t *testing.T) {
			each(t, func(t *testing.T, st *store.Store) {
				src, out, sum, doc := importExport(t, st, f.name)
				sameActivities(t, src, out)
				if f.validates {
					validate(t, doc)
				}
				in, back := iatifacts.FactsOf(src), iatifacts.FactsOf(out)
				stored := storedTotals(t, st.Client)
				if !sameTotals(in.Totals, stored) {
					t.Errorf("stored totals by type:currency\n got %s\nwant %s", showTotals(stored), showTotals(in.Totals))
				}
				if !sameTotals(in.Totals, back.Totals) {
					t.Errorf("exported totals by type:currency\n got %s\nwant %s", showTotals(back.Totals), showTotals(in.Totals))
				}
				var families []string
				for family, n := range in.Elements {
					if back.Elements[family] != n {
						t.Errorf("%s: %d in, %d out", family, n, back.Elements[family])
					}
					families = append(families, fmt.Sprintf("%s %d/%d", family, n, back.Elements[family]))
				}
				slices.Sort(families)
				t.Logf("elements in/out: %s", strings.Join(families, ", "))
				t.Logf("transactions in/stored/out: %d/%d/%d", in.Transactions, st.Client.Funding.Query().CountX(system), back.Transactions)
				t.Logf("%d activities, %d transactions; totals %s; quality notes %v; %d skipped",
					in.Activities, in.Transactions, showTotals(in.Totals), sum.QualityNotes, len(sum.Skipped))
			})
		})
	}
}

// sameActivities compares two files activity by activity, canonically.
func sameActivities(t *testing.T, src, out *iatifacts.File) {
	t.Helper()
	exported := map[string]*iatifacts.Node{}
	for _, a := range out.Activities {
		exported[iatifacts.Identifier(a)] = a
	}
	if len(out.Activities) != len(src.Activities) {
		t.Errorf("%d activities exported, %d in the source", len(out.Activities), len(src.Activities))
	}
	shown := 0
	for _, a := range src.Activities {
		id := iatifacts.Identifier(a)
		b, ok := exported[id]
		if !ok {
			t.Errorf("%s: not exported", id)
			continue
		}
		diff := iatifacts.Diff(iatifacts.Canonical(a, src.Lang), iatifacts.Canonical(b, out.Lang))
		if len(diff) > 0 && shown < 5 {
			shown++
			t.Errorf("%s differs after the round trip:\n  %s", id, strings.Join(diff[:min(len(diff), 10)], "\n  "))
		}
	}
}

// storedTotals sums the stored fundings by IATI type code and currency.
func storedTotals(t *testing.T, c *ent.Client) map[string]decimal.Decimal {
	t.Helper()
	fs, err := c.Funding.Query().All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]decimal.Decimal{}
	for _, f := range fs {
		if f.TransactionType == nil || f.ValueAmount == nil {
			continue
		}
		key := typeCode[string(*f.TransactionType)] + ":" + *f.ValueCurrency
		out[key] = out[key].Add(f.ValueAmount.Decimal())
	}
	return out
}

var typeCode = map[string]string{
	"INCOMING_FUNDS": "1", "OUTGOING_COMMITMENT": "2", "DISBURSEMENT": "3", "EXPENDITURE": "4",
	"INTEREST_PAYMENT": "5", "LOAN_REPAYMENT": "6", "REIMBURSEMENT": "7", "PURCHASE_OF_EQUITY": "8",
	"SALE_OF_EQUITY": "9", "CREDIT_GUARANTEE": "10", "INCOMING_COMMITMENT": "11", "OUTGOING_PLEDGE": "12",
	"INCOMING_PLEDGE": "13",
}

func sameTotals(a, b map[string]decimal.Decimal) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !w.Equal(v) {
			return false
		}
	}
	return true
}

func showTotals(m map[string]decimal.Decimal) string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s %s", k, v.String()))
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// TestExportShowsEdits: a change made through the registry to an imported
// programme and to one of its fundings appears in the export, everything
// else of the activity stays as published, and the file still validates.
func TestExportShowsEdits(t *testing.T) {
	each(t, func(t *testing.T, st *store.Store) {
		const file = "dportal-covid-2749528-p116-germany-iom-v2.03.xml"
		c := st.Client
		importFile(t, c, filepath.Join(sharedIATI(t), "examples", file))
		src, err := iatifacts.ParseFile(filepath.Join(sharedIATI(t), "examples", file))
		if err != nil {
			t.Fatal(err)
		}
		f, err := c.Funding.Query().WithProgramme().Order(ent.Asc("id")).First(system)
		if err != nil {
			t.Fatal(err)
		}
		p := f.Edges.Programme
		if err := c.Funding.UpdateOneID(f.ID).SetValueAmount(money.MustParse("12345.67")).Exec(system); err != nil {
			t.Fatal(err)
		}
		if err := c.Programme.UpdateOneID(p.ID).SetTitle("A title changed in the registry").Exec(system); err != nil {
			t.Fatal(err)
		}
		doc, _ := exportIATI(t, c, interchange.IATIOptions{})
		validate(t, doc)
		out, err := iatifacts.Parse(bytes.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		var before, after *iatifacts.Node
		for _, a := range src.Activities {
			if iatifacts.Identifier(a) == p.Code {
				before = a
			}
		}
		for _, a := range out.Activities {
			if iatifacts.Identifier(a) == p.Code {
				after = a
			}
		}
		if before == nil || after == nil {
			t.Fatalf("%s missing: in the source %v, in the export %v", p.Code, before != nil, after != nil)
		}
		var values []string
		for _, v := range after.All("transaction/value") {
			values = append(values, v.Text)
		}
		if !slices.Contains(values, "12345.67") {
			t.Errorf("the funding's new value is not exported: %v", values)
		}
		if title := after.All("title/narrative"); len(title) == 0 || title[0].Text != "A title changed in the registry" {
			t.Errorf("the new title is not exported")
		}
		for _, family := range []string{"transaction", "sector", "location", "policy-marker", "participating-org", "budget"} {
			if len(after.All(family)) != len(before.All(family)) {
				t.Errorf("%s: %d published, %d exported", family, len(before.All(family)), len(after.All(family)))
			}
		}
		// The rest of the file is as published.
		sameOthers := 0
		for _, a := range src.Activities {
			for _, b := range out.Activities {
				if id := iatifacts.Identifier(a); id == iatifacts.Identifier(b) && id != p.Code &&
					len(iatifacts.Diff(iatifacts.Canonical(a, src.Lang), iatifacts.Canonical(b, out.Lang))) == 0 {
					sameOthers++
				}
			}
		}
		if sameOthers != len(src.Activities)-1 {
			t.Errorf("%d other activities as published, want %d", sameOthers, len(src.Activities)-1)
		}
	})
}
