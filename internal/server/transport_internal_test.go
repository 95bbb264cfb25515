package server

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestDecodeParamsAsDecodeJSON: the JSON transport's quick decoding of a
// request body gives what decodeJSON gives, the same parameters for a good
// body (numbers kept exact, null members, repeated members) and the same
// problem for a bad one.
func TestDecodeParamsAsDecodeJSON(t *testing.T) {
	for _, body := range []string{
		`{"query":"{ a }"}`,
		`{"query":"query Q($n: Int) { a(first: $n) }","operationName":"Q","variables":{"n":12345678901234567890,"f":1.50,"s":"x","l":[1,{"m":2e3}],"o":{"p":null}}}`,
		`{"query":null,"operationName":null,"variables":null,"extensions":null}`,
		`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`,
		`{"QUERY":"{ a }","Variables":{"n":1}}`,
		`{"query":"{ a }","variables":{"a":1},"variables":{"b":2}}`,
		`{"query":"{ a }","query":"{ b }","unknown":[1,2]}`,
		`{"query":"\u00e9\n\"q\""}`,
		`{"query":1}`,
		`{"query":"{ a }","variables":1}`,
		`{"query":"{ a }","variables":[]}`,
		`{"query":"{ a }","extensions":"x"}`,
		`{"operationName":true}`,
		`[]`,
		`"query"`,
		`null`,
		`{"query":"{ a }"} {"query":"{ b }"}`,
		`{"query":`,
		``,
	} {
		t.Run(body, func(t *testing.T) {
			var want, got params
			wantErr := decodeJSON([]byte(body), &want)
			gotErr := decodeParams([]byte(body), &got)
			if (wantErr == nil) != (gotErr == nil) {
				t.Fatalf("error %v, want %v", gotErr, wantErr)
			}
			if wantErr != nil {
				if g, w := jsonProblem(gotErr), jsonProblem(wantErr); g != w {
					t.Errorf("problem %q, want %q", g, w)
				}
				return
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("params %#v, want %#v", got, want)
			}
		})
	}
}

// TestKnownBodiesAsDecodeParams: a body decoded again from what knownBodies
// kept gives what decodeParams gives, the error too; only bodies without
// variables or extensions are kept, and a full set is emptied.
func TestKnownBodiesAsDecodeParams(t *testing.T) {
	for _, c := range []struct {
		body string
		kept bool
	}{
		{`{"query":"{ a }"}`, true},
		{`{"query":"query Q { a }","operationName":"Q"}`, true},
		{`{"query":"{ a }","variables":null,"extensions":null}`, true},
		{`{"query":"\u00e9\n\"q\""}`, true},
		{`{"query":"query($n: Int) { a(first: $n) }","variables":{"n":1}}`, false},
		{`{"query":"{ a }","variables":{}}`, false},
		{`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`, false},
		{`{"query":1}`, false},
		{`{"query":`, false},
		{`[]`, false},
	} {
		t.Run(c.body, func(t *testing.T) {
			k := newKnownBodies()
			var want params
			wantErr := decodeParams([]byte(c.body), &want)
			for round := range 2 {
				var got params
				err := k.decode([]byte(c.body), &got)
				if (err == nil) != (wantErr == nil) || err != nil && jsonProblem(err) != jsonProblem(wantErr) {
					t.Fatalf("round %d: error %v, want %v", round, err, wantErr)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("round %d: params %#v, want %#v", round, got, want)
				}
			}
			if kept := k.params.len() == 1; kept != c.kept {
				t.Errorf("kept %v, want %v", kept, c.kept)
			}
		})
	}
	t.Run("a full set is emptied", func(t *testing.T) {
		k := newKnownBodies()
		for i := range knownBodyCount + 1 {
			var p params
			if err := k.decode(fmt.Appendf(nil, `{"query":"{ a%d }"}`, i), &p); err != nil {
				t.Fatal(err)
			}
		}
		if k.params.len() != 1 {
			t.Errorf("%d bodies kept after %d, want 1", k.params.len(), knownBodyCount+1)
		}
	})
	t.Run("a large body is not kept", func(t *testing.T) {
		k := newKnownBodies()
		var p params
		body := fmt.Appendf(nil, `{"query":"{ a %s }"}`, strings.Repeat(" ", knownBodyBytes))
		if err := k.decode(body, &p); err != nil || p.Query == nil {
			t.Fatalf("%v, %v", err, p)
		}
		if k.params.len() != 0 {
			t.Errorf("kept a body of %d bytes", len(body))
		}
	})
}
