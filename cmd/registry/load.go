package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/bulkload"
	"github.com/aidregistry/registry/internal/countries"
	"github.com/aidregistry/registry/internal/search"
	"github.com/aidregistry/registry/internal/store"
)

// load reads a folder of JSON-lines records (the benchmark dataset's
// format) into a store.
func load(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbURL := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: registry load [--db URL] DIR")
	}
	st, err := store.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := countries.Load(auth.AsSystem(ctx), st.Client); err != nil {
		return err
	}
	stats, err := bulkload.New(st.DB, st.Dialect, stderr).Load(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	// The loader writes around ent's hooks, so the search index is rebuilt
	// once at the end rather than row by row.
	if err := search.Rebuild(ctx, st.Client, st.Dialect); err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	fmt.Fprintf(stdout, "read %d records, %d new, in %s (%.0f records/s); planner statistics refreshed in %s\n",
		stats.Read, stats.Inserted, stats.Elapsed.Round(1e6), float64(stats.Read)/stats.Elapsed.Seconds(), stats.Refresh.Round(1e6))
	return nil
}
