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
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/aidregistry/registry/internal/graphiql"
	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/store"
)

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbURL := fs.String("db", envOr("REGISTRY_DB", store.DefaultURL), "store: sqlite:PATH or a postgres:// URL (env REGISTRY_DB)")
	addr := fs.String("addr", envOr("REGISTRY_ADDR", "127.0.0.1:8080"), "listen address (env REGISTRY_ADDR)")
	private := fs.Bool("private", false, "every request needs an API key, reads too")
	demoFlag := fs.String("demo", "auto", "load the demo dataset at start: true, false, or auto (only into an SQLite store)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	st, err := store.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
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
	page := graphiql.New("/query", logger)
	page.Prepare(ctx)
	handler := server.New(st, server.Options{Logger: logger, Playground: page, Private: *private})
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	logger.Info("registry serving", "graphiql", "http://"+ln.Addr().String()+"/", "graphql", "http://"+ln.Addr().String()+"/query", "store", st.Dialect)

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
