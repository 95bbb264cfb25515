package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/storetest"
)

// BenchmarkMarshalQ1 measures result marshalling as a client sees it: the
// benchmark's Q1 (a programme list two levels deep, with money amounts)
// executed by the real handler (gqlgen, its extensions, the ent
// resolvers) and written as JSON into a recorder, in process, over the
// generated dataset at 1/50 scale on SQLite:
//
//	go test ./internal/server -run '^$' -bench MarshalQ1 -benchmem -benchtime 100x
//
// ns/op, B/op and allocs/op are per request; statements/op counts SQL
// statements, resp-bytes the JSON written. Sub-benchmarks: resolvers/...
// is gqlgen's own execution and marshalling (Options.NoSQLJSON);
// default/... is the handler as served.
func BenchmarkMarshalQ1(b *testing.B) {
	benchDir := sharedBench(b)
	q1, err := os.ReadFile(filepath.Join(benchDir, "queries", "q1-list.graphql"))
	if err != nil {
		b.Fatal(err)
	}
	st := storetest.Open(b, storetest.SQLite)
	loadBenchData(b, st, smallBenchData(b, benchDir))
	// "resolvers" answers through gqlgen's resolvers and marshalers alone;
	// "default" is server.New as served, which answers programme lists by
	// one SQL statement (internal/sqljson) when it can.
	handlers := []struct {
		name string
		h    http.Handler
	}{
		{"resolvers", server.New(st, server.Options{Logger: quietLogger, NoSQLJSON: true})},
		{"default", server.New(st, server.Options{Logger: quietLogger})},
	}

	for _, hc := range handlers {
		for _, c := range []struct{ name, query string }{
			{"first50", string(q1)},
			{"first5", strings.Replace(string(q1), "first: 50", "first: 5", 1)},
		} {
			body, err := json.Marshal(map[string]any{"query": c.query})
			if err != nil {
				b.Fatal(err)
			}
			serve := func() *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				hc.h.ServeHTTP(rec, req)
				return rec
			}
			// One answer checked in full before timing: no errors, real rows.
			first := serve()
			var resp struct {
				Data struct {
					Programmes struct {
						TotalCount int
						Edges      []json.RawMessage
					}
				}
				Errors []any
			}
			if err := json.Unmarshal(first.Body.Bytes(), &resp); err != nil || first.Code != http.StatusOK || len(resp.Errors) > 0 {
				b.Fatalf("%s %s: status %d, %v: %s", hc.name, c.name, first.Code, err, first.Body.Bytes())
			}
			if len(resp.Data.Programmes.Edges) == 0 {
				b.Fatalf("%s %s: no programmes in the answer", hc.name, c.name)
			}
			b.Run(hc.name+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				before := st.Counter.Count()
				runs, size := 0, 0
				for b.Loop() {
					rec := serve()
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
					}
					size = rec.Body.Len()
					runs++
				}
				b.ReportMetric(float64(st.Counter.Count()-before)/float64(runs), "statements/op")
				b.ReportMetric(float64(size), "resp-bytes")
			})
		}
	}
}

// BenchmarkServeQ3 measures the server's own work per request for the
// benchmark's Q3 (one programme with everything linked, a 2 KB answer of
// one SQL statement): the handler as served, in process, on each store
// over the generated dataset at 1/50 scale. Its allocs/op are what the
// server allocates around that statement (parameters, limits, gqlgen,
// logging, the response):
//
//	go test ./internal/server -run '^$' -bench ServeQ3 -benchmem -benchtime 2000x
func BenchmarkServeQ3(b *testing.B) {
	benchDir := sharedBench(b)
	q3, err := os.ReadFile(filepath.Join(benchDir, "queries", "q3-lookup.graphql"))
	if err != nil {
		b.Fatal(err)
	}
	// At 1/50 scale the full-scale code is missing: ask for one that exists.
	body, err := json.Marshal(map[string]any{"query": strings.Replace(string(q3), "BENCH-012345", "BENCH-000345", 1)})
	if err != nil {
		b.Fatal(err)
	}
	data := smallBenchData(b, benchDir)
	for _, kind := range storetest.Kinds {
		b.Run(string(kind), func(b *testing.B) {
			st := storetest.Open(b, kind)
			loadBenchData(b, st, data)
			h := server.New(st, server.Options{Logger: quietLogger})
			serve := func() *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				return rec
			}
			var resp struct {
				Data struct {
					Programmes struct{ Edges []json.RawMessage }
				}
				Errors []any
			}
			first := serve()
			if err := json.Unmarshal(first.Body.Bytes(), &resp); err != nil || first.Code != http.StatusOK ||
				len(resp.Errors) > 0 || len(resp.Data.Programmes.Edges) != 1 {
				b.Fatalf("status %d, %v: %s", first.Code, err, first.Body.Bytes())
			}
			b.ReportAllocs()
			for b.Loop() {
				if rec := serve(); rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
				}
			}
		})
	}
}
