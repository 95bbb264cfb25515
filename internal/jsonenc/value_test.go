package jsonenc

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/money"
)

// Types whose encoding follows rules the writers leave to encoding/json,
// or methods it calls.
type (
	upper       string // a TextMarshaler
	ptrMarshal  struct{ N int }
	failing     struct{}
	selfHolding struct {
		Name     string         `json:"name"`
		Children []*selfHolding `json:"children,omitempty"`
	}
	embedded struct {
		iati.Narrative
		Extra string
	}
	tagged struct {
		N     int     `json:"n,string"`
		Skip  string  `json:"-"`
		Dash  string  `json:"-,"`
		F     float64 `json:"f,omitempty"`
		B     []byte  `json:"b"`
		U8    uint8
		Any   any               `json:"any,omitempty"`
		M     map[string]string `json:"m,omitempty"`
		A     [2]string         `json:"a"`
		hide  string
		Odd   string `json:"odd key"`
		Empty string `json:",omitempty"`
	}
	quoted struct {
		When    time.Time     `json:"when"`
		At      *time.Time    `json:"at"`
		Amount  money.Decimal `json:"amount"`
		Upper   upper         `json:"upper"`
		Ptr     ptrMarshal    `json:"ptr"`
		PtrList []ptrMarshal  `json:"ptr_list"`
		Raw     json.RawMessage
		Odd     []upper
	}
)

func (u upper) MarshalText() ([]byte, error) { return []byte(strings.ToUpper(string(u))), nil }

// MarshalJSON gives what encoding/json must compact and escape.
func (p *ptrMarshal) MarshalJSON() ([]byte, error) {
	return []byte(` { "n" : ` + string(rune('0'+p.N%10)) + ` , "s" : "<&>" } `), nil
}

func (failing) MarshalJSON() ([]byte, error) { return nil, errors.New("no") }

func TestAppendValueJSONAsEncodingJSON(t *testing.T) {
	dec := func(s string) money.Decimal {
		d, err := money.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	pct := dec("33.5")
	at := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.FixedZone("", 3600))
	narratives := []iati.Narrative{{Lang: "fr", Text: "<é>\u2028"}, {Text: "\xff"}}
	tests := map[string]any{
		"nil list":          []iati.Narrative(nil),
		"empty list":        []iati.Narrative{},
		"narratives":        narratives,
		"nil pointer":       (*iati.ReportingOrg)(nil),
		"reporting org":     &iati.ReportingOrg{Ref: "XM-1", Type: "10", Name: narratives},
		"regions":           []iati.RecipientRegion{{Code: "298", Percentage: &pct, Narratives: narratives}, {Code: "x"}},
		"budgets":           []iati.Budget{{Type: "1", Value: iati.Value{Amount: dec("-1234.5678"), Currency: "EUR"}}, {}},
		"dates":             []iati.ActivityDate{{Type: "1", Date: "2026-01-01", Narratives: narratives}},
		"quality notes":     []iati.QualityNote{{Code: "c", Element: "e", Message: "m&m"}},
		"point":             &iati.Point{Latitude: 1e-7, Longitude: -180},
		"administrative":    []iati.Administrative{{Vocabulary: "G1", Level: "1", Code: "x"}},
		"elements":          []*iati.Element{{Name: "a", Attrs: []iati.Attr{{Name: "b", Value: "<"}}}, nil},
		"pointer list":      []*iati.Narrative{nil, {Lang: "en"}},
		"self holding":      &selfHolding{Name: "a", Children: []*selfHolding{{Name: "b"}}},
		"embedded":          &embedded{Narrative: iati.Narrative{Lang: "en"}, Extra: "x"},
		"tags and kinds":    &tagged{N: 3, Skip: "s", Dash: "d", F: 1e21, B: []byte("hi"), U8: 7, Any: []int{1}, M: map[string]string{"z": "1", "a": "2"}, A: [2]string{"x"}, hide: "h", Odd: "o"},
		"empty tags":        &tagged{},
		"methods":           &quoted{When: at, At: &at, Amount: dec("0.001"), Upper: "up", Ptr: ptrMarshal{N: 4}, PtrList: []ptrMarshal{{N: 1}}, Raw: json.RawMessage(` [ 1 , "<" ] `), Odd: []upper{"a"}},
		"methods, empty":    &quoted{},
		"a struct, not ptr": iati.Narrative{Lang: "en"},
		"a map":             map[string]any{"b": 1, "a": "<"},
		"a list of lists":   [][]iati.Narrative{nil, {}, narratives},
	}
	for name, v := range tests {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Append([]byte("x"), v)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got[1:], want) || got[0] != 'x' {
				t.Errorf("\n got %s\nwant x%s", got, want)
			}
		})
	}
}

func TestAppendValueJSONFailsAsEncodingJSON(t *testing.T) {
	for _, v := range []any{[]failing{{}}, &struct{ F failing }{}, &[]time.Time{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}} {
		if got, err := Append(nil, v); err == nil {
			t.Errorf("%T: %s, want an error", v, got)
		}
	}
}
