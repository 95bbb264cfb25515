package server_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/aidregistry/registry/internal/server"
)

// storedHistory are history texts as a store may keep them (PostgreSQL's
// json keeps the text as written, SQLite its text): keys out of order and
// twice, spaces and new lines, escapes, numbers as written, and keys a NUL
// opens, spelling the SQL JSON path's own marks, which the history's
// writing refuses on PostgreSQL (jsonb did) but which must not disturb an
// answer should such a text be there.
var storedHistory = []string{
	`{"zz":1,"a":[1.0,1e2,1E+2,12345678901234567890,1.5e+21,-0,-0.5],"a":{"dup":true},"b":"x"}`,
	"{\"t\": \"\\u00e9 \\ud83d\\ude00 \\u003c\\u0026\\u003e \\u2028\", \"b\": null,\n\t\"c\": [ ]}\n",
	`{"\u0000f":1,"\u0000m":{"\u0000f":"x","\u0000m":2},"k":{"\u0000f":"not a number"}}`,
	`{"\u0000f": -2.5e-8}`,
	`{}`,
	`null`,
}

// TestHistoryAsStoredAnswersAsGqlgenWrites: the resolvers and the SQL JSON
// path answer changes whose Maps are stored as written byte for byte
// alike, each Map as gqlgen writes what ent decodes of the text.
func TestHistoryAsStoredAnswersAsGqlgenWrites(t *testing.T) {
	eachRegistry(t, func(t *testing.T, fast *registry) {
		slow := resolversOnly(t, fast, server.Options{})
		at := time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)
		q := `INSERT INTO changes (at, operation, record_type, record_id, before, after) VALUES (?, 'UPDATE', 'Stored', ?, ?, ?)`
		if fast.Store.Dialect == dialect.Postgres {
			q = `INSERT INTO changes (at, operation, record_type, record_id, before, after) VALUES ($1, 'UPDATE', 'Stored', $2, $3, $4)`
		}
		for i, text := range storedHistory {
			if _, err := fast.Store.Client.ExecContext(t.Context(), q, at, i+1, text, storedHistory[len(storedHistory)-1-i]); err != nil {
				t.Fatalf("store %s: %v", text, err)
			}
		}
		const query = `{ changes(first: 50, where: {recordType: "Stored"}) { edges { node { recordID before after } } } }`
		want := slow.query(t, query, nil)
		got, ran := fast.queryCounting(t, query, nil)
		if len(want.Errors) > 0 || len(got.Errors) > 0 {
			t.Fatalf("errors: SQL JSON %+v, resolvers %+v", got.Errors, want.Errors)
		}
		if string(got.Data) != string(want.Data) {
			t.Errorf("SQL JSON answer:\n%s\nresolvers' answer:\n%s", got.Data, want.Data)
		}
		if ran != 1 {
			t.Errorf("ran %d SQL statements, want 1 (did the SQL JSON path step aside?)", ran)
		}
		var page struct {
			Changes struct {
				Edges []struct {
					Node struct{ Before, After json.RawMessage }
				}
			}
		}
		if err := json.Unmarshal(got.Data, &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Changes.Edges) != len(storedHistory) {
			t.Fatalf("%d changes, want %d", len(page.Changes.Edges), len(storedHistory))
		}
		for i, e := range page.Changes.Edges {
			for _, m := range []struct {
				got  json.RawMessage
				text string
			}{{e.Node.Before, storedHistory[i]}, {e.Node.After, storedHistory[len(storedHistory)-1-i]}} {
				if want := gqlgenMap(t, m.text); string(m.got) != want {
					t.Errorf("stored %s: answered %s, want %s", m.text, m.got, want)
				}
			}
		}
	})
}

// gqlgenMap is text decoded as ent decodes a Map field and encoded as
// gqlgen writes a Map.
func gqlgenMap(t *testing.T, text string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		t.Fatal(err)
	}
	if m == nil {
		return "null"
	}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(fmt.Errorf("encode %s: %w", text, err))
	}
	return string(raw)
}
