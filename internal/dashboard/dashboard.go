// Package dashboard serves the registry's pages for people: the overview at
// "/", the record pages "/programmes/{code}" and "/organisations/{id}", and
// their files under "/static/", all from the binary (no CDN, no web fonts,
// no map tiles).
//
// The pages are a Vite + TypeScript app in web/ (its npm packages pinned by
// web/package.json and web/package-lock.json). Its build output holds
// third-party code, so it is never committed; it reaches the server in one
// of two ways, as GraphiQL's files do:
//
//   - Built in: `go generate ./internal/dashboard` runs gen_assets.go, which
//     installs the packages with `npm ci` and builds the app with `vite
//     build` into dist/app/, which is embedded. Release builds do this.
//   - Built at the first start: a binary built without it (`go run
//     ./cmd/registry serve` on a fresh clone) carries the app's sources
//     (appSources) and builds them once, in the background, into
//     os.UserCacheDir()/aidregistry/dashboard-<stamp of the sources>; later
//     starts reuse that directory. Meanwhile the pages say so and reload
//     themselves; the API and GraphiQL do not wait for it.
//
// The app reads data only through the persisted operations in operations/:
// it sends their SHA-256 alone (extensions.persistedQuery.sha256Hash), never
// a query text. Operations returns them for the server to register, so the
// dashboard works on a --persisted-only server with no flag.
package dashboard

//go:generate go run gen_assets.go

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/aidregistry/registry/internal/usercache"
)

// StaticPrefix is where the built app's files are served.
const StaticPrefix = "/static/"

// built holds dist/README.md and, after `go generate`, the app in dist/app.
//
//go:embed dist
var built embed.FS

//go:embed operations/*.graphql
var operations embed.FS

// Operations returns the dashboard's GraphQL operations keyed by the hex
// SHA-256 of their exact text, as the app sends them.
func Operations() map[string]string {
	out := map[string]string{}
	entries, err := fs.ReadDir(operations, "operations")
	if err != nil {
		panic(err) // cannot happen: the directory is embedded
	}
	for _, e := range entries {
		b, err := operations.ReadFile("operations/" + e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		out[hex.EncodeToString(sum[:])] = string(b)
	}
	return out
}

// buildTimeout bounds a first-start build (npm ci and vite build).
const buildTimeout = 10 * time.Minute

// Handler serves the dashboard. Mount it at "/{$}", "/programmes/",
// "/organisations/" and StaticPrefix. It is safe for concurrent use.
type Handler struct {
	logger *slog.Logger
	// source finds the app when it is not built into the binary: by
	// building it once into the cache directory. Tests replace it.
	source func(ctx context.Context) (fs.FS, error)
	once   sync.Once

	mu    sync.Mutex
	state state
	app   fs.FS  // set when state == stateReady
	index []byte // the app's index.html, likewise
	err   error  // set when state == stateUnavailable
}

type state int

const (
	stateIdle state = iota
	stateBuilding
	stateReady
	stateUnavailable
)

// New returns the handler over the app built into the binary or, in a
// binary built without it, over the app it builds at its first start into
// os.UserCacheDir()/aidregistry/dashboard-<stamp of the sources> (npm
// needed, as for GraphiQL), reused by later starts.
func New(logger *slog.Logger) *Handler {
	sub, err := fs.Sub(built, "dist/app")
	if err != nil {
		panic(err)
	}
	return newHandler(logger, sub, "")
}

func newHandler(logger *slog.Logger, embedded fs.FS, cacheRoot string) *Handler {
	if logger == nil {
		logger = slog.Default()
	}
	h := &Handler{logger: logger}
	if hasApp(embedded) && h.setApp(embedded) == nil {
		return h
	}
	h.source = func(ctx context.Context) (fs.FS, error) {
		root := cacheRoot
		if root == "" {
			root = usercache.Root()
		}
		return buildInCache(ctx, logger, appSources, root)
	}
	return h
}

// setApp makes app the one served.
func (h *Handler) setApp(app fs.FS) error {
	index, err := fs.ReadFile(app, "index.html")
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.state, h.app, h.index = stateReady, app, index
	return nil
}

// Prepare starts building the app in the background when the binary does
// not embed it and no earlier start built it; it does not wait. Cancelling
// ctx stops the build. Only the first call does anything; without one, the
// first request calls it.
func (h *Handler) Prepare(ctx context.Context) {
	h.once.Do(func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.state != stateIdle {
			return
		}
		h.state = stateBuilding
		go h.load(ctx)
	})
}

func (h *Handler) load(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	app, err := h.source(ctx)
	if err == nil {
		err = h.setApp(app)
	}
	if err != nil {
		h.logger.Warn("dashboard: not available; run `go generate ./internal/dashboard` to build it in", "err", err)
		h.mu.Lock()
		h.state, h.err = stateUnavailable, err
		h.mu.Unlock()
	}
}

func (h *Handler) snapshot() (state, fs.FS, []byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state, h.app, h.index, h.err
}

// Built tells whether the app is ready to serve.
func (h *Handler) Built() bool {
	st, _, _, _ := h.snapshot()
	return st == stateReady
}

// contentSecurityPolicy lets the pages load only the binary's own files and
// talk only to their own origin.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// ServeHTTP serves the app's pages and files; while a first-start build
// runs, the pages say so and reload themselves.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.Prepare(context.Background())
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, StaticPrefix):
		h.serveStatic(w, r, strings.TrimPrefix(p, StaticPrefix))
	case isPage(p):
		h.servePage(w, r)
	default:
		http.NotFound(w, r)
	}
}

// isPage tells whether p is one of the app's client-side routes.
func isPage(p string) bool {
	if p == "/" {
		return true
	}
	for _, prefix := range []string{"/programmes/", "/organisations/"} {
		if rest, ok := strings.CutPrefix(p, prefix); ok && rest != "" {
			return true
		}
	}
	return false
}

func (h *Handler) servePage(w http.ResponseWriter, r *http.Request) {
	st, _, index, err := h.snapshot()
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Content-Security-Policy", contentSecurityPolicy)
	body := index
	switch st {
	case stateReady:
	case stateUnavailable:
		body = []byte(strings.Replace(notBuiltPage, "<!--why-->", html.EscapeString(err.Error()), 1))
		w.WriteHeader(http.StatusServiceUnavailable)
	default:
		body = []byte(buildingPage)
		hdr.Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func (h *Handler) serveStatic(w http.ResponseWriter, r *http.Request, name string) {
	_, app, _, _ := h.snapshot()
	if app == nil || name == "" || !fs.ValidPath(name) || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	b, err := fs.ReadFile(app, "static/"+name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	hdr.Set("Content-Type", ct)
	// Vite puts a hash of the content in every name.
	hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	hdr.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

const pageStyle = `<style>body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; } pre { background: #f4f4f4; padding: .75rem; white-space: pre-wrap; }</style>`

// buildingPage reloads itself (a meta refresh: no script) until the
// first-start build is done.
const buildingPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5">
<title>Building the dashboard</title>
` + pageStyle + `
</head>
<body>
<h1>Building the dashboard</h1>
<p>This binary does not include the dashboard, so the registry is building
it with npm, once (later starts reuse the build; about a minute). This page
reloads itself until it is ready.</p>
<p>The GraphQL API at <code>/query</code> and GraphiQL at
<a href="/graphiql">/graphiql</a> work meanwhile.</p>
</body>
</html>
`

const notBuiltPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dashboard not built</title>
` + pageStyle + `
</head>
<body>
<h1>Dashboard not built</h1>
<p>This binary does not include the dashboard, and building it failed:</p>
<pre><!--why--></pre>
<p>Build it in (this needs Node.js and npm) and restart:</p>
<pre>go generate ./internal/dashboard
go build ./cmd/registry</pre>
<p>The GraphQL API at <code>/query</code> and GraphiQL at
<a href="/graphiql">/graphiql</a> work without it.</p>
</body>
</html>
`
