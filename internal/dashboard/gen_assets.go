//go:build ignore

// gen_assets builds the dashboard: it installs web/'s pinned npm packages
// with `npm ci` and runs `vite build` into dist/app/, which the dashboard
// package embeds. It is run by `go generate ./internal/dashboard` (or
// `go generate ./...`) from the package directory, and does nothing when
// dist/app/ was built from the same sources and lockfile.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/biter777/countries"
)

const (
	appDir    = "dist/app"
	stampFile = "dist/app/.stamp" // hidden, so not embedded
	lockStamp = "web/node_modules/.registry-lock-stamp"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("dashboard gen_assets: ")

	if err := writeCountryCodes("web/src/iso-numeric.gen.json"); err != nil {
		log.Fatal(err)
	}
	stamp, err := sourceStamp()
	if err != nil {
		log.Fatal(err)
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

// install runs `npm ci` in web/ unless node_modules is from the same lockfile.
func install(npm string) error {
	lock, err := hashFiles([]string{"web/package.json", "web/package-lock.json"})
	if err != nil {
		return err
	}
	if b, err := os.ReadFile(lockStamp); err == nil && strings.TrimSpace(string(b)) == lock {
		return nil
	}
	fmt.Fprintln(os.Stderr, "dashboard gen_assets: npm ci (pinned by internal/dashboard/web/package-lock.json)")
	if err := run("web", npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"); err != nil {
		return fmt.Errorf("npm ci: %w", err)
	}
	return os.WriteFile(lockStamp, []byte(lock+"\n"), 0o644)
}

func run(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

// sourceStamp identifies everything the build reads: the lockfile, the
// app's sources and the operations.
func sourceStamp() (string, error) {
	files := []string{"gen_assets.go", "web/package.json", "web/package-lock.json", "web/index.html", "web/vite.config.ts"}
	for _, dir := range []string{"web/src", "operations"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && !strings.Contains(p, ".test.") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("%v (run from internal/dashboard, as go generate does)", err)
		}
	}
	sort.Strings(files)
	return hashFiles(files)
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

// writeCountryCodes writes ISO 3166-1 numeric code -> alpha-2, which the
// map needs (world-atlas keys countries by numeric code), from the same
// maintained list the registry's countries come from.
func writeCountryCodes(name string) error {
	m := map[string]string{}
	for _, c := range countries.All() {
		a2 := c.Alpha2()
		if len(a2) != 2 || c.Info() == nil {
			continue
		}
		m[fmt.Sprintf("%03d", int(c))] = a2
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if old, err := os.ReadFile(name); err == nil && string(old) == string(b) {
		return nil
	}
	return os.WriteFile(name, b, 0o644)
}
