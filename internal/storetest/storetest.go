// Package storetest runs a test against every store the registry supports:
// a fresh SQLite file and a fresh PostgreSQL database. PostgreSQL tests are
// skipped only outside CI when no server answers; under CI=true an
// unreachable PostgreSQL fails the test, so it can never be skipped silently.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/lib/pq" // PostgreSQL driver

	"github.com/aidregistry/registry/internal/store"
)

// AdminURL is the PostgreSQL server tests create their databases on;
// REGISTRY_TEST_POSTGRES overrides it.
func AdminURL() string {
	if u := os.Getenv("REGISTRY_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Kind names a store under test.
type Kind string

// The stores every storage test runs on.
const (
	SQLite   Kind = "sqlite"
	Postgres Kind = "postgres"
)

// Kinds lists them.
var Kinds = []Kind{SQLite, Postgres}

var seq atomic.Int64

// URL creates an empty database of the given kind for this test and returns
// its --db URL; it is dropped when the test ends.
func URL(t testing.TB, kind Kind) string {
	t.Helper()
	if kind == SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "registry.db")
	}
	admin, err := sql.Open("postgres", AdminURL())
	if err != nil {
		t.Fatalf("open postgres admin connection: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is unreachable under CI: %v", AdminURL(), err)
		}
		t.Skipf("PostgreSQL at %s is unreachable: %v", AdminURL(), err)
	}
	name := fmt.Sprintf("registry_test_%d_%d", os.Getpid(), seq.Add(1))
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(AdminURL())
	if err != nil {
		t.Fatalf("parse %s: %v", AdminURL(), err)
	}
	u.Path = "/" + name
	if !strings.Contains(u.RawQuery, "sslmode") {
		q := u.Query()
		q.Set("sslmode", "disable")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Open creates and migrates an empty store of the given kind.
func Open(t testing.TB, kind Kind) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), URL(t, kind))
	if err != nil {
		t.Fatalf("open %s store: %v", kind, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Each runs fn as a subtest on a fresh store of every kind.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			fn(t, Open(t, kind))
		})
	}
}
