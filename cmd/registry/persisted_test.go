package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPersistedOnly: `registry persisted` writes the file of registered
// operations from .graphql files, and `serve --persisted-only` runs those
// operations alone.
func TestPersistedOnly(t *testing.T) {
	dir := t.TempDir()
	countries := "query Countries { countries(first: 1) { totalCount } }\n"
	if err := os.WriteFile(filepath.Join(dir, "countries.graphql"), []byte(countries), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "persisted.json")
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"persisted", "-o", file, dir}, &out, &errs); code != 0 {
		t.Fatalf("registry persisted exited %d: %s", code, errs.String())
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var registered map[string]string
	if err := json.Unmarshal(raw, &registered); err != nil {
		t.Fatalf("the file is not a JSON object: %v\n%s", err, raw)
	}
	sum := sha256.Sum256([]byte(countries))
	hash := hex.EncodeToString(sum[:])
	if len(registered) != 1 || registered[hash] != countries {
		t.Fatalf("registered = %v, want the query under %s", registered, hash)
	}

	bad := filepath.Join(dir, "bad.graphql")
	if err := os.WriteFile(bad, []byte("{ noSuchField }"), 0o644); err != nil {
		t.Fatal(err)
	}
	errs.Reset()
	if code := run(context.Background(), []string{"persisted", bad}, &out, &errs); code != 1 || !strings.Contains(errs.String(), "noSuchField") {
		t.Errorf("an invalid document: exit %d, %s", code, errs.String())
	}
	errs.Reset()
	if code := run(context.Background(), []string{"serve", "--persisted-only", "--addr", "127.0.0.1:0"}, &out, &errs); code != 1 || !strings.Contains(errs.String(), "--persisted-only needs --persisted-queries") {
		t.Errorf("--persisted-only without a file: exit %d, %s", code, errs.String())
	}

	srv := serveInProcess(t, "--db", "sqlite:"+filepath.Join(t.TempDir(), "registry.db"),
		"--persisted-only", "--persisted-queries", file, "--no-playground",
		"--read-timeout", "5s", "--write-timeout", "10s", "--statement-timeout", "2s")
	base := srv.base
	post := func(body string) (string, string) {
		resp, err := http.Post(base+"/query", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Data   json.RawMessage `json:"data"`
			Errors []struct {
				Extensions struct{ Code string } `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		if len(r.Errors) > 0 {
			return "", r.Errors[0].Extensions.Code
		}
		return string(r.Data), ""
	}
	if data, code := post(`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + hash + `"}}}`); code != "" || !strings.Contains(data, "totalCount") {
		t.Errorf("the registered hash: data %s, code %q", data, code)
	}
	if _, code := post(`{"query":"{ programmes { totalCount } }"}`); code != "PERSISTED_QUERY_ONLY" {
		t.Errorf("an ad-hoc query: code %q, want PERSISTED_QUERY_ONLY", code)
	}
	page, err := http.Get(base + "/graphiql")
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode != http.StatusNotFound {
		t.Errorf("GraphiQL with --no-playground: status %d, want 404", page.StatusCode)
	}
	srv.stop(t)
}
