package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/aidregistry/registry/internal/dashboard"
	"github.com/aidregistry/registry/internal/graphiql"
	"github.com/aidregistry/registry/internal/metrics"
	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/store"
)

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbURL := dbFlag(fs)
	migrateFlag := fs.Bool("migrate", false, "apply pending schema migrations at start (see registry migrate status)")
	readDB := fs.String("read-db", envOr("REGISTRY_READ_DB", ""), "PostgreSQL read replica for GraphQL queries; mutations stay on --db (env REGISTRY_READ_DB)")
	addr := fs.String("addr", envOr("REGISTRY_ADDR", "127.0.0.1:8080"), "listen address (env REGISTRY_ADDR)")
	private := fs.Bool("private", false, "every request needs an API key, reads too")
	demoFlag := fs.String("demo", "auto", "load the demo dataset at start: true, false, or auto (only into an SQLite store)")
	noIntrospection := fs.Bool("no-introspection", false, "turn GraphQL schema introspection off")
	noPlayground := fs.Bool("no-playground", false, "do not serve GraphiQL at /graphiql")
	noDashboard := fs.Bool("no-dashboard", false, "do not serve the dashboard at /, /programmes/ and /organisations/")
	corsOrigins := fs.String("cors-origins", "", "comma-separated browser origins allowed to call the API (* for any); none by default")
	maxDepth := fs.Int("max-depth", server.DefaultLimits.MaxDepth, "deepest field nesting a query may have")
	maxCost := fs.Int("max-cost", server.DefaultLimits.MaxCost, "largest estimated number of values a query may ask for")
	timeout := fs.Duration("timeout", 60*time.Second, "longest a whole HTTP request may run, an upper bound over the timeouts below (0: no limit)")
	readTimeout := fs.Duration("read-timeout", server.DefaultReadTimeout, "longest a GraphQL query operation may run (0: no limit)")
	writeTimeout := fs.Duration("write-timeout", server.DefaultWriteTimeout, "longest a GraphQL mutation may run, its transaction included (0: no limit)")
	statementTimeout := fs.Duration("statement-timeout", 10*time.Second, "longest each SQL statement may run (0: no limit)")
	persistedFile := fs.String("persisted-queries", "", "JSON file of registered operations, {\"<sha256 hex>\": \"<query>\"} (write one with registry persisted)")
	persistedOnly := fs.Bool("persisted-only", false, "run only the operations registered in --persisted-queries")
	noSQLJSON := fs.Bool("no-sql-json", false, "answer programme lists through the resolvers only, not one SQL statement each (to compare)")
	memoryLimit := fs.Int("memory-limit", 110, "soft limit on the Go heap in MiB: the collector works harder near it (0: none; GOMEMLIMIT, when set, wins)")
	maxInFlight := fs.Int("max-in-flight", 0, "GraphQL requests run at once, the rest wait their turn (0: 8 per processor)")
	analyticsCache := fs.Int("analytics-cache", 16, "analytics answers kept until the data changes (0: none)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	registered, err := loadPersisted(*persistedFile, *persistedOnly)
	if err != nil {
		return err
	}
	logger, err := newLogger(*logFormat, stderr)
	if err != nil {
		return err
	}
	setMemoryLimit(*memoryLimit)

	if *readDB != "" {
		if loc, err := store.Parse(*dbURL); err == nil && loc.Dialect != dialect.Postgres {
			return errors.New("--read-db needs a PostgreSQL --db: an SQLite store has no read replica")
		}
	}
	st, err := store.Open(ctx, *dbURL, store.WithMigrate(*migrateFlag))
	if err != nil {
		return err
	}
	defer st.Close()
	for _, r := range st.Migrated {
		logger.Info("schema migration applied", "version", r.Version, "name", r.Description, "baseline", r.Baseline)
	}
	if *readDB != "" {
		if err := st.UseReplica(ctx, *readDB); err != nil {
			return err
		}
	}
	withDemo, err := wantDemo(*demoFlag, st.Dialect)
	if err != nil {
		return err
	}
	stats, err := loadData(ctx, st, withDemo)
	if err != nil {
		return err
	}
	if withDemo {
		logger.Info("demo data loaded", "created", stats.Created, "present", stats.Existing)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	meter := metrics.New(st.DB)
	st.Counter.Observe(meter.ObserveStatement)
	st.SetStatementTimeout(*statementTimeout)
	if st.Replica != nil {
		meter.WatchPool(st.Replica, "registry_replica")
	}
	opts := server.Options{
		Metrics:         meter,
		Logger:          logger,
		Private:         *private,
		Limits:          server.Limits{MaxDepth: *maxDepth, MaxCost: *maxCost},
		NoIntrospection: *noIntrospection,
		CORSOrigins:     splitList(*corsOrigins),
	}
	opts.PersistedQueries, opts.PersistedOnly = registered, *persistedOnly
	if !*noDashboard {
		// The dashboard sends only its own operations' hashes: register
		// them, so it works on a --persisted-only server too.
		opts.PersistedQueries = withDashboardOperations(registered)
		board := dashboard.New(logger)
		board.Prepare(ctx) // a binary without the app builds it now, in the background
		opts.Dashboard = board
	}
	opts.NoSQLJSON, opts.AnalyticsCacheSize, opts.MaxInFlight = *noSQLJSON, *analyticsCache, *maxInFlight
	if *analyticsCache <= 0 {
		opts.AnalyticsCacheSize = -1
	}
	opts.Timeouts = server.Timeouts{Read: noLimitIfZero(*readTimeout), Write: noLimitIfZero(*writeTimeout)}
	if !*noPlayground {
		page := graphiql.New("/query", logger)
		page.Prepare(ctx)
		opts.Playground = page
	}
	srv := &http.Server{
		Handler:           server.WithTimeout(*timeout, server.New(st, opts)),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       *timeout,
		// No WriteTimeout: exports stream for minutes; GraphQL requests are
		// bounded by --read-timeout, --write-timeout and --timeout through
		// their context instead.
		IdleTimeout: 2 * time.Minute,
	}
	logger.Info("registry serving", "dashboard", "http://"+ln.Addr().String()+"/", "graphiql", "http://"+ln.Addr().String()+"/graphiql", "graphql", "http://"+ln.Addr().String()+"/query", "store", st.Dialect, "read_replica", st.Replica != nil)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	logger.Info("registry stopped")
	return nil
}

func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", format)
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func wantDemo(flagValue, dialectName string) (bool, error) {
	switch strings.ToLower(flagValue) {
	case "true", "yes", "1":
		return true, nil
	case "false", "no", "0":
		return false, nil
	case "auto", "":
		return dialectName == dialect.SQLite, nil
	}
	return false, fmt.Errorf("--demo must be true, false or auto, not %q", flagValue)
}

// setMemoryLimit makes the garbage collector keep the heap near limitMiB
// rather than let it grow to twice what is live: replicas are sized by their
// resident memory, and large answers (summaries of megabytes) are garbage
// as soon as they are written.
func setMemoryLimit(limitMiB int) {
	if limitMiB <= 0 || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(int64(limitMiB) << 20)
}
