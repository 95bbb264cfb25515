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

	"github.com/aidregistry/registry/internal/usercache"
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

// install returns the assets from root/graphiql-<lockHash>, first making
// that directory with `npm ci` if needed (usercache.Fill: it holds only the
// asset files and appears whole).
func install(ctx context.Context, logger *slog.Logger, root string) (*assetSet, error) {
	ready := func(dir string) bool {
		_, err := loadAssetSet(os.DirFS(dir))
		return err == nil
	}
	start, version := time.Now(), lockHash()
	final, made, err := usercache.Fill(ctx, root, "graphiql", version, ready, func(ctx context.Context, work string) (string, error) {
		logger.Info("graphiql: installing GraphiQL with npm ci in the background (first start only)",
			"dir", filepath.Join(root, "graphiql-"+version))
		return stageAssets(ctx, work)
	})
	if err != nil {
		return nil, err
	}
	set, err := loadAssetSet(os.DirFS(final))
	if err != nil {
		return nil, err
	}
	if made {
		logger.Info("graphiql: installed GraphiQL", "dir", final, "took", time.Since(start).Round(100*time.Millisecond))
	} else {
		logger.Debug("graphiql: serving assets installed earlier", "dir", final)
	}
	return set, nil
}

// stageAssets runs `npm ci` in work and copies the asset files into
// work/assets, which it returns.
func stageAssets(ctx context.Context, work string) (string, error) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", fmt.Errorf("npm was not found on PATH, so GraphiQL cannot be installed: %w", err)
	}
	for _, name := range []string{"package.json", "package-lock.json"} {
		b, _ := npmFiles.ReadFile(name)
		if err := os.WriteFile(filepath.Join(work, name), b, 0o644); err != nil {
			return "", err
		}
	}
	start := time.Now()
	if err := usercache.Run(ctx, work, npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("npm ci stopped after %s: %w", time.Since(start).Round(time.Second), err)
		}
		return "", fmt.Errorf("npm ci failed: %w", err)
	}
	staged := filepath.Join(work, "assets")
	if err := os.Mkdir(staged, 0o755); err != nil {
		return "", err
	}
	for _, a := range assetFiles {
		b, err := os.ReadFile(filepath.Join(work, "node_modules", filepath.FromSlash(a.npmPath)))
		if err != nil {
			return "", fmt.Errorf("npm ci did not produce the expected file: %w", err)
		}
		if err := os.WriteFile(filepath.Join(staged, a.name), b, 0o644); err != nil {
			return "", err
		}
	}
	return staged, nil
}
