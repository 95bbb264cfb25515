// Package store opens the registry's database, SQLite by default or
// PostgreSQL in production, from one --db URL, migrates it, and counts the
// SQL statements it runs.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/lib/pq"  // PostgreSQL driver, registered as "postgres"
	_ "modernc.org/sqlite" // pure-Go SQLite driver, registered as "sqlite"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/audit"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/identity"
	"github.com/aidregistry/registry/internal/search"
	"github.com/aidregistry/registry/internal/validate"
)

// DefaultURL is the embedded store used when no --db is given.
const DefaultURL = "sqlite:registry.db"

// Store is an open, migrated database with its ent client.
type Store struct {
	Client  *ent.Client
	DB      *sql.DB
	Dialect string
	Counter *Counter
	// Migrated lists the migrations Open applied (empty when the schema
	// was current).
	Migrated []Revision
	// Replica is the read replica's pool (see UseReplica), nil without one.
	Replica *sql.DB

	router *Router
}

// Location is a parsed --db URL.
type Location struct {
	Dialect string // dialect.SQLite or dialect.Postgres
	DSN     string // what database/sql is given
}

// Parse reads "sqlite:PATH" or a "postgres://" URL.
func Parse(url string) (Location, error) {
	switch {
	case url == "":
		return Parse(DefaultURL)
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return Location{Dialect: dialect.Postgres, DSN: url}, nil
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//")
		if path == "" {
			return Location{}, errors.New("sqlite URL names no file (use sqlite:PATH, e.g. sqlite:registry.db)")
		}
		// Foreign keys are off by default in SQLite; WAL lets readers run
		// beside a writer; busy_timeout waits instead of failing on a lock.
		dsn := "file:" + filepath.ToSlash(path) +
			"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_txlock=immediate"
		return Location{Dialect: dialect.SQLite, DSN: dsn}, nil
	default:
		return Location{}, fmt.Errorf("unsupported database URL %q (use sqlite:PATH or postgres://...)", url)
	}
}

// Open connects to the database at url and checks its schema against the
// migrations (migrate.go): a store with none of the registry's tables is
// migrated to the latest version; one that is behind is migrated only with
// WithMigrate(true), and refused otherwise; one that is ahead is refused.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	var cfg openConfig
	for _, o := range opts {
		o(&cfg)
	}
	db, loc, err := connect(ctx, url)
	if err != nil {
		return nil, err
	}
	migrated, err := prepareSchema(ctx, db, loc.Dialect, cfg.migrate)
	if err != nil {
		db.Close()
		if _, ok := err.(*SchemaError); ok {
			return nil, err
		}
		return nil, fmt.Errorf("migrate %s database: %w", loc.Dialect, err)
	}
	counter := &Counter{}
	router := &Router{primary: entsql.OpenDB(loc.Dialect, db), closed: make(chan struct{})}
	drv := counter.Wrap(router)
	client := ent.NewClient(ent.Driver(drv))
	// Every write, from any path, is authorised, validated and recorded, in
	// that order, inside the write's own transaction.
	client.Use(auth.Hook(), validate.Hook(), audit.Hook(loc.Dialect))
	// An organisation's and an alias's name_key follow their name.
	client.Organisation.Use(identity.NameKeyHook())
	client.OrganisationAlias.Use(identity.NameKeyHook())
	if err := search.Install(ctx, client, loc.Dialect); err != nil {
		client.Close()
		return nil, fmt.Errorf("set up search on %s database: %w", loc.Dialect, err)
	}
	if err := installTableVersions(ctx, db, loc.Dialect); err != nil {
		client.Close()
		return nil, fmt.Errorf("set up table versions on %s database: %w", loc.Dialect, err)
	}
	if err := InstallJoinIndexes(ctx, db); err != nil {
		client.Close()
		return nil, fmt.Errorf("set up join table indexes on %s database: %w", loc.Dialect, err)
	}
	if err := InstallCoveringIndexes(ctx, db, loc.Dialect); err != nil {
		client.Close()
		return nil, fmt.Errorf("set up covering indexes on %s database: %w", loc.Dialect, err)
	}
	return &Store{Client: client, DB: db, Dialect: loc.Dialect, Counter: counter, router: router, Migrated: migrated}, nil
}

// connect opens and pings the database at url, with the pool sized for
// its dialect.
func connect(ctx context.Context, url string) (*sql.DB, Location, error) {
	loc, err := Parse(url)
	if err != nil {
		return nil, loc, err
	}
	driverName := "sqlite"
	if loc.Dialect == dialect.Postgres {
		driverName = "postgres"
	}
	db, err := sql.Open(driverName, loc.DSN)
	if err != nil {
		return nil, loc, fmt.Errorf("open %s database: %w", loc.Dialect, err)
	}
	if loc.Dialect == dialect.SQLite {
		// One writer at a time is SQLite's model; a small pool avoids
		// "database is locked" storms under concurrent requests.
		db.SetMaxOpenConns(4)
	} else {
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(32)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, loc, fmt.Errorf("cannot reach %s database: %w", loc.Dialect, err)
	}
	if loc.Dialect != dialect.Postgres {
		return db, loc, nil
	}
	dsn, err := withLZ4(ctx, db, loc.DSN)
	if err != nil {
		db.Close()
		return nil, loc, err
	}
	if dsn == "" {
		return db, loc, nil
	}
	// Open again, every session of the pool with the option. A pooler that
	// refuses startup options (PgBouncer, unless told to ignore them)
	// keeps the sessions as they were, compressing with pglz.
	withOption, optionLoc, err := connect(ctx, dsn)
	if err != nil {
		return db, loc, nil
	}
	db.Close()
	return withOption, optionLoc, nil
}

// Close releases the database.
func (s *Store) Close() error {
	return s.Client.Close()
}
