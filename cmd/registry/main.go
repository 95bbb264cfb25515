// Command registry runs the programme registry: `registry serve` starts the
// GraphQL server, `registry seed` loads the demo dataset into a store.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/aidregistry/registry/internal/store"
)

const usage = `usage: registry <command> [flags]

commands:
  serve   run the GraphQL server (GraphiQL at /, GraphQL at /query)
  seed    load ISO 3166 countries and the demo dataset into a store
  keys    create, list and revoke API keys
  load    load a folder of JSON-lines records (the benchmark dataset) into a store
  rates   load an exchange-rate table (registry rates load FILE)
  import  import IATI activity or organisation files (registry import iati FILE...)
  export  export IATI XML, CSV or NDJSON (registry export iati|programmes|fundings|organisations)
  persisted  write the registered-operations file for serve --persisted-queries (registry persisted FILE.graphql...)
  migrate the store's schema: status, up; diff NAME writes the next migration

Run 'registry <command> -h' for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: tests call it with their own arguments.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stderr)
	case "seed":
		err = seed(ctx, args[1:], stdout, stderr)
	case "keys":
		err = keys(ctx, args[1:], stdout, stderr)
	case "load":
		err = load(ctx, args[1:], stdout, stderr)
	case "rates":
		err = ratesCmd(ctx, args[1:], stdout, stderr)
	case "import":
		err = importCmd(ctx, args[1:], stdout, stderr)
	case "export":
		err = exportCmd(ctx, args[1:], stdout, stderr)
	case "persisted":
		err = persistedCmd(ctx, args[1:], stdout, stderr)
	case "migrate":
		err = migrateCmd(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "registry: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "registry %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// dbFlag declares the --db flag every command that opens a store takes.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", envOr("REGISTRY_DB", store.DefaultURL), "store: sqlite:PATH or a postgres:// URL (env REGISTRY_DB)")
}

// envOr reads a setting from the environment, falling back to def.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
