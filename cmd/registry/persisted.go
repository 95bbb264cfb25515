package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/aidregistry/registry/internal/dashboard"
	"github.com/aidregistry/registry/internal/server"
)

// persistedCmd writes the persisted-query file serve --persisted-queries
// reads: a JSON object mapping each document's SHA-256 (hex, of its exact
// text) to the text, from .graphql files or folders of them.
func persistedCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("persisted", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the file here instead of to standard output")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: registry persisted [-o FILE] FILE.graphql|DIR...")
		fmt.Fprintln(stderr, "Writes {\"<sha256 hex of the file's text>\": \"<text>\"} for serve --persisted-queries;")
		fmt.Fprintln(stderr, "a DIR contributes its *.graphql files. Each document is checked against the schema.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("name at least one .graphql file or folder")
	}
	var files []string
	for _, arg := range fs.Args() {
		info, err := os.Stat(arg)
		if err != nil {
			return err
		}
		if !info.IsDir() {
			files = append(files, arg)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(arg, "*.graphql"))
		if err != nil {
			return err
		}
		if len(matches) == 0 {
			return fmt.Errorf("%s holds no .graphql file", arg)
		}
		files = append(files, matches...)
	}
	sort.Strings(files)
	queries := map[string]string{}
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := server.CheckQuery(string(text)); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		hash := server.QueryHash(string(text))
		queries[hash] = string(text)
		fmt.Fprintf(stderr, "%s  %s\n", hash, f)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(queries); err != nil {
		return err
	}
	if *out == "" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	return os.WriteFile(*out, buf.Bytes(), 0o644)
}

// loadPersisted reads serve's --persisted-queries file (none: nil).
func loadPersisted(path string, only bool) (map[string]string, error) {
	if path == "" {
		if only {
			return nil, errors.New("--persisted-only needs --persisted-queries FILE (write one with registry persisted)")
		}
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--persisted-queries: %w", err)
	}
	defer f.Close()
	queries, err := server.ReadPersistedQueries(f)
	if err != nil {
		return nil, fmt.Errorf("--persisted-queries %s: %w", path, err)
	}
	return queries, nil
}

// noLimitIfZero turns a flag's 0 ("no limit") into the server's negative
// "none"; a zero there would mean the default.
func noLimitIfZero(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// withDashboardOperations adds the dashboard's operations (embedded in the
// binary) to the registered ones, in a new map.
func withDashboardOperations(registered map[string]string) map[string]string {
	out := make(map[string]string, len(registered)+8)
	for h, q := range registered {
		out[h] = q
	}
	for h, q := range dashboard.Operations() {
		out[h] = q
	}
	return out
}
