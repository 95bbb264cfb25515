package dashboard

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

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
	h := newHandler(nil, app, "")
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

// TestServeWhileBuilding: a binary without the app serves a page that says
// it is being built and reloads itself, then the app once built.
func TestServeWhileBuilding(t *testing.T) {
	release := make(chan fs.FS)
	h := newHandler(nil, fstest.MapFS{}, t.TempDir())
	h.source = func(ctx context.Context) (fs.FS, error) { return <-release, nil }
	res, body := get(t, h, http.MethodGet, "/programmes/S72-805")
	if res.StatusCode != 503 || !strings.Contains(body, "Building the dashboard") || !strings.Contains(body, `http-equiv="refresh"`) || res.Header.Get("Retry-After") == "" {
		t.Errorf("while building: status %d, Retry-After %q, body %q", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	if res, _ := get(t, h, http.MethodGet, "/static/index-abc.js"); res.StatusCode != 404 {
		t.Errorf("asset while building: %d", res.StatusCode)
	}
	release <- fstest.MapFS{
		"index.html":          {Data: []byte(`<!doctype html><script type="module" src="/static/index-abc.js"></script>`)},
		"static/index-abc.js": {Data: []byte(`console.log(1)`)},
	}
	waitBuilt(t, h, 5*time.Second)
	if res, body := get(t, h, http.MethodGet, "/"); res.StatusCode != 200 || !strings.Contains(body, "/static/index-abc.js") {
		t.Errorf("after the build: status %d, body %q", res.StatusCode, body)
	}
}

func TestServeBuildFailed(t *testing.T) {
	h := newHandler(nil, fstest.MapFS{}, t.TempDir())
	h.source = func(ctx context.Context) (fs.FS, error) { return nil, errors.New("npm was not found <on PATH>") }
	h.Prepare(context.Background())
	deadline := time.Now().Add(5 * time.Second)
	for {
		if st, _, _, _ := h.snapshot(); st == stateUnavailable || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	res, body := get(t, h, http.MethodGet, "/")
	if res.StatusCode != 503 || !strings.Contains(body, "Dashboard not built") || !strings.Contains(body, "go generate ./internal/dashboard") ||
		!strings.Contains(body, "npm was not found &lt;on PATH&gt;") {
		t.Errorf("status %d, body %q", res.StatusCode, body)
	}
	if res, _ := get(t, h, http.MethodGet, "/static/index.js"); res.StatusCode != 404 {
		t.Errorf("asset without a build: %d", res.StatusCode)
	}
	if h.Built() {
		t.Error("Built() after a failed build")
	}
}

// TestBuildAtFirstStart builds the app from the sources carried in the
// binary, with npm, as `go run ./cmd/registry serve` on a fresh clone does,
// and gets the same app as `go generate`; a second start reuses the build.
func TestBuildAtFirstStart(t *testing.T) {
	needTools(t, "npm", "node")
	if testing.Short() {
		t.Skip("-short: runs npm ci and vite build")
	}
	buildApp(t)
	root := t.TempDir()
	h := newHandler(nil, fstest.MapFS{}, root)
	start := time.Now()
	h.Prepare(context.Background())
	waitBuilt(t, h, 5*time.Minute)
	t.Logf("first-start build took %s", time.Since(start).Round(100*time.Millisecond))

	res, body := get(t, h, http.MethodGet, "/")
	want, err := os.ReadFile("dist/app/index.html")
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || body != string(want) {
		t.Errorf("first-start build's page differs from go generate's: status %d\n%s\nwant\n%s", res.StatusCode, body, want)
	}
	script := regexp.MustCompile(`/static/[^"]+\.js`).FindString(body)
	if res, js := get(t, h, http.MethodGet, script); script == "" || res.StatusCode != 200 || len(js) < 1000 {
		t.Errorf("script %q: status %d, %d bytes", script, res.StatusCode, len(js))
	}
	again := newHandler(nil, fstest.MapFS{}, root)
	start = time.Now()
	again.Prepare(context.Background())
	waitBuilt(t, again, 5*time.Second)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("second start took %s: it built again", d)
	}
}

func waitBuilt(t *testing.T, h *Handler, limit time.Duration) {
	t.Helper()
	h.Prepare(context.Background())
	deadline := time.Now().Add(limit)
	for !h.Built() {
		if st, _, _, err := h.snapshot(); st == stateUnavailable {
			t.Fatalf("build failed: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("not built after %s", limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
