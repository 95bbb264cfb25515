package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/store"
)

const keysUsage = `usage: registry keys <create|list|revoke> [flags]

  create --organisation ACRONYM --role editor|admin [--label TEXT]
         prints a new key once; the store keeps only its hash
  list   lists keys (never their secrets)
  revoke ID
`

func keys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, keysUsage)
		return errors.New("no keys command given")
	}
	fs := flag.NewFlagSet("keys "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbURL := dbFlag(fs)
	org := fs.String("organisation", "", "acronym or IATI identifier of the key's organisation")
	role := fs.String("role", "editor", "editor or admin")
	label := fs.String("label", "", "a note on who holds the key")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	st, err := store.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	// An operator at the command line acts for the registry itself.
	ctx = auth.AsSystem(ctx)
	switch args[0] {
	case "create":
		if *org == "" {
			return errors.New("--organisation is required")
		}
		k, err := auth.CreateKey(ctx, st.Client, *org, auth.Role(strings.ToUpper(*role)), *label)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", k.Secret)
		fmt.Fprintf(stderr, "key %d created for %s (%s); it is shown only now\n", k.ID, *org, strings.ToLower(*role))
		return nil
	case "list":
		list, err := auth.ListKeys(ctx, st.Client)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tPREFIX\tORGANISATION\tROLE\tCREATED\tREVOKED\tLABEL")
		for _, k := range list {
			revoked := "-"
			if k.RevokedAt != nil {
				revoked = k.RevokedAt.Format(time.DateTime)
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Prefix, k.Organisation,
				strings.ToLower(string(k.Role)), k.CreatedAt.Format(time.DateTime), revoked, k.Label)
		}
		return w.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			return errors.New("revoke takes one key ID")
		}
		id, err := strconv.Atoi(fs.Arg(0))
		if err != nil {
			return fmt.Errorf("key ID %q is not a number", fs.Arg(0))
		}
		if err := auth.RevokeKey(ctx, st.Client, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "key %d revoked\n", id)
		return nil
	}
	fmt.Fprint(stderr, keysUsage)
	return fmt.Errorf("unknown keys command %q", args[0])
}
