package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aidregistry/registry/internal/metrics"
	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// TestOperations: health and readiness, request ids, automatic persisted
// queries and metrics. (CORS, introspection off and the other refusals are
// in TestHardening.)
func TestOperations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		meter := metrics.New(st.DB)
		st.Counter.Observe(meter.ObserveStatement)
		open := httptest.NewServer(server.New(st, server.Options{Logger: quietLogger, Metrics: meter, CORSOrigins: []string{"https://dash.example.org"}}))
		defer open.Close()
		private := httptest.NewServer(server.New(st, server.Options{Logger: quietLogger, Private: true}))
		defer private.Close()
		for _, path := range []string{"/export/programmes.csv", "/export/iati.xml"} {
			resp, err := http.Get(private.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s on a private server without a key: status %d, want 401", path, resp.StatusCode)
			}
		}

		for _, path := range []string{"/healthz", "/readyz"} {
			resp, err := http.Get(open.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: status %d", path, resp.StatusCode)
			}
			if resp.Header.Get(server.RequestIDHeader) == "" {
				t.Errorf("%s: no %s header", path, server.RequestIDHeader)
			}
		}

		q := "{ countries(first: 1) { totalCount } }"
		sum := sha256.Sum256([]byte(q))
		hash := hex.EncodeToString(sum[:])
		ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
		byHash, _ := json.Marshal(map[string]any{"extensions": ext})
		if code := postCode(t, open.URL, string(byHash)); code != "PERSISTED_QUERY_NOT_FOUND" {
			t.Errorf("unknown hash: code %q, want PERSISTED_QUERY_NOT_FOUND", code)
		}
		register, _ := json.Marshal(map[string]any{"query": q, "extensions": ext})
		if code := postCode(t, open.URL, string(register)); code != "" {
			t.Fatalf("registering a persisted query failed: %s", code)
		}
		if code := postCode(t, open.URL, string(byHash)); code != "" {
			t.Errorf("registered hash refused: %s", code)
		}

		postCode(t, open.URL, `{"query":"query CountryCount { countries { totalCount } }"}`)
		postCode(t, open.URL, `{"query":"query Broken { countries(first: -1) { totalCount } }"}`)
		resp, err := http.Get(open.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{
			`registry_graphql_requests_total{operation="CountryCount",outcome="ok"} 1`,
			`registry_graphql_requests_total{operation="Broken",outcome="BAD_USER_INPUT"} 1`,
			`registry_graphql_request_duration_seconds_count{operation="CountryCount"} 1`,
			"registry_sql_statement_duration_seconds_count",
			"go_sql_max_open_connections",
		} {
			if !strings.Contains(string(body), want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	})
}

// postCode posts a raw body and returns the first error's code ("" if none).
func postCode(t *testing.T, url, body string) string {
	t.Helper()
	resp, err := http.Post(url+"/query", "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out response
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) == 0 {
		return ""
	}
	if c := out.code(); c != "" {
		return c
	}
	return "uncoded: " + strings.TrimSpace(out.Errors[0].Message)
}
