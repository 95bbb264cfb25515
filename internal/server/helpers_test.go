package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"

	"github.com/aidregistry/registry/internal/demo"
	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// quietLogger keeps request lines out of test output.
var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// gqlError is one error of a GraphQL response.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// response is a decoded GraphQL response with its HTTP status.
type response struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// registry is a running server over a store holding the demo data.
type registry struct {
	URL   string
	Store *store.Store
}

// eachRegistry runs fn against a real HTTP server over every store kind,
// each loaded with the countries and the demo dataset.
func eachRegistry(t *testing.T, fn func(t *testing.T, r *registry)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, st.Client); err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(server.New(st, server.Options{Logger: quietLogger}))
		t.Cleanup(ts.Close)
		fn(t, &registry{URL: ts.URL, Store: st})
	})
}

// resolversOnly serves r's store through gqlgen's resolvers alone, without
// the SQL JSON path, so that a test can ask both the same questions; opts
// adds to that (its Logger and NoSQLJSON are set here).
func resolversOnly(t *testing.T, r *registry, opts server.Options) *registry {
	t.Helper()
	opts.Logger, opts.NoSQLJSON = quietLogger, true
	ts := httptest.NewServer(server.New(r.Store, opts))
	t.Cleanup(ts.Close)
	return &registry{URL: ts.URL, Store: r.Store}
}

// query posts a GraphQL request and decodes the answer.
func (r *registry) query(t testing.TB, query string, vars map[string]any) response {
	t.Helper()
	return r.queryAs(t, "", query, vars)
}

// queryCounting posts a GraphQL request and also gives the SQL statements
// the store ran meanwhile.
func (r *registry) queryCounting(t testing.TB, query string, vars map[string]any) (response, int64) {
	t.Helper()
	before := r.Store.Counter.Count()
	resp := r.query(t, query, vars)
	return resp, r.Store.Counter.Count() - before
}

// queryAs posts a GraphQL request with an API key ("" for none).
func (r *registry) queryAs(t testing.TB, key, query string, vars map[string]any) response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return r.send(t, key, "application/json", body)
}

// post sends a raw body to /query.
func (r *registry) post(t testing.TB, contentType string, body []byte) response {
	t.Helper()
	return r.send(t, "", contentType, body)
}

func (r *registry) send(t testing.TB, key, contentType string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, r.URL+"/query", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := response{Status: resp.StatusCode}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("response is not JSON (status %d): %s", resp.StatusCode, raw)
	}
	return out
}

// mustData fails on any error and decodes data into v.
func (r *registry) mustData(t testing.TB, query string, vars map[string]any, v any) {
	t.Helper()
	resp := r.query(t, query, vars)
	if len(resp.Errors) > 0 || resp.Status != http.StatusOK {
		t.Fatalf("query failed (status %d): %+v", resp.Status, resp.Errors)
	}
	if err := json.Unmarshal(resp.Data, v); err != nil {
		t.Fatalf("decode data: %v", err)
	}
}

// canonical re-encodes JSON with sorted keys and with lists sorted, except
// connection edges whose order is the query's own: lists of linked records
// come back in whatever order the store reads them.
func canonical(t testing.TB, raw []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(sortLists(v, ""), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

func sortLists(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = sortLists(e, k)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = sortLists(e, "")
		}
		if key != "edges" {
			sort.Slice(x, func(i, j int) bool {
				a, _ := json.Marshal(x[i])
				b, _ := json.Marshal(x[j])
				return string(a) < string(b)
			})
		}
		return x
	}
	return v
}
