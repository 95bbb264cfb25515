package audit_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/change"
	"github.com/aidregistry/registry/internal/audit"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// historyTexts are JSON texts of the kinds the history writes: what
// encoding/json writes of a record (keys sorted, <, > and & escaped,
// numbers as float64s write them, -0 among them) and what PostgreSQL's
// jsonb writes of a programme's JSON fields (keys shortest first, spaces,
// numbers as written), and what could tell json from jsonb apart when read
// back: key order, a key twice, escapes, a number's spelling.
var historyTexts = []struct{ name, text string }{
	{"keys out of order", `{"zz":1,"b":{"d":[1,2],"c":null},"a":"x","aa":true}`},
	{"a key twice", `{"a":1,"b":2,"a":{"x":[3]}}`},
	{"escapes", `{"t":"\u003cb\u003e R\u0026D \u2028 \u00e9 é \ud83d\ude00 \"q\" \\ \/ \n\t","\u00e9":1}`},
	{"numbers as written", `{"a":1.0,"b":1e2,"c":1E+2,"d":12345678901234567890,"e":1.5e+21,"f":-2.5e-8,"g":0.1,"h":123456789012345678901234567890.5,"i":100}`},
	{"negative zeros", `{"a":-0,"b":[-0,-0.0,-0e0,-0.5,-0E-3],"c":"-0","d":"x: -0, y","e":{"f":-0}}`},
	{"jsonb's spacing", "{\"a\": [1, 2], \"bb\": {\"c\": \"d\", \"date\": \"2024-01-05\"},\n\t\"id\": \"XM-0\"}"},
	{"an escaped backslash before u0000", `{"a":"\\u0000","b\\u0000":1}`},
	{"empty", `{}`},
	{"null", `null`},
}

// The history, kept as the text the audit writes (json on PostgreSQL),
// reads back as the same Maps it did when PostgreSQL kept it as jsonb,
// whichever way it was written (one INSERT, COPY): key order and a key
// twice decode alike, and what jsonb changed that decodes otherwise (a
// negative zero, which jsonb's numeric lacks) is settled when written.
// SQLite keeps the text, as it always has.
func TestHistoryTextReadsAsJSONBDid(t *testing.T) {
	ctx := auth.AsSystem(context.Background())
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		texts := make([]json.RawMessage, len(historyTexts))
		for i, h := range historyTexts {
			texts[i] = json.RawMessage(h.text)
			if err := audit.FlushRaw(ctx, st.Client, st.Dialect, 1, texts[i]); err != nil {
				t.Fatalf("%s, written alone: %v", h.name, err)
			}
		}
		inTx(t, st, func(c *ent.Client) error { return audit.FlushRaw(ctx, c, st.Dialect, 2, texts...) })
		for _, id := range []int{1, 2} {
			got := st.Client.Change.Query().Where(change.RecordID(id)).Order(ent.Asc(change.FieldID)).AllX(ctx)
			if len(got) != len(historyTexts) {
				t.Fatalf("record %d: %d changes, want %d", id, len(got), len(historyTexts))
			}
			for i, h := range historyTexts {
				want := asMap(t, st, h.text)
				if got := encodedMap(t, got[i].Before); got != want {
					t.Errorf("record %d, %s: reads back as\n%s\nwant\n%s", id, h.name, got, want)
				}
			}
		}
	})
}

// A NUL escaped, which jsonb refused, is refused on PostgreSQL by the
// history's own writing, with a message saying why, however written; the
// text holding it is not kept.
func TestHistoryRefusesNULOnPostgres(t *testing.T) {
	ctx := auth.AsSystem(context.Background())
	st := storetest.Open(t, storetest.Postgres)
	for _, text := range []string{`{"\u0000m":{"a":1}}`, `{"a":["x\u0000"]}`, `{"a":"\\\u0000"}`} {
		raw := json.RawMessage(text)
		err := audit.FlushRaw(ctx, st.Client, dialect.Postgres, 3, raw)
		if err == nil || !strings.Contains(err.Error(), "NUL") {
			t.Errorf("%s written alone: %v, want a NUL refused", text, err)
		}
		err = inTxErr(st, func(c *ent.Client) error {
			return audit.FlushRaw(ctx, c, dialect.Postgres, 3, json.RawMessage(`{}`), raw)
		})
		if err == nil || !strings.Contains(err.Error(), "NUL") {
			t.Errorf("%s copied: %v, want a NUL refused", text, err)
		}
	}
	if n := st.Client.Change.Query().Where(change.RecordID(3)).CountX(ctx); n != 0 {
		t.Errorf("%d changes kept", n)
	}
}

// asMap is text as the history read it back when PostgreSQL kept it as
// jsonb (as SQLite keeps it, the text), decoded as ent decodes a Map and
// encoded as gqlgen writes one.
func asMap(t *testing.T, st *store.Store, text string) string {
	t.Helper()
	if st.Dialect == dialect.Postgres {
		rows, err := st.Client.QueryContext(context.Background(), `SELECT CAST(CAST($1 AS jsonb) AS text)`, text)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		if !rows.Next() || rows.Scan(&text) != nil {
			t.Fatalf("jsonb of %s: %v", text, rows.Err())
		}
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		t.Fatal(err)
	}
	return encodedMap(t, m)
}

func encodedMap(t *testing.T, m map[string]any) string {
	t.Helper()
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// inTx runs fn in a transaction of st, as the history's COPY needs, and
// commits it.
func inTx(t *testing.T, st *store.Store, fn func(*ent.Client) error) {
	t.Helper()
	if err := inTxErr(st, fn); err != nil {
		t.Fatal(err)
	}
}

// inTxErr runs fn in a transaction of st, committed if fn succeeds and
// rolled back if not.
func inTxErr(st *store.Store, fn func(*ent.Client) error) error {
	tx, err := st.Client.Tx(context.Background())
	if err != nil {
		return err
	}
	if err := fn(tx.Client()); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
