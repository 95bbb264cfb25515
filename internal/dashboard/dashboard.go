// Package dashboard serves the registry's pages for people: the overview at
// "/", the record pages "/programmes/{code}" and "/organisations/{id}", and
// their files under "/static/", all from the binary (no CDN, no web fonts,
// no map tiles).
//
// The pages are a Vite + TypeScript app in web/ (its npm packages pinned by
// web/package.json and web/package-lock.json). `go generate
// ./internal/dashboard` runs gen_assets.go, which installs them with `npm
// ci` and builds the app with `vite build` into dist/app/, which is
// embedded. Neither node_modules nor dist/app is ever committed. A binary
// built without running it serves a page that says how to build the
// dashboard; the API and GraphiQL do not depend on it.
//
// The app reads data only through the persisted operations in operations/:
// it sends their SHA-256 alone (extensions.persistedQuery.sha256Hash), never
// a query text. Operations returns them for the server to register, so the
// dashboard works on a --persisted-only server with no flag.
package dashboard

//go:generate go run gen_assets.go

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
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

// Handler serves the dashboard. Mount it at "/{$}", "/programmes/",
// "/organisations/" and StaticPrefix.
type Handler struct {
	logger *slog.Logger
	app    fs.FS // nil when the app is not built in
	index  []byte
}

// New returns the handler over the app built into the binary.
func New(logger *slog.Logger) *Handler {
	sub, err := fs.Sub(built, "dist/app")
	if err != nil {
		panic(err)
	}
	return newHandler(logger, sub)
}

func newHandler(logger *slog.Logger, app fs.FS) *Handler {
	if logger == nil {
		logger = slog.Default()
	}
	h := &Handler{logger: logger}
	index, err := fs.ReadFile(app, "index.html")
	if err != nil || len(index) == 0 {
		logger.Warn("dashboard: not built into this binary; run `go generate ./internal/dashboard` and rebuild")
		return h
	}
	h.app, h.index = app, index
	return h
}

// Built tells whether the app is built into the binary.
func (h *Handler) Built() bool { return h.app != nil }

// contentSecurityPolicy lets the pages load only the binary's own files and
// talk only to their own origin.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Content-Security-Policy", contentSecurityPolicy)
	body := h.index
	if h.app == nil {
		body = []byte(notBuiltPage)
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func (h *Handler) serveStatic(w http.ResponseWriter, r *http.Request, name string) {
	if h.app == nil || name == "" || !fs.ValidPath(name) || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	b, err := fs.ReadFile(h.app, "static/"+name)
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

const notBuiltPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dashboard assets not built</title>
<style>body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; } pre { background: #f4f4f4; padding: .75rem; }</style>
</head>
<body>
<h1>Dashboard assets not built</h1>
<p>This build of the registry does not include the dashboard. Build it in
(this needs Node.js and npm) and restart:</p>
<pre>go generate ./internal/dashboard
go build ./cmd/registry</pre>
<p>The GraphQL API at <code>/query</code> and GraphiQL at
<a href="/graphiql">/graphiql</a> work without it.</p>
</body>
</html>
`
