package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/countries"
	"github.com/aidregistry/registry/internal/demo"
	"github.com/aidregistry/registry/internal/store"
)

func seed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbURL := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := store.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	stats, err := loadData(ctx, st, true)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo data: %d records created, %d already present\n", stats.Created, stats.Existing)
	return nil
}

// loadData loads the ISO 3166 countries and, when asked, the demo dataset.
// Both are idempotent, so it is safe at every start.
func loadData(ctx context.Context, st *store.Store, withDemo bool) (demo.Stats, error) {
	ctx = auth.AsSystem(ctx)
	if err := countries.Load(ctx, st.Client); err != nil {
		return demo.Stats{}, err
	}
	if !withDemo {
		return demo.Stats{}, nil
	}
	stats, err := demo.Seed(ctx, st.Client)
	if err != nil {
		return stats, fmt.Errorf("load demo data: %w", err)
	}
	return stats, nil
}
