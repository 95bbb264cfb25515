package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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

// TestRequestLogLines: each request writes one line with its method, path,
// status, duration and request id (the one it was sent with, or the one
// it was given), in that order after time, level and message; a logger
// above Info writes none.
func TestRequestLogLines(t *testing.T) {
	st := storetest.Open(t, storetest.SQLite)
	var lines lockedBuffer
	logged := httptest.NewServer(server.New(st, server.Options{Logger: slog.New(slog.NewJSONHandler(&lines, nil))}))
	defer logged.Close()
	var none lockedBuffer
	quiet := httptest.NewServer(server.New(st, server.Options{Logger: slog.New(slog.NewJSONHandler(&none, &slog.HandlerOptions{Level: slog.LevelWarn}))}))
	defer quiet.Close()

	for _, c := range []struct {
		name, method, path, body, sentID string
		status                           int
	}{
		{name: "a query with its own id", method: http.MethodPost, path: "/query", body: `{"query":"{ __typename }"}`, sentID: "abc-123", status: 200},
		{name: "a query given an id", method: http.MethodPost, path: "/query", body: `{"query":"{ __typename }"}`, status: 200},
		{name: "a refused body", method: http.MethodPost, path: "/query", body: `not json`, status: 400},
		{name: "health", method: http.MethodGet, path: "/healthz", status: 200},
		{name: "nothing there", method: http.MethodGet, path: "/nothing", status: 404},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, srv := range []*httptest.Server{logged, quiet} {
				req, err := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/json")
				if c.sentID != "" {
					req.Header.Set(server.RequestIDHeader, c.sentID)
				}
				lines.Reset()
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				id := resp.Header.Get(server.RequestIDHeader)
				if srv == quiet {
					continue
				}
				if c.sentID != "" && id != c.sentID {
					t.Errorf("answered with id %q, want the one sent, %q", id, c.sentID)
				}
				line := strings.TrimSuffix(lines.String(), "\n")
				if strings.Count(line, "\n") != 0 {
					t.Fatalf("more than one line: %s", line)
				}
				var keys []string
				dec := json.NewDecoder(strings.NewReader(line))
				var fields map[string]any
				if err := json.Unmarshal([]byte(line), &fields); err != nil {
					t.Fatalf("%v: %s", err, line)
				}
				_, _ = dec.Token()
				for dec.More() {
					k, _ := dec.Token()
					keys = append(keys, k.(string))
					var skip json.RawMessage
					_ = dec.Decode(&skip)
				}
				if got := strings.Join(keys, ","); got != "time,level,msg,method,path,status,duration,request_id" {
					t.Errorf("keys %s", got)
				}
				want := map[string]any{"level": "INFO", "msg": "request", "method": c.method, "path": c.path, "status": float64(c.status), "request_id": id}
				for k, v := range want {
					if fields[k] != v {
						t.Errorf("%s = %v, want %v (%s)", k, fields[k], v, line)
					}
				}
				if d, _ := fields["duration"].(float64); d <= 0 {
					t.Errorf("duration %v", fields["duration"])
				}
			}
		})
	}
	if none.Len() != 0 {
		t.Errorf("a logger above Info wrote: %s", none.String())
	}
}

// lockedBuffer is a log's output, written by the server's goroutines and
// read by the test's.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *lockedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *lockedBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}
