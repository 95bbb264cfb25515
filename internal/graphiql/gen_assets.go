//go:build ignore

// gen_assets installs the pinned GraphiQL files with `npm ci` and copies them
// into assets/, where the graphiql package embeds them. It is run by
// `go generate ./internal/graphiql` (or `go generate ./...`) from the package
// directory. It does nothing when assets/ already matches package-lock.json.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// files maps each name in assets/ to its path below node_modules/. Keep it
// in step with assetFiles in assets.go.
var files = [][2]string{
	{"react.production.min.js", "react/umd/react.production.min.js"},
	{"react-dom.production.min.js", "react-dom/umd/react-dom.production.min.js"},
	{"graphiql.min.js", "graphiql/graphiql.min.js"},
	{"graphiql.min.css", "graphiql/graphiql.min.css"},
}

const (
	assetsDir = "assets"
	stampFile = "assets/.stamp" // hidden, so not embedded
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("graphiql gen_assets: ")

	stamp, err := lockStamp()
	if err != nil {
		log.Fatal(err)
	}
	if upToDate(stamp) {
		return
	}

	npm, err := exec.LookPath("npm")
	if err != nil {
		log.Fatalf("npm not found on PATH; install Node.js (which brings npm) and rerun: %v", err)
	}
	work, err := os.MkdirTemp("", "aidregistry-graphiql-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(work)
	for _, name := range []string{"package.json", "package-lock.json"} {
		if err := copyFile(name, filepath.Join(work, name)); err != nil {
			fail(work, err)
		}
	}

	fmt.Fprintln(os.Stderr, "graphiql gen_assets: npm ci (pinned by internal/graphiql/package-lock.json)")
	cmd := exec.Command(npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fail(work, fmt.Errorf("npm ci: %w", err))
	}

	if err := os.MkdirAll(assetsDir, 0o755); err != nil {
		fail(work, err)
	}
	// Drop the stamp first, so that an interrupted run is redone next time.
	if err := os.Remove(stampFile); err != nil && !os.IsNotExist(err) {
		fail(work, err)
	}
	for _, f := range files {
		src := filepath.Join(work, "node_modules", filepath.FromSlash(f[1]))
		if err := copyFile(src, filepath.Join(assetsDir, f[0])); err != nil {
			fail(work, err)
		}
	}
	if err := os.WriteFile(stampFile, []byte(stamp+"\n"), 0o644); err != nil {
		fail(work, err)
	}
	fmt.Fprintln(os.Stderr, "graphiql gen_assets: wrote", len(files), "files to internal/graphiql/assets")
}

// fail is log.Fatal that still removes the work directory.
func fail(work string, err error) {
	os.RemoveAll(work)
	log.Fatal(err)
}

// lockStamp identifies the pinned versions.
func lockStamp() (string, error) {
	h := sha256.New()
	for _, name := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			return "", fmt.Errorf("%v (run from internal/graphiql, as go generate does)", err)
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)[:8]), nil
}

func upToDate(stamp string) bool {
	b, err := os.ReadFile(stampFile)
	if err != nil || strings.TrimSpace(string(b)) != stamp {
		return false
	}
	for _, f := range files {
		fi, err := os.Stat(filepath.Join(assetsDir, f[0]))
		if err != nil || fi.Size() == 0 {
			return false
		}
	}
	return true
}

// copyFile copies src to dst through a temporary file, so that dst is never
// seen half-written.
func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp") // hidden: never embedded
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}
