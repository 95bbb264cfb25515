package server

import (
	"reflect"
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
