//go:build ignore

// gen_assets builds the dashboard into the binary: it installs web/'s
// pinned npm packages with `npm ci` and runs `vite build` into dist/app/,
// which the dashboard package embeds. It is run by `go generate
// ./internal/dashboard` (or `go generate ./...`) from the package directory,
// and does nothing when dist/app/ was built from the same sources and
// lockfile (dashboard.SourceStamp).
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/aidregistry/registry/internal/dashboard"
)

const (
	appDir    = "dist/app"
	stampFile = "dist/app/.stamp" // hidden, so not embedded
	lockStamp = "web/node_modules/.registry-lock-stamp"
	// goMod keeps the go tool out of node_modules (`go vet ./...`): a
	// directory with its own go.mod is another module. It cannot sit in
	// web/ itself, since the package embeds web/'s sources.
	goMod = "web/node_modules/go.mod"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("dashboard gen_assets: ")

	if err := writeIfChanged(dashboard.CountryCodesPath, dashboard.CountryCodesJSON()); err != nil {
		log.Fatal(err)
	}
	if err := keepGoOut(); err != nil {
		log.Fatal(err)
	}
	stamp, err := dashboard.SourceStamp(os.DirFS("."))
	if err != nil {
		log.Fatalf("%v (run from internal/dashboard, as go generate does)", err)
	}
	if b, err := os.ReadFile(stampFile); err == nil && strings.TrimSpace(string(b)) == stamp {
		if fi, err := os.Stat(filepath.Join(appDir, "index.html")); err == nil && fi.Size() > 0 {
			return
		}
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		log.Fatalf("npm not found on PATH; install Node.js (which brings npm) and rerun: %v", err)
	}
	if err := install(npm); err != nil {
		log.Fatal(err)
	}
	_ = os.Remove(stampFile)
	fmt.Fprintln(os.Stderr, "dashboard gen_assets: vite build into internal/dashboard/dist/app")
	if err := run("web", filepath.Join("node_modules", ".bin", "vite"), "build", "--logLevel", "warn"); err != nil {
		log.Fatalf("vite build: %v", err)
	}
	if err := os.WriteFile(stampFile, []byte(stamp+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
}

// install runs `npm ci` in web/ unless node_modules is from the same
// lockfile.
func install(npm string) error {
	lock, err := hashFiles([]string{"web/package.json", "web/package-lock.json"})
	if err != nil {
		return err
	}
	if b, err := os.ReadFile(lockStamp); err != nil || strings.TrimSpace(string(b)) != lock {
		fmt.Fprintln(os.Stderr, "dashboard gen_assets: npm ci (pinned by internal/dashboard/web/package-lock.json)")
		if err := run("web", npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"); err != nil {
			return fmt.Errorf("npm ci: %w", err)
		}
		if err := os.WriteFile(lockStamp, []byte(lock+"\n"), 0o644); err != nil {
			return err
		}
	}
	return keepGoOut()
}

// keepGoOut gives an installed node_modules its go.mod.
func keepGoOut() error {
	if _, err := os.Stat(filepath.Dir(goMod)); err != nil {
		return nil // nothing installed yet
	}
	return writeIfChanged(goMod, []byte("module aidregistry.invalid/node-modules-ignored\n"))
}

func run(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

func hashFiles(files []string) (string, error) {
	h := sha256.New()
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			return "", fmt.Errorf("%v (run from internal/dashboard, as go generate does)", err)
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)[:8]), nil
}

// writeIfChanged leaves an unchanged file alone, so its time stays put.
func writeIfChanged(name string, b []byte) error {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, b) {
		return nil
	}
	return os.WriteFile(name, b, 0o644)
}
