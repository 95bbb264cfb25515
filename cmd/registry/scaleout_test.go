package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aidregistry/registry/internal/storetest"
)

// TestTwoServersShareOneStore runs two `registry serve` processes on one
// store, as replicas behind a load balancer would: a write through either
// is read through the other, and both stop cleanly on SIGTERM.
func TestTwoServersShareOneStore(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two servers")
	}
	bin := buildRegistry(t)
	for _, kind := range storetest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db, key := seededStore(t, kind, "UNITAR", "admin")

			a := startReplica(t, bin, "--db", db, "--addr", freeAddr(t), "--demo=false")
			b := startReplica(t, bin, "--db", db, "--addr", freeAddr(t))

			var created struct {
				CreateOrganisation struct{ ID string } `json:"createOrganisation"`
			}
			a.graphQL(t, key, `mutation { createOrganisation(input: {name: "Scale Out Fund", acronym: "SOF", kind: FOUNDATION}) { id } }`, nil, &created)
			id := created.CreateOrganisation.ID

			const read = `query($id: ID!) { node(id: $id) { ... on Organisation { name website } } }`
			var seen struct {
				Node *struct{ Name, Website string } `json:"node"`
			}
			b.graphQL(t, "", read, map[string]any{"id": id}, &seen)
			if seen.Node == nil || seen.Node.Name != "Scale Out Fund" {
				t.Fatalf("server B reads %+v, want the organisation created through A", seen.Node)
			}

			b.graphQL(t, key, `mutation($id: ID!) { updateOrganisation(id: $id, input: {website: "https://sof.example.org"}) { id } }`,
				map[string]any{"id": id}, &struct{}{})
			a.graphQL(t, "", read, map[string]any{"id": id}, &seen)
			if seen.Node == nil || seen.Node.Website != "https://sof.example.org" {
				t.Fatalf("server A reads %+v, want the website set through B", seen.Node)
			}

			for _, s := range []*replicaProcess{a, b} {
				s.stop(t)
			}
		})
	}
}

// replicaProcess is one running `registry serve`.
type replicaProcess struct {
	cmd  *exec.Cmd
	base string
	logs *bytes.Buffer
	done chan struct{} // closed when the process has exited, with err set
	err  error
}

func startReplica(t *testing.T, bin string, args ...string) *replicaProcess {
	t.Helper()
	var addr string
	for i, a := range args {
		if a == "--addr" && i+1 < len(args) {
			addr = args[i+1]
		}
	}
	p := &replicaProcess{cmd: exec.Command(bin, append([]string{"serve"}, args...)...), base: "http://" + addr,
		logs: &bytes.Buffer{}, done: make(chan struct{})}
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { // a failed test leaves no process behind
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("serve %v exited early (%v):\n%s", args, p.err, p.logs.String())
		default:
		}
		if resp, err := http.Get(p.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	t.Fatalf("serve %v did not become ready:\n%s", args, p.logs.String())
	return nil
}

// graphQL sends a request with an API key ("" for none) and decodes its
// data into v, failing on any error.
func (p *replicaProcess) graphQL(t *testing.T, key, query string, vars map[string]any, v any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, p.base+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []any           `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) > 0 || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s answered %d: %v", p.base, resp.StatusCode, out.Errors)
	}
	if err := json.Unmarshal(out.Data, v); err != nil {
		t.Fatal(err)
	}
}

// stop sends SIGTERM and expects a clean exit.
func (p *replicaProcess) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("serve on %s exited with %v after SIGTERM:\n%s", p.base, p.err, p.logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Errorf("serve on %s did not stop within 30s of SIGTERM", p.base)
	}
}

// TestServeReadDB: --read-db is refused for SQLite and for a replica that
// does not answer, each with one line, and serves with a reachable one.
func TestServeReadDB(t *testing.T) {
	primary := storetest.URL(t, storetest.Postgres)
	replica := storetest.URL(t, storetest.Postgres)
	cases := []struct{ name, db, readDB, want string }{
		{"sqlite", "sqlite:" + filepath.Join(t.TempDir(), "r.db"), replica, "--read-db needs a PostgreSQL --db"},
		{"unreachable replica", primary, "postgres://postgres@127.0.0.1:1/registry?sslmode=disable", "read replica: cannot reach postgres database"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(context.Background(), []string{"serve", "--db", c.db, "--read-db", c.readDB, "--addr", "127.0.0.1:0"}, &bytes.Buffer{}, &stderr)
			// Log lines (a migration of the primary) may come first; the
			// reason is one line, the last.
			out := strings.TrimSpace(stderr.String())
			last := out[strings.LastIndex(out, "\n")+1:]
			if code != 1 || !strings.HasPrefix(last, "registry serve: ") || !strings.Contains(last, c.want) {
				t.Errorf("exit %d, want 1 and a last line mentioning %q, got:\n%s", code, c.want, out)
			}
		})
	}
	t.Run("reachable replica", func(t *testing.T) {
		srv := serveInProcess(t, "--db", primary, "--read-db", replica)
		resp, err := http.Get(srv.base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("/readyz answered %d with a reachable replica", resp.StatusCode)
		}
		srv.stop(t)
		if !strings.Contains(srv.logs.String(), "read_replica=true") {
			t.Errorf("the log does not say a replica is in use:\n%s", srv.logs.String())
		}
	})
}
