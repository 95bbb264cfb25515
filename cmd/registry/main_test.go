package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aidregistry/registry/internal/storetest"
)

// TestUnopenableStoreStopsWithOneLine: a --db that cannot be opened stops
// the server at start with a one-line reason.
func TestUnopenableStoreStopsWithOneLine(t *testing.T) {
	cases := []struct{ name, db, want string }{
		{"sqlite in a missing directory", "sqlite:" + filepath.Join(t.TempDir(), "no", "such", "dir", "r.db"), "sqlite"},
		{"postgres nobody listens on", "postgres://postgres@127.0.0.1:1/registry?sslmode=disable", "postgres"},
		{"an unknown scheme", "mysql://localhost/registry", "unsupported database URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(context.Background(), []string{"serve", "--db", c.db, "--addr", "127.0.0.1:0"}, &bytes.Buffer{}, &stderr)
			if code != 1 {
				t.Fatalf("exit code %d, want 1", code)
			}
			out := strings.TrimSpace(stderr.String())
			if strings.Count(out, "\n") != 0 || !strings.Contains(out, c.want) {
				t.Errorf("want one line mentioning %q, got:\n%s", c.want, out)
			}
		})
	}
}

// TestSeedTwiceChangesNothing: `registry seed` on each store, twice.
func TestSeedTwiceChangesNothing(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := storetest.URL(t, kind)
			var first, second bytes.Buffer
			if code := run(context.Background(), []string{"seed", "--db", db}, &first, &first); code != 0 {
				t.Fatalf("first seed failed: %s", first.String())
			}
			if code := run(context.Background(), []string{"seed", "--db", db}, &second, &second); code != 0 {
				t.Fatalf("second seed failed: %s", second.String())
			}
			if strings.Contains(first.String(), " 0 records created") {
				t.Errorf("first seed created nothing: %s", first.String())
			}
			if !strings.Contains(second.String(), " 0 records created") {
				t.Errorf("second seed created records: %s", second.String())
			}
		})
	}
}

// TestServeAnswersOnFreshStore runs `registry serve` as the README does, on a
// new SQLite file, and asks it the first question of the domain.
func TestServeAnswersOnFreshStore(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var logs bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--db", "sqlite:" + filepath.Join(t.TempDir(), "registry.db"), "--addr", addr}, &bytes.Buffer{}, &logs)
	}()
	base := "http://" + addr
	waitHealthy(t, base, done)

	q := `{"query":"{ programmes(where: {hasParticipationsWith: {role: FUNDING, hasOrganisationWith: {acronym: \"UNDP\"}}}) { edges { node { code } } } }"}`
	resp, err := http.Post(base+"/query", "application/json", strings.NewReader(q))
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Data struct {
			Programmes struct {
				Edges []struct {
					Node struct{ Code string } `json:"node"`
				} `json:"edges"`
			} `json:"programmes"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	codes := []string{}
	for _, e := range out.Data.Programmes.Edges {
		codes = append(codes, e.Node.Code)
	}
	if !strings.Contains(strings.Join(codes, ","), "QUESTS-MIDA") {
		t.Errorf("UNDP-funded programmes = %v, want QUESTS-MIDA among them", codes)
	}

	page, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode != http.StatusOK && page.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GraphiQL page status %d", page.StatusCode)
	}
	if !strings.Contains(logs.String(), "http://"+addr+"/") {
		t.Errorf("the log does not say where to point the browser:\n%s", logs.String())
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after shutdown:\n%s", code, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
}

func waitHealthy(t *testing.T, base string, done <-chan int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case code := <-done:
			t.Fatalf("serve exited early with %d", code)
		default:
		}
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("server did not become healthy")
}
