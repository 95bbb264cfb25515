package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aidregistry/registry/internal/storetest"
)

// TestRatesLoad: `registry rates load FILE` on each store, twice, and with
// a bad file.
func TestRatesLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "ecb-2024.csv")
	if err := os.WriteFile(good, []byte("currency,to,rate,date\nEUR,USD,1.0824,2024\nGBP,USD,1.2781,2024\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("currency,to,rate,date\nEUR,USD,1.1,2024\nEUR,usd,1.1,2024\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, kind := range storetest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := storetest.URL(t, kind)
			cases := []struct {
				args     []string
				code     int
				out, err string
			}{
				{[]string{"rates", "load", "--db", db, good}, 0, "2 rates, 2 new, 0 replaced, 0 unchanged", ""},
				{[]string{"rates", "load", "--db", db, "--source", "ECB", good}, 0, "2 rates, 0 new, 2 replaced, 0 unchanged", ""},
				{[]string{"rates", "load", "--db", db, "--source", "ECB", good}, 0, "2 rates, 0 new, 0 replaced, 2 unchanged", ""},
				{[]string{"rates", "load", "--db", db, bad}, 1, "", "line 3: currency \"usd\""},
				{[]string{"rates", "load", "--db", db}, 1, "", "name one rate table FILE"},
				{[]string{"rates"}, 1, "", "want: rates load FILE"},
			}
			for _, c := range cases {
				var stdout, stderr bytes.Buffer
				code := run(context.Background(), c.args, &stdout, &stderr)
				if code != c.code || !strings.Contains(stdout.String(), c.out) || !strings.Contains(stderr.String(), c.err) {
					t.Errorf("%v: exit %d, stdout %q, stderr %q; want %d, %q, %q", c.args[1:], code, stdout.String(), stderr.String(), c.code, c.out, c.err)
				}
			}
		})
	}
}
