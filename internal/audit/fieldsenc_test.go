package audit

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/money"
)

// nodeTypes is a record of every type the history keeps (every ent
// Noder), which TestEveryNodeTypeIsPlanned checks against ent's sources.
var nodeTypes = []ent.Noder{
	&ent.Agreement{}, &ent.AgreementParty{}, &ent.Area{}, &ent.Change{}, &ent.Contact{},
	&ent.Country{}, &ent.Event{}, &ent.ExchangeRate{}, &ent.Funding{}, &ent.HumanitarianScope{},
	&ent.Location{}, &ent.Organisation{}, &ent.OrganisationAlias{}, &ent.OrganisationMerge{},
	&ent.Participation{}, &ent.PolicyMarker{}, &ent.Presence{}, &ent.Programme{},
	&ent.ProgrammeCountry{}, &ent.Result{}, &ent.Sector{}, &ent.Source{},
}

// TestEveryNodeTypeIsPlanned: nodeTypes names every type ent generates
// an IsNode for, and each has a plan (none falls back to reflection).
func TestEveryNodeTypeIsPlanned(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, "../../ent", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range pkgs["ent"].Files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Name.Name != "IsNode" || fn.Recv == nil {
				continue
			}
			if star, ok := fn.Recv.List[0].Type.(*ast.StarExpr); ok {
				want = append(want, star.X.(*ast.Ident).Name)
			}
		}
	}
	var got []string
	for _, n := range nodeTypes {
		typ := reflect.TypeOf(n)
		got = append(got, typ.Elem().Name())
		if planOf(typ) == nil {
			t.Errorf("%s has no plan", typ)
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("nodeTypes\n got %v\nwant %v", got, want)
	}
}

// TestPlannedAsReflected writes every node type both ways, empty and
// with every field set (its edges too, which both leave out), and the
// bytes must be the same.
func TestPlannedAsReflected(t *testing.T) {
	for _, n := range nodeTypes {
		typ := reflect.TypeOf(n).Elem()
		for variant := range 4 {
			t.Run(typ.Name(), func(t *testing.T) {
				rec := reflect.New(typ)
				if variant > 0 {
					fill(rec.Elem(), variant, 0)
				}
				samePlanned(t, rec.Interface().(ent.Noder))
			})
		}
	}
}

// TestPlannedAsReflectedWithMembersAdded: programmeSnapshots' members are
// sorted in among those the plan writes.
func TestPlannedAsReflectedWithMembersAdded(t *testing.T) {
	p := &ent.Programme{ID: 3, Code: "C"}
	add := []member{jsonMember("iati_elements", []byte(`[{"n":"x"}]`)), jsonMember("aaa", []byte(`1`)), jsonMember("zzz", []byte(`null`))}
	got, err := encodedWith(p, slices.Clone(add))
	if err != nil {
		t.Fatal(err)
	}
	want, err := reflected(p, add)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}

func samePlanned(t *testing.T, n ent.Noder) {
	t.Helper()
	want, err := reflected(n, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := planned(nil, n)
	if err != nil || !ok {
		t.Fatalf("planned: %v, %v", ok, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("planned\n got %s\nwant %s", got, want)
	}
	if enc, err := encodedWith(n, nil); err != nil || !bytes.Equal(enc, want) {
		t.Fatalf("encodedWith: %v\n got %s\nwant %s", err, enc, want)
	}
	// And as the history kept records before fieldsJSON.
	if m := asMap(t, n); !bytes.Equal(got, m) {
		t.Fatalf("planned\n got %s\nwant %s", got, m)
	}
}

// fillStrings are strings encoding/json escapes, each in its own way.
var fillStrings = []string{
	"plain", `"q" \ {[,:]}`, "<b>R&D</b>", "\x00\x1f\b\f\n\r\t\x7f", "\u2028\u2029 é 中 😀", "\xff\xc3 bad", "",
}

// fill sets every exported field of v, and what its pointers, lists and
// maps hold, to values that differ with variant; depth bounds the edges
// (records holding records).
func fill(v reflect.Value, variant, depth int) {
	switch v.Interface().(type) {
	case time.Time:
		zones := []*time.Location{time.UTC, time.FixedZone("", 5*3600+1800), time.FixedZone("", -3600)}
		v.Set(reflect.ValueOf(time.Date(2000+variant, 2, 3, 4, 5, 6, variant*123456789%1e9, zones[variant%3])))
		return
	case money.Decimal:
		d, err := money.Parse([]string{"0", "12.5", "-0.000001", "123456789012345.67"}[variant%4])
		if err != nil {
			panic(err)
		}
		v.Set(reflect.ValueOf(d))
		return
	case iati.Element:
		v.Set(reflect.ValueOf(iati.Element{
			Space: fillStrings[variant%len(fillStrings)], Name: "n<", Text: fillStrings[(variant+1)%len(fillStrings)],
			Attrs:    []iati.Attr{{Name: "a", Value: fillStrings[(variant+2)%len(fillStrings)]}},
			Children: []*iati.Element{{Name: "c", Pos: variant}, nil},
			Pos:      variant,
		}))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fillStrings[variant%len(fillStrings)] + v.Type().Name())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64([]int{1, -7, 127, 0}[variant%4]))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(variant * 3))
	case reflect.Float32, reflect.Float64:
		v.SetFloat([]float64{1.5, 1e21, -0.000001, 0}[variant%4])
	case reflect.Bool:
		v.SetBool(variant%2 == 1)
	case reflect.Pointer:
		if depth > 2 || variant == 2 && depth > 0 {
			return // nil
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), variant, depth+1)
	case reflect.Slice:
		if depth > 2 {
			return
		}
		n := variant % 3 // 0: an empty list, not nil
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := range n {
			fill(v.Index(i), variant+i, depth+1)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		if v.Type().Key().Kind() == reflect.String && v.Type().Elem().Kind() == reflect.Interface {
			v.SetMapIndex(reflect.ValueOf("b<"), reflect.ValueOf(any(fillStrings[variant%len(fillStrings)])))
			v.SetMapIndex(reflect.ValueOf("a"), reflect.ValueOf(any(map[string]any{"n": 1.5, "z": nil})))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() && !strings.HasPrefix(f.Name, "XXX") {
				fill(v.Field(i), variant, depth)
			}
		}
	}
}

// BenchmarkEncoded encodes a programme holding a real activity's
// elements, and a funding, both ways.
func BenchmarkEncoded(b *testing.B) {
	p := &ent.Programme{}
	fill(reflect.ValueOf(p).Elem(), 1, 0)
	raw := []byte(`[{"n":"iati-identifier","t":"XM-1"},{"n":"budget","a":[{"n":"type","v":"1"}],"c":[{"n":"value","a":[{"n":"currency","v":"EUR"}],"t":"1000"}],"p":1}]`)
	for range 6 {
		var es []*iati.Element
		if err := json.Unmarshal(raw, &es); err != nil {
			b.Fatal(err)
		}
		p.IatiElements = append(p.IatiElements, es...)
	}
	f := &ent.Funding{}
	fill(reflect.ValueOf(f).Elem(), 1, 0)
	for _, n := range []ent.Noder{p, f} {
		name := reflect.TypeOf(n).Elem().Name()
		b.Run(name+"/reflected", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := reflected(n, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/planned", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := encodedWith(n, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
