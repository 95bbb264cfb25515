// Package graphiql serves the GraphiQL in-browser IDE for the registry's
// GraphQL endpoint without touching the internet.
//
// The usual GraphiQL pages (including the one gqlgen ships) load React and
// GraphiQL from a CDN, so they break on machines without internet access and
// leak every page view to a third party. This package serves those files from
// the registry binary itself instead.
//
// The files come from the npm registry, pinned by package.json and
// package-lock.json in this directory. They are never committed to git. They
// reach the server in one of two ways:
//
//   - Built in: `go generate ./internal/graphiql` runs gen_assets.go, which
//     runs `npm ci` in a temporary directory and copies the four files into
//     assets/, which is embedded into the binary. Release builds should do
//     this.
//   - Installed at start: a binary built without them (for example
//     `go run ./cmd/registry serve` on a fresh clone) runs `npm ci` once in
//     the background into os.UserCacheDir()/aidregistry/graphiql-<hash of
//     the lockfile> and serves the files from there. Later starts reuse that
//     directory.
//
// While the install runs the page says to reload in a moment; if npm is
// missing or fails, the page explains how to get GraphiQL. The GraphQL API
// does not depend on any of this.
package graphiql

//go:generate go run gen_assets.go

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// assetPrefix is the URL path under which the GraphiQL files are served.
const assetPrefix = "/graphiql/"

// PagePath is where the GraphiQL page is served ("/" is the dashboard's).
const PagePath = "/graphiql"

// installTimeout bounds the background npm install.
const installTimeout = 5 * time.Minute

// Handler serves the GraphiQL page at "/graphiql" and its files under
// "/graphiql/". Mount it at both next to the GraphQL endpoint. It is safe for concurrent
// use.
type Handler struct {
	endpoint string
	logger   *slog.Logger

	// source finds the assets. Tests replace it.
	source func(ctx context.Context) (*assetSet, error)

	once sync.Once
	done chan struct{} // closed once the assets are loaded or have failed

	mu     sync.Mutex
	state  state
	assets *assetSet // set when state == stateReady
	err    error     // set when state == stateUnavailable
}

type state int

const (
	stateIdle state = iota
	stateInstalling
	stateReady
	stateUnavailable
)

// New returns a Handler whose page sends GraphQL requests to endpoint, for
// example "/query". A nil logger means slog.Default().
func New(endpoint string, logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.Default()
	}
	h := &Handler{
		endpoint: endpoint,
		logger:   logger,
		done:     make(chan struct{}),
	}
	h.source = h.findAssets
	return h
}

// Prepare makes the assets available: at once if they are built into the
// binary or already installed, otherwise by starting `npm ci` in the
// background. It does not wait for the install. Cancelling ctx stops an
// install still running. Only the first call does anything; if Prepare is
// never called, the first request calls it with a background context.
func (h *Handler) Prepare(ctx context.Context) {
	h.once.Do(func() {
		h.mu.Lock()
		h.state = stateInstalling
		h.mu.Unlock()
		go h.load(ctx)
	})
}

// load runs h.source and records its outcome. It runs in its own goroutine.
func (h *Handler) load(ctx context.Context) {
	defer close(h.done)
	ctx, cancel := context.WithTimeout(ctx, installTimeout)
	defer cancel()

	set, err := h.source(ctx)

	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil {
		h.state, h.err = stateUnavailable, err
		h.logger.Warn("graphiql: page unavailable; run `go generate ./internal/graphiql` to build it in",
			"err", err)
		return
	}
	h.state, h.assets = stateReady, set
}

// wait blocks until the assets are loaded or failed, or ctx is done.
func (h *Handler) wait(ctx context.Context) error {
	select {
	case <-h.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Handler) snapshot() (state, *assetSet, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state, h.assets, h.err
}

// ServeHTTP serves the page at PagePath (and "/graphiql/") and the files
// under "/graphiql/". Anything else is 404.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.Prepare(context.Background())

	path := r.URL.Path
	if path != PagePath && !strings.HasPrefix(path, assetPrefix) {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}

	st, set, err := h.snapshot()
	if path == PagePath || path == assetPrefix {
		h.servePage(w, r, st, set, err)
		return
	}

	name := strings.TrimPrefix(path, assetPrefix)
	if _, known := assetByName(name); !known {
		http.NotFound(w, r)
		return
	}
	switch st {
	case stateReady:
		set.serve(w, r, name)
	case stateUnavailable:
		http.NotFound(w, r)
	default:
		w.Header().Set("Retry-After", "2")
		http.Error(w, "GraphiQL is being installed", http.StatusServiceUnavailable)
	}
}

func (h *Handler) servePage(w http.ResponseWriter, r *http.Request, st state, set *assetSet, err error) {
	var buf bytes.Buffer
	status := http.StatusOK
	data := pageData{Endpoint: h.endpoint}
	switch st {
	case stateReady:
		data.Ready = true
		data.Version = set.version
		data.Script = template.JS(initScript)
	case stateUnavailable:
		status = http.StatusServiceUnavailable
		data.Error = err.Error()
	default:
		status = http.StatusServiceUnavailable
		data.Installing = true
		w.Header().Set("Retry-After", "2")
	}
	if err := pageTemplate.Execute(&buf, data); err != nil {
		h.logger.Error("graphiql: render page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}

	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Content-Security-Policy", contentSecurityPolicy(h.endpoint))
	hdr.Set("Content-Length", fmt.Sprint(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}
