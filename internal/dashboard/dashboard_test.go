package dashboard

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aidregistry/registry/internal/server"
)

// TestOperationsAreValid: every operation the app sends is a valid document
// against the schema, registered under the hash the app sends.
func TestOperationsAreValid(t *testing.T) {
	ops := Operations()
	if len(ops) < 5 {
		t.Fatalf("%d operations, want the five pages' operations", len(ops))
	}
	for hash, text := range ops {
		if server.QueryHash(text) != hash {
			t.Errorf("hash %s is not its text's", hash)
		}
		if err := server.CheckQuery(text); err != nil {
			t.Errorf("%s: %v", strings.SplitN(text, "\n", 2)[0], err)
		}
		if strings.HasPrefix(strings.TrimSpace(text), "mutation") {
			t.Errorf("the dashboard registers a mutation: %.60s", text)
		}
	}
}

func get(t *testing.T, h http.Handler, method, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestServe(t *testing.T) {
	app := fstest.MapFS{
		"index.html":          {Data: []byte(`<!doctype html><script type="module" src="/static/index-abc.js"></script>`)},
		"static/index-abc.js": {Data: []byte(`console.log(1)`)},
	}
	h := newHandler(nil, app)
	for _, p := range []string{"/", "/programmes/S72-805", "/programmes/A%2FB", "/organisations/T3JnYW5pc2F0aW9uOjE="} {
		res, body := get(t, h, http.MethodGet, p)
		if res.StatusCode != 200 || !strings.Contains(body, "/static/index-abc.js") {
			t.Errorf("%s: status %d, body %q", p, res.StatusCode, body)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self'") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: CSP %q", p, csp)
		}
	}
	res, body := get(t, h, http.MethodGet, "/static/index-abc.js")
	if res.StatusCode != 200 || body != "console.log(1)" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
		t.Errorf("asset: %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	for _, p := range []string{"/static/", "/static/nope.js", "/static/../index.html", "/programmes/", "/organisations/", "/favicon.ico"} {
		if res, _ := get(t, h, http.MethodGet, p); res.StatusCode != 404 {
			t.Errorf("%s: status %d, want 404", p, res.StatusCode)
		}
	}
	if res, _ := get(t, h, http.MethodPost, "/"); res.StatusCode != 405 {
		t.Errorf("POST: %d", res.StatusCode)
	}
}

func TestServeNotBuilt(t *testing.T) {
	h := newHandler(nil, fstest.MapFS{})
	res, body := get(t, h, http.MethodGet, "/")
	if res.StatusCode != 503 || !strings.Contains(body, "Dashboard assets not built") || !strings.Contains(body, "go generate ./internal/dashboard") {
		t.Errorf("status %d, body %q", res.StatusCode, body)
	}
	if res, _ := get(t, h, http.MethodGet, "/static/index.js"); res.StatusCode != 404 {
		t.Errorf("asset without a build: %d", res.StatusCode)
	}
	if h.Built() {
		t.Error("Built() with no index.html")
	}
}
