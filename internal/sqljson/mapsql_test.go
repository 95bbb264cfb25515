package sqljson

import "testing"

// TestFinishMaps: the marked Maps of a record PostgreSQL wrote come out as
// gqlgen writes them, wherever they are in the record; the rest of the
// record is left as it is.
func TestFinishMaps(t *testing.T) {
	for _, c := range []struct{ what, in, want string }{
		{"no map", `{"a" : 1, "b" : "x"}`, `{"a" : 1, "b" : "x"}`},
		{"keys in byte order, escapes, exponents",
			`{"before" : ` + mapMark + `{"é": 1e-7, "bb": [1, {"y": null, "x": true}], "a": "<&>", "e": 1500000000000000000000}}}`,
			`{"before" : {"a":"\u003c\u0026\u003e","bb":[1,{"x":true,"y":null}],"e":1.5e+21,"é":1e-7}}`},
		{"two maps, one null, deep in lists", `[{"h" : [{"before" : ` + mapMark + `null}, "after" : ` + mapMark + `{}}}]}]`,
			`[{"h" : [{"before" : null, "after" : {}}]}]`},
	} {
		got, err := finishMaps([]byte(c.in))
		if err != nil || string(got) != c.want {
			t.Errorf("%s: got %s (%v), want %s", c.what, got, err, c.want)
		}
	}
	for _, bad := range []string{`{"a" : ` + mapMark + `{"x": 1}`, `{"a" : ` + mapMark + `{"x": }}`} {
		if _, err := finishMaps([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// TestFinishFloats: the marked numbers of a record PostgreSQL wrote come
// out as gqlgen's Float writes the float64 (%g), where PostgreSQL's own
// float8 text would differ (a million and more, jsonb's plain decimals).
func TestFinishFloats(t *testing.T) {
	for _, c := range []struct{ what, in, want string }{
		{"no number", `{"a" : "x"}`, `{"a" : "x"}`},
		{"exponents as %g writes them",
			`{"p" : {"latitude" : ` + floatMark + `0.00001}, "longitude" : ` + floatMark + ` 1234567.5 }}}`,
			`{"p" : {"latitude" : 1e-05, "longitude" : 1.2345675e+06}}`},
		{"plain, negative, integral", `[` + floatMark + `-12.345678901234567}, ` + floatMark + `42}]`, `[-12.345678901234567, 42]`},
	} {
		got, err := finishFloats([]byte(c.in))
		if err != nil || string(got) != c.want {
			t.Errorf("%s: got %s (%v), want %s", c.what, got, err, c.want)
		}
	}
	for _, bad := range []string{`{"a" : ` + floatMark + `1`, `{"a" : ` + floatMark + `"x"}}`} {
		if _, err := finishFloats([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// TestFinishRecords: PostgreSQL's finish gives a record without marks as
// it is, an escaped NUL that marks nothing included, and rewrites the
// Maps and Floats of one that has them, both kinds in one record.
func TestFinishRecords(t *testing.T) {
	for _, c := range []struct{ what, in, want string }{
		{"no mark", `{"a" : [{"b" : "x\\y"}]}`, `{"a" : [{"b" : "x\\y"}]}`},
		{"a NUL that marks nothing", `{"a" : "\u0000m"}`, `{"a" : "\u0000m"}`},
		{"a Map and a Float", `{"m" : ` + mapMark + `{"b": 1, "a": 2}}, "f" : ` + floatMark + `1234567.5}}`,
			`{"m" : {"a":2,"b":1}, "f" : 1.2345675e+06}`},
		// json, the history's, keeps the text as written: spaces, new
		// lines, and keys a NUL opens, which spell the marks themselves.
		{"a Map spelling the marks", `{"m" : ` + mapMark + `{"\u0000f":1,"\u0000m":{"\u0000f":"x"}}}, "n" : ` + mapMark + "{\"\\u0000m\": 2}\n\t}}",
			`{"m" : {"\u0000f":1,"\u0000m":{"\u0000f":"x"}}, "n" : {"\u0000m":2}}`},
		{"a Float after a Map spelling it", `[` + mapMark + `{"\u0000f": -0.5}}, ` + floatMark + `1e-7}]`, `[{"\u0000f":-0.5}, 1e-07]`},
	} {
		got, err := postgres{}.finish([]byte(c.in))
		if err != nil || string(got) != c.want {
			t.Errorf("%s: got %s (%v), want %s", c.what, got, err, c.want)
		}
	}
}
