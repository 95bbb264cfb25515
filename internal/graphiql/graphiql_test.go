package graphiql

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

const endpoint = "/query"

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// readyHandler prepares h (installing the assets with npm if this build has
// none) and waits for it. Without assets the test is skipped, except in CI,
// where it fails: CI runs only `go test ./...`, so this is where the install
// path gets checked.
func readyHandler(t *testing.T, h *Handler) *Handler {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	h.Prepare(ctx)
	if err := h.wait(ctx); err != nil {
		t.Fatalf("waiting for assets: %v", err)
	}
	if st, _, err := h.snapshot(); st != stateReady {
		if os.Getenv("CI") == "true" {
			t.Fatalf("GraphiQL assets unavailable: %v", err)
		}
		t.Skipf("GraphiQL assets unavailable (needs npm and the npm registry; set CI=true to fail instead): %v", err)
	}
	return h
}

func get(t *testing.T, h http.Handler, method, target string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

var (
	absURL  = regexp.MustCompile(`(?i)(?:https?:)?//[^\s"'<>)]+`)
	srcHref = regexp.MustCompile(`(?i)\s(?:src|href)="([^"]*)"`)
)

// checkNoOtherHost fails if page refers to any host but the one it came from.
func checkNoOtherHost(t *testing.T, page, host string) {
	t.Helper()
	for _, m := range absURL.FindAllString(page, -1) {
		if strings.HasPrefix(m, "//") {
			m = "http:" + m
		}
		u, err := url.Parse(m)
		if err != nil || u.Host != host {
			t.Errorf("page refers to another host: %q", m)
		}
	}
	for _, m := range srcHref.FindAllStringSubmatch(page, -1) {
		if ref := m[1]; !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") {
			t.Errorf("page loads %q, which is not a path on this server", ref)
		}
	}
}

func TestServeWithAssets(t *testing.T) {
	sources := []struct {
		name   string
		source func(h *Handler) func(context.Context) (*assetSet, error)
	}{
		// Built-in assets if `go generate` ran, else the npm install path.
		{"default", nil},
		// Always the npm install path (reusing the user cache if filled).
		{"npm install", func(h *Handler) func(context.Context) (*assetSet, error) {
			return func(ctx context.Context) (*assetSet, error) {
				return findAssets(ctx, h.logger, fstest.MapFS{}, "")
			}
		}},
	}
	for _, src := range sources {
		t.Run(src.name, func(t *testing.T) {
			h := New(endpoint, testLogger(t))
			if src.source != nil {
				h.source = src.source(h)
			}
			readyHandler(t, h)

			t.Run("page", func(t *testing.T) {
				res, page := get(t, h, http.MethodGet, "http://example.test/graphiql")
				if res.StatusCode != http.StatusOK {
					t.Fatalf("status %d, body:\n%s", res.StatusCode, page)
				}
				if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("Content-Type %q", ct)
				}
				checkNoOtherHost(t, page, "example.test")
				for _, a := range assetFiles {
					if !strings.Contains(page, `"/graphiql/`+a.name) {
						t.Errorf("page does not load /graphiql/%s", a.name)
					}
				}
				for _, want := range []string{`data-endpoint="/query"`, "GraphiQL.createFetcher", initScript} {
					if !strings.Contains(page, want) {
						t.Errorf("page lacks %q", want)
					}
				}
				csp := res.Header.Get("Content-Security-Policy")
				for _, want := range []string{"default-src 'none'", initScriptHash, "connect-src 'self'"} {
					if !strings.Contains(csp, want) {
						t.Errorf("CSP %q lacks %q", csp, want)
					}
				}
			})

			assets := []struct {
				path, contentType string
			}{
				{"/graphiql/react.production.min.js", "text/javascript; charset=utf-8"},
				{"/graphiql/react-dom.production.min.js", "text/javascript; charset=utf-8"},
				{"/graphiql/graphiql.min.js", "text/javascript; charset=utf-8"},
				{"/graphiql/graphiql.min.css", "text/css; charset=utf-8"},
			}
			if len(assets) != len(assetFiles) {
				t.Fatalf("test covers %d assets, package has %d", len(assets), len(assetFiles))
			}
			for _, tc := range assets {
				t.Run(tc.path, func(t *testing.T) {
					res, body := get(t, h, http.MethodGet, tc.path+"?v=x")
					if res.StatusCode != http.StatusOK {
						t.Fatalf("status %d", res.StatusCode)
					}
					if ct := res.Header.Get("Content-Type"); ct != tc.contentType {
						t.Errorf("Content-Type %q, want %q", ct, tc.contentType)
					}
					if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
						t.Errorf("Cache-Control %q", cc)
					}
					if len(body) < 1000 {
						t.Errorf("body has %d bytes", len(body))
					}
					etag := res.Header.Get("ETag")
					if etag == "" {
						t.Fatal("no ETag")
					}
					if res, _ := get(t, h, http.MethodGet, tc.path, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
						t.Errorf("conditional GET: status %d, want 304", res.StatusCode)
					}
					if res, body := get(t, h, http.MethodHead, tc.path); res.StatusCode != http.StatusOK || body != "" {
						t.Errorf("HEAD: status %d, %d body bytes", res.StatusCode, len(body))
					}
				})
			}

			for _, tc := range []struct {
				method, path string
				want         int
			}{
				{http.MethodGet, "/", http.StatusNotFound},
				{http.MethodGet, "/graphiql/", http.StatusOK},
				{http.MethodGet, "/graphiql/unknown.js", http.StatusNotFound},
				{http.MethodGet, "/graphiql/graphiql.min.js.map", http.StatusNotFound},
				{http.MethodGet, "/graphiql/README.md", http.StatusNotFound},
				{http.MethodGet, "/graphiql/x/graphiql.min.js", http.StatusNotFound},
				{http.MethodGet, "/favicon.ico", http.StatusNotFound},
				{http.MethodPost, "/graphiql", http.StatusMethodNotAllowed},
				{http.MethodPost, "/graphiql/graphiql.min.js", http.StatusMethodNotAllowed},
			} {
				t.Run(tc.method+" "+tc.path, func(t *testing.T) {
					if res, _ := get(t, h, tc.method, tc.path); res.StatusCode != tc.want {
						t.Errorf("status %d, want %d", res.StatusCode, tc.want)
					}
				})
			}
		})
	}
}

// TestServeWithoutAssets covers a binary without assets whose install is
// still running or has failed: the page explains, assets are not served.
func TestServeWithoutAssets(t *testing.T) {
	noNPM := func(t *testing.T, h *Handler) (finish func()) {
		t.Setenv("PATH", t.TempDir())
		root := t.TempDir()
		h.source = func(ctx context.Context) (*assetSet, error) {
			return findAssets(ctx, h.logger, fstest.MapFS{}, root)
		}
		return func() {}
	}
	blocked := func(t *testing.T, h *Handler) (finish func()) {
		release := make(chan struct{})
		h.source = func(ctx context.Context) (*assetSet, error) {
			<-release
			return nil, context.Canceled
		}
		return func() {
			close(release)
			if err := h.wait(t.Context()); err != nil {
				t.Error(err)
			}
		}
	}
	for _, tc := range []struct {
		name      string
		setup     func(*testing.T, *Handler) (finish func())
		wait      bool
		wantPage  []string
		wantAsset int
	}{
		{"npm missing", noNPM, true,
			[]string{"GraphiQL is not available", "npm was not found", "go generate ./internal/graphiql", "<code>/query</code>"},
			http.StatusNotFound},
		{"installing", blocked, false,
			[]string{"being installed", "Reload in a moment", `http-equiv="refresh"`, "<code>/query</code>"},
			http.StatusServiceUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := New(endpoint, testLogger(t))
			defer tc.setup(t, h)()
			if tc.wait {
				h.Prepare(t.Context())
				if err := h.wait(t.Context()); err != nil {
					t.Fatal(err)
				}
			} // else the first request must start the install itself.

			res, page := get(t, h, http.MethodGet, "http://example.test/graphiql")
			if res.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("status %d", res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			for _, want := range tc.wantPage {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q:\n%s", want, page)
				}
			}
			if strings.Contains(page, "<script") {
				t.Error("page has a script")
			}
			checkNoOtherHost(t, page, "example.test")
			if res, _ := get(t, h, http.MethodGet, "/graphiql/graphiql.min.js"); res.StatusCode != tc.wantAsset {
				t.Errorf("asset: status %d, want %d", res.StatusCode, tc.wantAsset)
			}
			if res, _ := get(t, h, http.MethodGet, "/graphiql/unknown.js"); res.StatusCode != http.StatusNotFound {
				t.Errorf("unknown asset: status %d, want 404", res.StatusCode)
			}
		})
	}
}

// TestEmbeddedFiles catches assets/ and assetFiles drifting apart: go
// generate must write all of the files or none, and nothing else.
func TestEmbeddedFiles(t *testing.T) {
	var found []string
	err := fs.WalkDir(embeddedAssets(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && p != "README.md" {
			found = append(found, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range found {
		if _, ok := assetByName(p); !ok {
			t.Errorf("assets/%s is embedded but not served", p)
		}
	}
	if len(found) != 0 && len(found) != len(assetFiles) {
		t.Errorf("assets/ has %d of %d files; rerun go generate ./internal/graphiql", len(found), len(assetFiles))
	}
}

func TestContentSecurityPolicyConnect(t *testing.T) {
	for _, tc := range []struct{ endpoint, want string }{
		{"/query", "connect-src 'self';"},
		{"https://api.example.org/query", "connect-src 'self' https://api.example.org;"},
		{"ws://localhost:8080/query", "connect-src 'self' ws://localhost:8080;"},
		{"javascript:alert(1)", "connect-src 'self';"},
	} {
		if got := contentSecurityPolicy(tc.endpoint); !strings.Contains(got, tc.want) {
			t.Errorf("contentSecurityPolicy(%q) = %q, want it to contain %q", tc.endpoint, got, tc.want)
		}
	}
}
