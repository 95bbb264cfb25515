package dashboard

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The browser tests need npm (to install and build the app, and for
// playwright-core) and Debian's chromium. scripts/test.sh installs both
// where missing. Outside CI a machine without them skips these tests; with
// CI=true they fail, so CI can never pass without running them.
func needTools(t *testing.T, tools ...string) map[string]string {
	t.Helper()
	found := map[string]string{}
	for _, tool := range tools {
		p, err := exec.LookPath(tool)
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed (scripts/test.sh installs it); CI cannot skip this test", tool)
			}
			t.Skipf("%s is not installed; skipping (scripts/test.sh installs it)", tool)
		}
		found[tool] = p
	}
	return found
}

// buildApp runs `go generate` for this package (npm ci and vite build, or
// nothing when dist/app is current).
func buildApp(t *testing.T) {
	t.Helper()
	cmd := exec.Command("go", "run", "gen_assets.go")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run gen_assets.go: %v\n%s", err, out)
	}
}

func run(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestVitest runs the app's unit tests (Decimal and partial-date
// formatting, filters in the URL).
func TestVitest(t *testing.T) {
	needTools(t, "npm", "node")
	buildApp(t)
	out := run(t, "web", filepath.Join("node_modules", ".bin", "vitest"), "run", "--reporter=verbose")
	t.Log(out)
}

// TestEndToEnd runs web/e2e/e2e.mjs in chromium against `registry serve`
// on a SQLite file with the demo data and a real IATI file imported, on a
// --persisted-only server (the dashboard's own operations are built in).
func TestEndToEnd(t *testing.T) {
	tools := needTools(t, "npm", "node", "chromium")
	if testing.Short() {
		t.Skip("-short")
	}
	buildApp(t)

	work := t.TempDir()
	out := os.Getenv("DASHBOARD_E2E_OUT") // keep screenshots there, if set
	if out == "" {
		out = filepath.Join(work, "out")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(work, "registry")
	run(t, ".", "go", "build", "-o", bin, "../../cmd/registry")

	db := "sqlite:" + filepath.Join(work, "e2e.db")
	run(t, work, bin, "seed", "--db", db)
	// Real IATI files: Spain's for Indonesia (many fundings), and IATI's
	// annotated example (locations with points, fundings in AUD).
	for _, name := range []string{"spain-maec-indonesia-2.01.xml", "activity-standard-example-annotated-203.xml"} {
		iatiFile, err := filepath.Abs("../../../shared/iati/examples/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(iatiFile); err != nil {
			t.Fatalf("the real IATI file is missing: %v", err)
		}
		t.Log(strings.TrimSpace(run(t, work, bin, "import", "iati", "--db", db, iatiFile)))
	}
	// A rate table for this test only, into USD, for EUR and not for AUD,
	// so that the dashboard shows both converted totals and what has no rate.
	rates := filepath.Join(work, "rates.csv")
	if err := os.WriteFile(rates, []byte("currency,to,rate,date\nEUR,USD,1.25,2011\nEUR,USD,1.5,2012\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, work, bin, "rates", "load", "--db", db, "--source", "e2e test table", rates)
	persisted := filepath.Join(work, "persisted.json")
	checkFile, _ := filepath.Abs("web/e2e/Check.graphql")
	run(t, work, bin, "persisted", "-o", persisted, checkFile)
	checkHash := ""
	if b, err := os.ReadFile("web/e2e/Check.graphql"); err == nil {
		checkHash = hashOf(b)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	serve := exec.CommandContext(ctx, bin, "serve", "--db", db, "--addr", addr, "--demo=false",
		"--persisted-only", "--persisted-queries", persisted, "--no-playground")
	serve.Dir = work
	var logs bytes.Buffer
	serve.Stdout, serve.Stderr = &logs, &logs
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = serve.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = serve.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cancel()
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	}()
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready: %v\n%s", err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	ectx, ecancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer ecancel()
	e2e := exec.CommandContext(ectx, "node", "e2e/e2e.mjs", base, out, tools["chromium"], checkHash)
	e2e.Dir = "web"
	var stderr bytes.Buffer
	e2e.Stderr = &stderr
	stdout, err := e2e.Output()
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "ok "):
			t.Logf("PASS %s", strings.TrimPrefix(line, "ok "))
		case strings.HasPrefix(line, "FAIL "):
			t.Errorf("%s", line)
		default:
			t.Log(line)
		}
	}
	if err != nil {
		t.Errorf("e2e.mjs: %v\n%s", err, stderr.String())
	}
	t.Logf("screenshots in %s", out)
	t.Logf("first page JavaScript, gzip: %d bytes", firstPageJSGzip(t))
}

// firstPageJSGzip is the compressed size of the JavaScript the overview
// loads (every script in dist/app/static: the app is one entry).
func firstPageJSGzip(t *testing.T) int {
	files, _ := filepath.Glob("dist/app/static/*.js")
	total := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		total += buf.Len()
	}
	if total > 400*1024 {
		t.Errorf("the first page's JavaScript is %d bytes compressed, over 400 KB", total)
	}
	return total
}

func hashOf(b []byte) string {
	return fmt.Sprintf("%x", sha256.Sum256(b))
}
