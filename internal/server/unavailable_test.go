package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/demo"
	"github.com/aidregistry/registry/internal/metrics"
	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// cutProxy forwards TCP connections to a database; Cut closes every
// connection through it and refuses new ones until Restore, as a database
// that went away would. It stands in for stopping PostgreSQL, which other
// tests share.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	conns  map[net.Conn]bool
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close(); p.Cut() })
	go p.serve()
	return p
}

func (p *cutProxy) serve() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		cut := p.cut
		p.mu.Unlock()
		if cut {
			in.Close()
			continue
		}
		out, err := net.DialTimeout("tcp", p.target, 5*time.Second)
		if err != nil {
			in.Close()
			continue
		}
		p.mu.Lock()
		p.conns[in], p.conns[out] = true, true
		p.mu.Unlock()
		go func() { _, _ = io.Copy(out, in); out.Close(); in.Close() }()
		go func() { _, _ = io.Copy(in, out); in.Close(); out.Close() }()
	}
}

func (p *cutProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

func (p *cutProxy) Restore() {
	p.mu.Lock()
	p.cut = false
	p.mu.Unlock()
}

// through rewrites a PostgreSQL URL to go through the proxy.
func (p *cutProxy) through(t *testing.T, dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = p.ln.Addr().String()
	return u.String()
}

// seededPostgres is a PostgreSQL database with the countries, the demo
// data and an admin key; it returns the database's URL and the key.
func seededPostgres(t *testing.T) (string, string) {
	t.Helper()
	ctx := context.Background()
	dbURL := storetest.URL(t, storetest.Postgres)
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := demo.Seed(ctx, st.Client); err != nil {
		t.Fatal(err)
	}
	key, err := auth.CreateKey(auth.AsSystem(ctx), st.Client, "UNITAR", auth.Admin, "test")
	if err != nil {
		t.Fatal(err)
	}
	return dbURL, key.Secret
}

// until retries check, a bounded number of times, until it holds.
func until(t *testing.T, what string, check func() bool) {
	t.Helper()
	for range 200 {
		if check() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: never happened", what)
}

// TestStoreUnavailable: while the database cannot be reached, every entry
// point answers 503 with Retry-After and a coded UNAVAILABLE (GraphQL
// reads and writes, the key check, exports, a connection cut in the middle
// of a statement), /readyz says the store is unreachable, and the server
// recovers by itself when the database is back.
func TestStoreUnavailable(t *testing.T) {
	dbURL, admin := seededPostgres(t)
	proxy := newCutProxy(t, "127.0.0.1:"+portOf(t, dbURL))
	st, err := store.Open(context.Background(), proxy.through(t, dbURL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	slowDown(st)
	ts := httptest.NewServer(server.New(st, server.Options{Logger: quietLogger}))
	t.Cleanup(ts.Close)
	c := &client{t: t, url: ts.URL}
	const read = "{ programmes(first: 2) { totalCount edges { node { code } } } }"
	const write = `mutation { createProgramme(input: {code: "DOWN-1", title: "Down"}) { id } }`

	if rep := c.gql("", read, nil); rep.status != 200 || len(rep.resp.Errors) > 0 {
		t.Fatalf("before the cut: %d %s", rep.status, rep.body)
	}

	// A connection that breaks while its statement runs.
	done := make(chan reply, 1)
	// An organisation's possible duplicates have a resolver of their own, so this goes
	// through ent's interceptors, which slowDown hooks (not the SQL JSON path).
	go func() {
		done <- c.gql("", "query Slow { organisations(first: 1) { edges { node { possibleDuplicates { id } } } } }", nil)
	}()
	time.Sleep(300 * time.Millisecond) // usually inside pg_sleep; before it is a refused connection, also UNAVAILABLE
	proxy.Cut()
	mid := <-done

	cases := []struct {
		name string
		rep  reply
	}{
		{"a query whose connection broke mid-statement", mid},
		{"a query", c.gql("", read, nil)},
		{"a query over GET", c.get("/query?query="+url.QueryEscape(read), nil)},
		{"a mutation (the key cannot be checked)", c.gql(admin, write, nil)},
		{"an export", c.get("/export/programmes.csv", nil)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.rep.status != http.StatusServiceUnavailable {
				t.Errorf("status %d, want 503: %.300s", tc.rep.status, tc.rep.body)
			}
			if tc.rep.header.Get("Retry-After") == "" {
				t.Error("no Retry-After")
			}
			if tc.rep.resp.code() != "UNAVAILABLE" {
				t.Errorf("code %q, want UNAVAILABLE: %.300s", tc.rep.resp.code(), tc.rep.body)
			}
		})
	}
	if rep := readyz(t, ts.URL); rep.status != http.StatusServiceUnavailable || !strings.Contains(string(rep.body), "unreachable") {
		t.Errorf("/readyz while the store is down: %d %s", rep.status, rep.body)
	}

	proxy.Restore()
	until(t, "a query answers after the database is back", func() bool {
		rep := c.gql("", read, nil)
		return rep.status == 200 && len(rep.resp.Errors) == 0
	})
	if rep := c.gql(admin, write, nil); rep.status != 200 || len(rep.resp.Errors) > 0 {
		t.Errorf("a mutation after recovery: %d %s", rep.status, rep.body)
	}
	if rep := readyz(t, ts.URL); rep.status != 200 {
		t.Errorf("/readyz after recovery: %d %s", rep.status, rep.body)
	}
}

// TestReplicaUnavailable: while the read replica cannot be reached, reads
// fall back to the primary and still answer, /readyz stays ready and says
// the replica is unreachable, and registry_read_replica_up is 0; when it
// is back, reads return to it by themselves.
func TestReplicaUnavailable(t *testing.T) {
	ctx := context.Background()
	dbURL, _ := seededPostgres(t)
	proxy := newCutProxy(t, "127.0.0.1:"+portOf(t, dbURL))
	prev := store.ReplicaProbeInterval
	store.ReplicaProbeInterval = 50 * time.Millisecond
	t.Cleanup(func() { store.ReplicaProbeInterval = prev })

	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// The replica is the same database through the proxy: what matters
	// here is whether it can be reached.
	if err := st.UseReplica(ctx, proxy.through(t, dbURL)); err != nil {
		t.Fatal(err)
	}
	meter := metrics.New(st.DB)
	ts := httptest.NewServer(server.New(st, server.Options{Logger: quietLogger, Metrics: meter}))
	t.Cleanup(ts.Close)
	c := &client{t: t, url: ts.URL}
	const read = "{ programmes(first: 2) { totalCount edges { node { code participations { organisation { name } } } } } }"
	gauge := func() string {
		for _, line := range strings.Split(string(c.get("/metrics", nil).body), "\n") {
			if strings.HasPrefix(line, "registry_read_replica_up ") {
				return strings.TrimPrefix(line, "registry_read_replica_up ")
			}
		}
		return "absent"
	}
	if g := gauge(); g != "1" {
		t.Errorf("registry_read_replica_up = %s with the replica up", g)
	}

	proxy.Cut()
	for i := range 3 {
		if rep := c.gql("", read, nil); rep.status != 200 || len(rep.resp.Errors) > 0 {
			t.Fatalf("read %d with the replica down: %d %s", i, rep.status, rep.body)
		}
	}
	if _, up, fallbacks := st.ReplicaState(); up || fallbacks == 0 {
		t.Errorf("replica up = %v, fallbacks = %d after reads found it down", up, fallbacks)
	}
	if g := gauge(); g != "0" {
		t.Errorf("registry_read_replica_up = %s with the replica down", g)
	}
	if rep := readyz(t, ts.URL); rep.status != 200 || !strings.Contains(string(rep.body), "reads go to the primary") {
		t.Errorf("/readyz with the replica down: %d %s", rep.status, rep.body)
	}

	proxy.Restore()
	until(t, "reads go back to the replica", func() bool { return gauge() == "1" })
	if rep := readyz(t, ts.URL); rep.status != 200 || !strings.Contains(string(rep.body), `"readReplica":"up"`) {
		t.Errorf("/readyz with the replica back: %d %s", rep.status, rep.body)
	}
	before := st.Counter.Count()
	if rep := c.gql("", read, nil); rep.status != 200 || len(rep.resp.Errors) > 0 {
		t.Fatalf("read with the replica back: %d %s", rep.status, rep.body)
	}
	if st.Counter.Count() == before {
		t.Error("the read ran no statement")
	}
}

// readyz is /readyz's status and body (not GraphQL's shape).
func readyz(t *testing.T, base string) reply {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, body: body}
}

func portOf(t *testing.T, dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}
