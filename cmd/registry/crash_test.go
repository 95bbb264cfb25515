package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aidregistry/registry/internal/storetest"
)

// TestKilledServerKeepsEveryAcknowledgedWrite kills the server (SIGKILL) in
// the middle of a stream of writes, restarts it on the same store, and
// checks that every acknowledged write is there and no write is half done:
// each mutation creates two programmes in one transaction, so both or
// neither must exist.
func TestKilledServerKeepsEveryAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a server")
	}
	bin := buildRegistry(t)
	for _, kind := range storetest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db, key := seededStore(t, kind, "IOM", "editor")

			addr := freeAddr(t)
			srv := startServer(t, bin, db, addr)
			var acked []int
			var next atomic.Int64
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() { // a stream of writes until the server dies
				defer close(done)
				for {
					select {
					case <-stop:
						return
					default:
					}
					i := int(next.Add(1))
					if writePair(addr, key, i) == nil {
						acked = append(acked, i)
					}
				}
			}()
			time.Sleep(1500 * time.Millisecond)
			if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = srv.Wait()
			close(stop)
			<-done
			if len(acked) == 0 {
				t.Fatal("no write was acknowledged before the kill")
			}

			srv = startServer(t, bin, db, addr)
			defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
			codes := storedCodes(t, addr)
			for _, i := range acked {
				if !codes[fmt.Sprintf("K-%d-a", i)] || !codes[fmt.Sprintf("K-%d-b", i)] {
					t.Errorf("acknowledged write %d is missing after restart", i)
				}
			}
			for i := 1; i <= int(next.Load()); i++ {
				if codes[fmt.Sprintf("K-%d-a", i)] != codes[fmt.Sprintf("K-%d-b", i)] {
					t.Errorf("write %d is half done after the kill", i)
				}
			}
			t.Logf("%d writes acknowledged before SIGKILL, all present after restart", len(acked))
		})
	}
}

func writePair(addr, key string, i int) error {
	q := fmt.Sprintf(`mutation { a: createProgramme(input: {code: "K-%d-a", title: "crash test"}) { id } b: createProgramme(input: {code: "K-%d-b", title: "crash test"}) { id } }`, i, i)
	body, _ := json.Marshal(map[string]any{"query": q})
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var out struct {
		Errors []any `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return err
	}
	if len(out.Errors) > 0 {
		return fmt.Errorf("write %d refused: %v", i, out.Errors)
	}
	return nil
}

func storedCodes(t *testing.T, addr string) map[string]bool {
	t.Helper()
	codes := map[string]bool{}
	after := ""
	for {
		q := `query($after: Cursor) { programmes(first: 1000, after: $after, where: {codeHasPrefix: "K-"}) {
			pageInfo { hasNextPage endCursor } edges { node { code } } } }`
		vars := map[string]any{}
		if after != "" {
			vars["after"] = after
		}
		body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
		resp, err := http.Post("http://"+addr+"/query", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Data struct {
				Programmes struct {
					PageInfo struct {
						HasNextPage bool   `json:"hasNextPage"`
						EndCursor   string `json:"endCursor"`
					} `json:"pageInfo"`
					Edges []struct {
						Node struct{ Code string } `json:"node"`
					} `json:"edges"`
				} `json:"programmes"`
			} `json:"data"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Data.Programmes.Edges {
			codes[e.Node.Code] = true
		}
		if !out.Data.Programmes.PageInfo.HasNextPage {
			return codes
		}
		after = out.Data.Programmes.PageInfo.EndCursor
	}
}

func startServer(t *testing.T, bin, db, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", addr, "--demo", "false")
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return cmd
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	t.Fatalf("server did not start:\n%s", logs.String())
	return nil
}

// buildRegistry builds the binary, for tests that run it as a process.
func buildRegistry(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "registry")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// seededStore is a fresh store holding the countries and the demo data,
// with an API key of organisation acting as role.
func seededStore(t *testing.T, kind storetest.Kind, organisation, role string) (db, key string) {
	t.Helper()
	db = storetest.URL(t, kind)
	var keyOut, errOut bytes.Buffer
	if code := run(context.Background(), []string{"seed", "--db", db}, &errOut, &errOut); code != 0 {
		t.Fatalf("seed: %s", errOut.String())
	}
	if code := run(context.Background(), []string{"keys", "create", "--db", db, "--organisation", organisation, "--role", role}, &keyOut, &errOut); code != 0 {
		t.Fatalf("keys create: %s", errOut.String())
	}
	return db, strings.TrimSpace(keyOut.String())
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
