package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
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
	srv := serveInProcess(t, "--db", "sqlite:"+filepath.Join(t.TempDir(), "registry.db"))
	base := srv.base

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

	page, err := http.Get(base + "/graphiql")
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode != http.StatusOK && page.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GraphiQL page status %d", page.StatusCode)
	}
	srv.stop(t)
	if !strings.Contains(srv.logs.String(), base+"/") {
		t.Errorf("the log does not say where to point the browser:\n%s", srv.logs.String())
	}
}

// serving is `registry serve` running in this process.
type serving struct {
	base   string
	logs   *bytes.Buffer
	cancel context.CancelFunc
	done   chan int
	once   sync.Once
}

// serveInProcess runs `registry serve ARGS --addr <a free port>` until it
// answers /healthz; it is stopped when the test ends if not before.
func serveInProcess(t *testing.T, args ...string) *serving {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := &serving{base: "http://" + addr, logs: &bytes.Buffer{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		s.done <- run(ctx, append(append([]string{"serve"}, args...), "--addr", addr), &bytes.Buffer{}, s.logs)
	}()
	t.Cleanup(func() { s.stop(t) })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case code := <-s.done:
			s.once.Do(func() {}) // it has stopped already
			t.Fatalf("serve exited early with %d:\n%s", code, s.logs.String())
		default:
		}
		if resp, err := http.Get(s.base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("server did not become healthy")
	return nil
}

// stop ends the server as SIGTERM would and requires a clean exit.
func (s *serving) stop(t *testing.T) {
	t.Helper()
	s.once.Do(func() {
		s.cancel()
		select {
		case code := <-s.done:
			if code != 0 {
				t.Errorf("serve exited %d after shutdown:\n%s", code, s.logs.String())
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop after its context ended")
		}
	})
}
