package graphiql

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// lockHash identifies the pinned versions, so that changing them installs
// into a fresh directory.
func lockHash() string {
	h := sha256.New()
	for _, name := range []string{"package.json", "package-lock.json"} {
		b, err := npmFiles.ReadFile(name)
		if err != nil {
			panic(err) // cannot happen: both are embedded
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// install returns the assets from root/graphiql-<lockHash>, first creating
// that directory with `npm ci` if needed. The directory holds only the asset
// files and appears atomically, so a crash or a concurrent server never
// leaves a half-filled one behind.
func install(ctx context.Context, logger *slog.Logger, root string) (*assetSet, error) {
	final := filepath.Join(root, "graphiql-"+lockHash())
	if set, err := loadAssetSet(os.DirFS(final)); err == nil {
		logger.Debug("graphiql: serving assets installed earlier", "dir", final)
		return set, nil
	}
	// Anything there now is broken (hand-edited or from an older layout).
	if err := os.RemoveAll(final); err != nil {
		return nil, err
	}

	npm, err := exec.LookPath("npm")
	if err != nil {
		return nil, fmt.Errorf("npm was not found on PATH, so GraphiQL cannot be installed: %w", err)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	removeStaleWorkDirs(root)
	work, err := os.MkdirTemp(root, "graphiql-tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	for _, name := range []string{"package.json", "package-lock.json"} {
		b, _ := npmFiles.ReadFile(name)
		if err := os.WriteFile(filepath.Join(work, name), b, 0o644); err != nil {
			return nil, err
		}
	}

	logger.Info("graphiql: installing GraphiQL with npm ci in the background (first start only)", "dir", final)
	start := time.Now()
	cmd := exec.CommandContext(ctx, npm, "ci",
		"--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false")
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, fmt.Errorf("npm ci stopped after %s: %w", time.Since(start).Round(time.Second), ctxErr)
	}
	if err != nil {
		return nil, fmt.Errorf("npm ci failed: %w\n%s", err, tail(out, 2000))
	}

	staged := filepath.Join(work, "assets")
	if err := os.Mkdir(staged, 0o755); err != nil {
		return nil, err
	}
	for _, a := range assetFiles {
		b, err := os.ReadFile(filepath.Join(work, "node_modules", filepath.FromSlash(a.npmPath)))
		if err != nil {
			return nil, fmt.Errorf("npm ci did not produce the expected file: %w", err)
		}
		if err := os.WriteFile(filepath.Join(staged, a.name), b, 0o644); err != nil {
			return nil, err
		}
	}
	if err := os.Rename(staged, final); err != nil {
		// Another server may have won the race; its result is as good.
		if set, loadErr := loadAssetSet(os.DirFS(final)); loadErr == nil {
			return set, nil
		}
		return nil, err
	}
	set, err := loadAssetSet(os.DirFS(final))
	if err != nil {
		return nil, err
	}
	logger.Info("graphiql: installed GraphiQL", "dir", final, "took", time.Since(start).Round(100*time.Millisecond))
	return set, nil
}

// removeStaleWorkDirs removes work directories left by installs that were
// killed. Young ones may belong to an install running in another process.
func removeStaleWorkDirs(root string) {
	old, _ := filepath.Glob(filepath.Join(root, "graphiql-tmp-*"))
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
