package graphiql

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"time"

	"github.com/aidregistry/registry/internal/usercache"
)

// asset is one third-party file the page needs. Keep this list in step with
// the one in gen_assets.go.
type asset struct {
	name        string // file name in assets/ and under /graphiql/
	npmPath     string // path below node_modules/
	contentType string
}

var assetFiles = []asset{
	{"react.production.min.js", "react/umd/react.production.min.js", "text/javascript; charset=utf-8"},
	{"react-dom.production.min.js", "react-dom/umd/react-dom.production.min.js", "text/javascript; charset=utf-8"},
	{"graphiql.min.js", "graphiql/graphiql.min.js", "text/javascript; charset=utf-8"},
	{"graphiql.min.css", "graphiql/graphiql.min.css", "text/css; charset=utf-8"},
}

func assetByName(name string) (asset, bool) {
	for _, a := range assetFiles {
		if a.name == name {
			return a, true
		}
	}
	return asset{}, false
}

// embeddedFiles holds assets/README.md and, after `go generate`, the files
// in assetFiles.
//
//go:embed assets
var embeddedFiles embed.FS

// npmFiles is what `npm ci` needs to install the pinned versions.
//
//go:embed package.json package-lock.json
var npmFiles embed.FS

func embeddedAssets() fs.FS {
	sub, err := fs.Sub(embeddedFiles, "assets")
	if err != nil {
		panic(err) // cannot happen: the directory is embedded
	}
	return sub
}

// assetSet is a complete set of assets held in memory (about 1.5 MB).
type assetSet struct {
	version string // short hash of all the contents, for cache busting
	files   map[string]loadedAsset
}

type loadedAsset struct {
	asset
	body []byte
	etag string
}

// loadAssetSet reads every file in assetFiles from the root of fsys.
func loadAssetSet(fsys fs.FS) (*assetSet, error) {
	set := &assetSet{files: make(map[string]loadedAsset, len(assetFiles))}
	all := sha256.New()
	for _, a := range assetFiles {
		body, err := fs.ReadFile(fsys, a.name)
		if err != nil {
			return nil, err
		}
		if len(body) == 0 {
			return nil, fmt.Errorf("%s is empty", a.name)
		}
		sum := sha256.Sum256(body)
		all.Write(sum[:])
		set.files[a.name] = loadedAsset{
			asset: a,
			body:  body,
			etag:  `"` + hex.EncodeToString(sum[:8]) + `"`,
		}
	}
	set.version = hex.EncodeToString(all.Sum(nil)[:6])
	return set, nil
}

func (s *assetSet) serve(w http.ResponseWriter, r *http.Request, name string) {
	f, ok := s.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", f.contentType)
	hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("ETag", f.etag)
	http.ServeContent(w, r, path.Base(name), time.Time{}, bytes.NewReader(f.body))
}

// findAssets returns the assets built into the binary if there are any, and
// otherwise installs them with npm below cacheRoot ("" means the user's
// cache directory), or reuses an earlier install there.
func findAssets(ctx context.Context, logger *slog.Logger, embedded fs.FS, cacheRoot string) (*assetSet, error) {
	set, embErr := loadAssetSet(embedded)
	if embErr == nil {
		logger.Debug("graphiql: serving assets built into the binary")
		return set, nil
	}
	if !errors.Is(embErr, fs.ErrNotExist) {
		// Half-generated assets/: say so, but carry on with npm.
		logger.Warn("graphiql: built-in assets are incomplete; rerun `go generate ./internal/graphiql`", "err", embErr)
	}
	if cacheRoot == "" {
		cacheRoot = usercache.Root()
	}
	return install(ctx, logger, cacheRoot)
}

func (h *Handler) findAssets(ctx context.Context) (*assetSet, error) {
	return findAssets(ctx, h.logger, embeddedAssets(), "")
}
