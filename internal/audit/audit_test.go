package audit

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// node is shaped like an ent record: fields of every JSON kind, with
// strings that hold what a scanner could take for structure, and edges.
type node struct {
	ID       int               `json:"id,omitempty"`
	Title    string            `json:"title,omitempty"`
	At       time.Time         `json:"at"`
	Parent   *int              `json:"parent_id,omitempty"`
	Elements []map[string]any  `json:"iati_elements,omitempty"`
	Tags     map[string]string `json:"tags,omitempty"`
	Raw      json.RawMessage   `json:"raw,omitempty"`
	Flag     bool              `json:"flag"`
	Amount   float64           `json:"amount"`
	Edges    struct {
		Children []node `json:"children,omitempty"`
	} `json:"edges"`
}

// asMap is what the history kept before fieldsJSON: the record decoded to
// a map of its members, "edges" dropped, encoded again.
func asMap(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		t.Fatal(err)
	}
	delete(top, "edges")
	fields := map[string]any{}
	for k, v := range top {
		fields[k] = v
	}
	out, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFieldsJSONIsTheMapEncoding(t *testing.T) {
	parent := 7
	at := time.Date(2026, 12, 7, 17, 0, 0, 123456000, time.UTC)
	tests := []struct {
		name string
		rec  node
	}{
		{"empty", node{}},
		{"plain", node{ID: 1, Title: "A programme", At: at, Parent: &parent, Flag: true, Amount: -12.5}},
		{"structure in strings", node{ID: 2, Title: `a "quoted" {title}, [with] \ back\\slashes: and, commas}`, At: at}},
		{"html and unicode", node{ID: 3, Title: "<b>R&D</b> \u2028 é \x00 \xff", At: at}},
		{"nested", node{ID: 4, At: at,
			Elements: []map[string]any{{"name": "sector", "attrs": map[string]any{"code": "15190", "pct": 100}, "children": []any{}}, {"name": `x"}]`, "n": nil}},
			Tags:     map[string]string{"z": "}", "a": "{"},
			Raw:      json.RawMessage(` { "spaced" : [ 1 , 2 ] } `),
		}},
		{"edges loaded", func() node {
			r := node{ID: 5, Title: "parent", At: at}
			r.Edges.Children = []node{{ID: 6, Title: "child"}}
			return r
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := json.Marshal(tt.rec)
			if err != nil {
				t.Fatal(err)
			}
			got, err := fieldsJSON(raw)
			if err != nil {
				t.Fatal(err)
			}
			if want := asMap(t, tt.rec); !bytes.Equal(got, want) {
				t.Errorf("fieldsJSON\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestFieldsJSONRefusesWhatIsNotAnObject(t *testing.T) {
	for _, in := range []string{``, `[]`, `"x"`, `{"a":1`, `{"a"}`, `{"a":"open}`} {
		if got, err := fieldsJSON([]byte(in)); err == nil {
			t.Errorf("fieldsJSON(%q) = %s, want an error", in, got)
		}
	}
}

// asJSONB leaves the text it need not change as it is and drops the sign
// of each negative zero outside strings, as jsonb's numeric does; it
// refuses a NUL escaped, and only one: an escaped backslash before u0000
// is text.
func TestAsJSONB(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"nothing to do", `{"a":1,"b":"x"}`, `{"a":1,"b":"x"}`},
		{"dates and identifiers", `{"d":"2024-01-05","id":"XM-0","r":"1-0"}`, `{"d":"2024-01-05","id":"XM-0","r":"1-0"}`},
		{"negative numbers not zero", `{"a":-0.5,"b":[-0.01,-10,-0e]}`, `{"a":-0.5,"b":[-0.01,-10,-0e]}`},
		{"negative zeros", `{"a":-0,"b":[-0,-0.00, -0e5,-0E-3],"c":{"d":-0}}`, `{"a":0,"b":[0,0.00, 0e5,0E-3],"c":{"d":0}}`},
		{"in strings, spelt as numbers", `{"a":"x: -0, y","b":"[-0]","c":"\"-0,\\","d":-0}`, `{"a":"x: -0, y","b":"[-0]","c":"\"-0,\\","d":0}`},
		{"an escaped backslash before u0000", `{"a":"\\u0000"}`, `{"a":"\\u0000"}`},
	} {
		got, err := asJSONB(json.RawMessage(c.in))
		if err != nil || string(got) != c.want {
			t.Errorf("%s: asJSONB(%s) = %s, %v; want %s", c.name, c.in, got, err, c.want)
		}
	}
	for _, in := range []string{`{"\u0000m":1}`, `{"a":"x\u0000"}`, `{"a":"\\\u0000"}`} {
		if got, err := asJSONB(json.RawMessage(in)); err == nil {
			t.Errorf("asJSONB(%s) = %s, want a NUL refused", in, got)
		}
	}
}
