package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/aidregistry/registry/internal/store"
)

const migrateUsage = `usage: registry migrate <command> [flags]

commands:
  status       print the store's schema version, pending migrations, and whether it is ahead
  up           apply pending migrations, one transaction per file (--to VERSION stops there)
  diff NAME    write the next migration for both stores after a change to ent/schema
               (run from the source tree, after go generate)
  hash         rewrite atlas.sum after editing a migration file by hand

Run 'registry migrate <command> -h' for a command's flags.
`

// migrateCmd is `registry migrate`: the store's versioned schema.
func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, migrateUsage)
		return errors.New("no migrate command given")
	}
	switch args[0] {
	case "status":
		return migrateStatus(ctx, args[1:], stdout, stderr)
	case "up":
		return migrateUp(ctx, args[1:], stdout, stderr)
	case "diff":
		return migrateDiff(ctx, args[1:], stdout, stderr)
	case "hash":
		return migrateHash(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, migrateUsage)
		return nil
	}
	fmt.Fprint(stderr, migrateUsage)
	return fmt.Errorf("unknown migrate command %q", args[0])
}

func migrateStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbURL := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := store.SchemaStatus(ctx, *dbURL)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	fmt.Fprintf(w, "store:    %s\n", redactURL(*dbURL))
	current := "none"
	if c := st.Current(); c != "" {
		current = c
		for _, r := range st.Applied {
			if r.Version == c && r.Description != "" {
				current += " (" + r.Description + ")"
			}
		}
	}
	fmt.Fprintf(w, "current:  %s\n", current)
	fmt.Fprintf(w, "latest:   %s (the newest migration this registry knows)\n", orDash(st.Latest))
	fmt.Fprintf(w, "applied:  %d\n", len(st.Applied))
	fmt.Fprintf(w, "pending:  %d\n", len(st.Pending))
	for _, m := range st.Pending {
		fmt.Fprintf(w, "  %s\n", m.File)
	}
	for _, v := range st.Modified {
		fmt.Fprintf(w, "warning:  migration %s was changed after it was applied to this store\n", v)
	}
	var state string
	switch {
	case st.Ahead():
		state = fmt.Sprintf("AHEAD: the store records %s, unknown to this registry (a newer registry migrated it); this registry refuses to serve it", strings.Join(st.Unknown, ", "))
	case st.Empty:
		state = "empty: the first start (or `registry migrate up`) migrates it"
	case st.Legacy:
		state = "behind: the store predates versioned migrations; `registry migrate up` records its schema as " + st.Pending[0].File + " and applies the rest"
	case st.Behind():
		state = "behind: run `registry migrate up`, or `registry serve --migrate`"
	default:
		state = "up to date"
	}
	fmt.Fprintf(w, "state:    %s\n", state)
	return nil
}

func migrateUp(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate up", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbURL := dbFlag(fs)
	to := fs.String("to", "", "apply pending migrations up to and including this version only")
	if err := fs.Parse(args); err != nil {
		return err
	}
	done, err := store.MigrateUp(ctx, *dbURL, *to)
	for _, r := range done {
		if r.Baseline {
			fmt.Fprintf(stdout, "recorded %s_%s (baseline: the store already had its schema)\n", r.Version, r.Description)
		} else {
			fmt.Fprintf(stdout, "applied  %s_%s\n", r.Version, r.Description)
		}
	}
	if err != nil {
		return err
	}
	st, err := store.SchemaStatus(ctx, *dbURL)
	if err != nil {
		return err
	}
	switch {
	case len(done) == 0 && !st.Behind():
		fmt.Fprintf(stdout, "nothing to apply: the store is at %s, the latest\n", orDash(st.Current()))
	case st.Behind():
		fmt.Fprintf(stdout, "the store is at %s; %d migration(s) still pending\n", orDash(st.Current()), len(st.Pending))
	default:
		fmt.Fprintf(stdout, "the store is at %s, the latest\n", st.Current())
	}
	return nil
}

func migrateDiff(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "the migration directories (default: ent/migrate/migrations in the source tree holding the working directory)")
	devPG := fs.String("dev-postgres", envOr("REGISTRY_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"),
		"PostgreSQL server lending a scratch dev database, created and dropped (env REGISTRY_TEST_POSTGRES)")
	version := fs.String("version", "", "version of the new files (default: now, UTC, YYYYMMDDHHMMSS)")
	// Accept the name before or after the flags.
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	}
	if name == "" {
		return errors.New("name the migration: registry migrate diff NAME (e.g. add_programme_code_index)")
	}
	root, err := migrationsDir(*dir)
	if err != nil {
		return err
	}
	written, err := store.WriteMigrations(ctx, store.DiffOptions{Dir: root, Name: name, DevPostgres: *devPG, Version: *version})
	if err != nil {
		return err
	}
	if len(written) == 0 {
		fmt.Fprintln(stdout, "ent/schema matches the migrations: nothing to write (run go generate first if you changed ent/schema)")
		return nil
	}
	for _, f := range written {
		fmt.Fprintf(stdout, "wrote %s\n", relPath(f.Path))
	}
	fmt.Fprintln(stdout, "review the files, then commit them with the ent/schema change")
	return nil
}

func migrateHash(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate hash", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "the migration directories (default: ent/migrate/migrations in the source tree)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root, err := migrationsDir(*dir)
	if err != nil {
		return err
	}
	written, err := store.RehashMigrations(root)
	if err != nil {
		return err
	}
	for _, f := range written {
		fmt.Fprintf(stdout, "wrote %s\n", relPath(f))
	}
	return nil
}

// migrationsDir is dir, or ent/migrate/migrations in the registry's source
// tree found above the working directory.
func migrationsDir(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil &&
			strings.HasPrefix(string(b), "module github.com/aidregistry/registry\n") {
			return filepath.Join(d, "ent", "migrate", "migrations"), nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("not inside the registry's source tree: run it there, or pass --dir")
		}
	}
}

func relPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

// redactURL hides a PostgreSQL URL's password.
func redactURL(s string) string {
	if strings.HasPrefix(s, "postgres") {
		if u, err := url.Parse(s); err == nil {
			return u.Redacted()
		}
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
