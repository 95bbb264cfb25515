package server_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// graphqlHTTPVersion pins the GraphQL-over-HTTP audit the server is held to.
const graphqlHTTPVersion = "1.22.4"

// auditScript runs graphql-http's auditServer against the URL it is given
// and prints one JSON line: the counts, and every check that did not pass.
const auditScript = `import { auditServer } from 'graphql-http';
const results = await auditServer({ url: process.argv[2] });
const out = { ok: 0, warnings: 0, errors: 0, failed: [] };
for (const r of results) {
  if (r.status === 'ok') { out.ok++; continue; }
  if (r.status === 'warn') out.warnings++; else out.errors++;
  out.failed.push(r.status + ' ' + r.id + ' ' + r.name + ': ' + r.reason);
}
console.log(JSON.stringify(out));
`

// installAudit installs the pinned graphql-http with npm into a temporary
// directory (never the repository) and returns the directory. Without npm
// or node it skips, except under CI=true, where it fails, as the
// PostgreSQL tests do.
func installAudit(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"npm", "node"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is needed for the GraphQL-over-HTTP audit under CI: %v", tool, err)
			}
			t.Skipf("%s not found: the GraphQL-over-HTTP audit needs it", tool)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name":"audit","private":true,"type":"module"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "audit.mjs"), []byte(auditScript), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "graphql-http@"+graphqlHTTPVersion, "graphql@16")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("npm install graphql-http@%s: %v\n%s", graphqlHTTPVersion, err, out)
		}
		t.Skipf("npm install graphql-http@%s failed (offline?): %v\n%s", graphqlHTTPVersion, err, out)
	}
	return dir
}

// TestGraphQLOverHTTPAudit runs the GraphQL-over-HTTP specification's
// conformance audit (graphql-http's auditServer) against the real server
// on both stores: every check must pass, with no warning.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	dir := installAudit(t)
	eachRegistry(t, func(t *testing.T, r *registry) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "node", "audit.mjs", r.URL+"/query")
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("audit: %v\n%s", err, out)
		}
		var res struct {
			OK, Warnings, Errors int
			Failed               []string
		}
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("audit output: %v\n%s", err, out)
		}
		t.Logf("graphql-http %s audit: %d passed, %d warnings, %d errors", graphqlHTTPVersion, res.OK, res.Warnings, res.Errors)
		if res.Warnings > 0 || res.Errors > 0 || res.OK == 0 {
			t.Errorf("the audit did not pass cleanly:\n%s", strings.Join(res.Failed, "\n"))
		}
	})
}
