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
	final := filepath.Join(root, "dashboard-"+stamp)
	if app := os.DirFS(final); hasApp(app) {
		logger.Debug("dashboard: serving the app built at an earlier start", "dir", final)
		return app, nil
	}
	if err := os.RemoveAll(final); err != nil { // anything there is broken
		return nil, err
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return nil, fmt.Errorf("npm was not found on PATH, so the dashboard cannot be built: %w", err)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	removeStaleWorkDirs(root)
	work, err := os.MkdirTemp(root, "dashboard-tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)

	logger.Info("dashboard: building the app with npm in the background (first start only)", "dir", final)
	start := time.Now()
	if err := buildFrom(ctx, npm, sources, work); err != nil {
		return nil, err
	}
	if err := os.Rename(filepath.Join(work, "dist", "app"), final); err != nil {
		// Another server may have won the race; its build is as good.
		if app := os.DirFS(final); hasApp(app) {
			return app, nil
		}
		return nil, err
	}
	logger.Info("dashboard: built the app", "dir", final, "took", time.Since(start).Round(100*time.Millisecond))
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
	if err := runIn(ctx, web, npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"); err != nil {
		return fmt.Errorf("npm ci: %w", err)
	}
	vite := filepath.Join(web, "node_modules", ".bin", "vite")
	if err := runIn(ctx, web, vite, "build", "--logLevel", "warn"); err != nil {
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

func runIn(ctx context.Context, dir, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false", "NO_COLOR=1")
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if err != nil {
		return fmt.Errorf("%w\n%s", err, tail(out, 2000))
	}
	return nil
}

// removeStaleWorkDirs removes work directories left by builds that were
// killed. Young ones may belong to a build running in another process.
func removeStaleWorkDirs(root string) {
	old, _ := filepath.Glob(filepath.Join(root, "dashboard-tmp-*"))
	for _, dir := range old {
		if fi, err := os.Stat(dir); err == nil && time.Since(fi.ModTime()) > time.Hour {
			_ = os.RemoveAll(dir)
		}
	}
}

// tail returns at most the last n bytes of b, for error messages.
func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
