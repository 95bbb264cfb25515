package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/interchange"
	"github.com/aidregistry/registry/internal/store"
)

const exportUsage = `usage: registry export iati [--db URL] [--where JSON] [--out FILE] [--publisher-ref REF --publisher-name NAME --publisher-type CODE]
       registry export programmes|fundings|organisations [--format csv|ndjson] [--db URL] [--where JSON] [--out FILE]

iati writes an IATI 2.03 activity file of the programmes; the others write one
table as CSV or NDJSON. --where takes the GraphQL where argument of the
matching connection (programmes, fundings, organisations) as JSON, e.g.
  --where '{"hasParticipationsWith": {"role": "FUNDING", "hasOrganisationWith": {"acronym": "UNDP"}}}'
`

func exportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, exportUsage)
		return errors.New("say what to export: iati, programmes, fundings or organisations")
	}
	what := args[0]
	fs := flag.NewFlagSet("export "+what, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, exportUsage); fs.PrintDefaults() }
	dbURL := dbFlag(fs)
	where := fs.String("where", "", "GraphQL where argument as JSON")
	out := fs.String("out", "-", "file to write; - for standard output")
	format := fs.String("format", "csv", "csv or ndjson (tables only)")
	pubRef := fs.String("publisher-ref", "", "IATI identifier of the reporting-org for programmes that name none (iati only)")
	pubName := fs.String("publisher-name", "", "name of that reporting-org")
	pubType := fs.String("publisher-type", "", "OrganisationType code of that reporting-org (e.g. 40)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	isTable := false
	for _, t := range interchange.Tables {
		isTable = isTable || what == string(t)
	}
	if what != "iati" && !isTable {
		fmt.Fprint(stderr, exportUsage)
		return fmt.Errorf("unknown export %q", what)
	}
	st, err := store.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer st.Close()

	var w io.Writer = stdout
	var f *os.File
	if *out != "-" {
		if f, err = os.Create(*out); err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	if isTable {
		err = interchange.ExportTable(ctx, st.Client, bw, interchange.Table(what), interchange.Format(*format),
			interchange.TableOptions{Where: *where})
	} else {
		err = exportIATI(ctx, st, bw, *where, *pubRef, *pubName, *pubType, stderr)
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func exportIATI(ctx context.Context, st *store.Store, w io.Writer, where, pubRef, pubName, pubType string, stderr io.Writer) error {
	wh, err := interchange.ParseWhere[ent.ProgrammeWhereInput](where)
	if err != nil {
		return err
	}
	opts := interchange.IATIOptions{Where: wh}
	if pubRef != "" {
		if pubName == "" {
			pubName = pubRef
		}
		if pubType == "" {
			pubType = iati.OrgTypeOther
		}
		opts.Publisher = &iati.ReportingOrg{Ref: pubRef, Type: pubType, Name: []iati.Narrative{{Text: pubName}}}
	}
	opts.Skipped = func(s interchange.Skip) {
		fmt.Fprintf(stderr, "left out: %s %s: %s\n", s.Record, s.Element, s.Reason)
	}
	res, err := interchange.ExportIATI(ctx, st.Client, w, opts)
	fmt.Fprintf(stderr, "%d activities written, %d programmes left out\n", res.Written, res.LeftOut)
	if err == nil && res.Written == 0 {
		fmt.Fprintln(stderr, "warning: no activity written; the IATI schema wants at least one, so the file will not validate")
	}
	return err
}
