package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/rates"
	"github.com/aidregistry/registry/internal/store"
)

const ratesUsage = `usage: registry rates load [--db URL] [--source TEXT] FILE

  load   loads an exchange-rate table (CSV) that fundingSummary(in:) converts with.
         Header row: currency,to,rate,date[,source]; one unit of currency buys
         rate units of to on date (a day, or a year for an annual average).
         Rows without a source take --source, or else the file's name.
         A rate for a pair and date already held is replaced; loading the
         same file again changes nothing.
`

func ratesCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "load" {
		fmt.Fprint(stderr, ratesUsage)
		return errors.New("want: rates load FILE")
	}
	fs := flag.NewFlagSet("rates load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, ratesUsage) }
	dbURL := dbFlag(fs)
	source := fs.String("source", "", "where the rates come from, for rows without a source column")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprint(stderr, ratesUsage)
		return errors.New("name one rate table FILE (flags go before it)")
	}
	file := fs.Arg(0)
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	src := *source
	if src == "" {
		src = filepath.Base(file)
	}
	table, err := rates.Parse(f, src)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	st, err := store.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	// An operator at the command line acts for the registry itself.
	stats, err := rates.Load(auth.AsSystem(ctx), st.Client, table)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	fmt.Fprintf(stdout, "%s: %d rates, %d new, %d replaced, %d unchanged\n",
		file, len(table), stats.Created, stats.Replaced, len(table)-stats.Created-stats.Replaced)
	return nil
}
