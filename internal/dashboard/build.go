package dashboard

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/aidregistry/registry/internal/usercache"
)

// hasApp tells whether dir holds a built app (its index.html).
func hasApp(fsys fs.FS) bool {
	fi, err := fs.Stat(fsys, "index.html")
	return err == nil && fi.Size() > 0
}

// buildInCache returns the app from root/dashboard-<stamp of sources>,
// first building it there from sources with `npm ci` and `vite build` if
// needed. The directory appears whole (a rename), so a crash or a second
// server never leaves a half-built one; later starts reuse it.
func buildInCache(ctx context.Context, logger *slog.Logger, sources fs.FS, root string) (fs.FS, error) {
	stamp, err := SourceStamp(sources)
	if err != nil {
		return nil, err
	}
	ready := func(dir string) bool { return hasApp(os.DirFS(dir)) }
	start := time.Now()
	final, made, err := usercache.Fill(ctx, root, "dashboard", stamp, ready, func(ctx context.Context, work string) (string, error) {
		npm, err := exec.LookPath("npm")
		if err != nil {
			return "", fmt.Errorf("npm was not found on PATH, so the dashboard cannot be built: %w", err)
		}
		logger.Info("dashboard: building the app with npm in the background (first start only)",
			"dir", filepath.Join(root, "dashboard-"+stamp))
		if err := buildFrom(ctx, npm, sources, work); err != nil {
			return "", err
		}
		return filepath.Join(work, "dist", "app"), nil
	})
	if err != nil {
		return nil, err
	}
	if made {
		logger.Info("dashboard: built the app", "dir", final, "took", time.Since(start).Round(100*time.Millisecond))
	} else {
		logger.Debug("dashboard: serving the app built at an earlier start", "dir", final)
	}
	return os.DirFS(final), nil
}

// buildFrom writes the sources into work (laid out as this directory) and
// builds them into work/dist/app.
func buildFrom(ctx context.Context, npm string, sources fs.FS, work string) error {
	files, err := SourceFiles(sources)
	if err != nil {
		return err
	}
	for _, name := range files {
		if err := copyOut(sources, name, work); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(work, filepath.FromSlash(CountryCodesPath)), CountryCodesJSON(), 0o644); err != nil {
		return err
	}
	web := filepath.Join(work, "web")
	if err := usercache.Run(ctx, web, npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"); err != nil {
		return fmt.Errorf("npm ci: %w", err)
	}
	vite := filepath.Join(web, "node_modules", ".bin", "vite")
	if err := usercache.Run(ctx, web, vite, "build", "--logLevel", "warn"); err != nil {
		return fmt.Errorf("vite build: %w", err)
	}
	if !hasApp(os.DirFS(filepath.Join(work, "dist", "app"))) {
		return errors.New("vite build wrote no index.html")
	}
	return nil
}

func copyOut(fsys fs.FS, name, dir string) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	dst := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}
