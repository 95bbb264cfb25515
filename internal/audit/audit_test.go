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
