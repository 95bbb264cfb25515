package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/interchange"
	"github.com/aidregistry/registry/internal/store"
)

const importUsage = `usage: registry import iati [--db URL] [--json] FILE...

Imports IATI activity files (versions 2.01 to 2.03) and organisation files.
Each activity is written whole or not at all; importing a file again changes
nothing. FILE may be - for standard input. URLs are not read: this build has
no network access, so download the file first.
`

func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "iati" {
		fmt.Fprint(stderr, importUsage)
		return errors.New("the only format imported is iati: registry import iati FILE...")
	}
	fs := flag.NewFlagSet("import iati", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, importUsage); fs.PrintDefaults() }
	dbURL := dbFlag(fs)
	asJSON := fs.Bool("json", false, "print each file's summary as JSON")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("no file given")
	}
	for _, name := range fs.Args() {
		if strings.Contains(name, "://") {
			return fmt.Errorf("%s: importing from a URL is not supported (no network access here); download the file and give its path", name)
		}
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(interchange.GCPercent)
	}
	st, err := store.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	// Programmes refer to countries: make sure the ISO 3166 list is there.
	if _, err := loadData(ctx, st, false); err != nil {
		return err
	}
	// An operator at the command line acts for the registry itself; the
	// hooks still validate and record every write.
	ctx = auth.AsSystem(ctx)
	failed := 0
	for _, name := range fs.Args() {
		// Skipped elements are printed as they come (a large file may
		// skip many); --json gathers them for its one document.
		skipped := 0
		var onSkip func(interchange.Skip)
		if !*asJSON {
			onSkip = func(k interchange.Skip) {
				skipped++
				fmt.Fprintf(stdout, "  skipped %s %s: %s\n", k.Record, k.Element, k.Reason)
			}
		}
		sum, err := importFile(ctx, st, name, onSkip, stderr)
		if *asJSON {
			out := struct {
				File string `json:"file"`
				interchange.Summary
				Error string `json:"error,omitempty"`
			}{File: name, Summary: sum}
			if err != nil {
				out.Error = err.Error()
			}
			if out.Skipped == nil {
				out.Skipped = []interchange.Skip{}
			}
			b, _ := json.MarshalIndent(out, "", "  ")
			fmt.Fprintf(stdout, "%s\n", b)
		} else {
			fmt.Fprintf(stdout, "%s: %d created, %d updated, %d unchanged, %d skipped\n",
				name, sum.Created, sum.Updated, sum.Unchanged, skipped)
			if len(sum.QualityNotes) > 0 {
				notes := make([]string, len(sum.QualityNotes))
				for i, n := range sum.QualityNotes {
					notes[i] = fmt.Sprintf("%s %d", n.Code, n.Count)
				}
				fmt.Fprintf(stdout, "  kept as published, with quality notes: %s\n", strings.Join(notes, ", "))
			}
		}
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "registry import: %s: %v\n", name, err)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files could not be read to the end", failed, fs.NArg())
	}
	return nil
}

func importFile(ctx context.Context, st *store.Store, name string, onSkip func(interchange.Skip), stderr io.Writer) (interchange.Summary, error) {
	var r io.Reader = os.Stdin
	var total int64
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return interchange.Summary{}, err
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil {
			total = fi.Size()
		}
		r = f
	}
	p := newProgressLine(stderr, name, total)
	sum, err := interchange.Import(ctx, st.Client, r, interchange.Options{Progress: p.update, Skipped: onSkip, Dialect: st.Dialect})
	p.done()
	return sum, err
}

// progressLine shows an import's progress on stderr: rewritten in place on
// a terminal, a plain line every few seconds otherwise.
type progressLine struct {
	w        io.Writer
	name     string
	total    int64
	terminal bool
	last     time.Time
	shown    bool
	latest   interchange.Progress
}

func newProgressLine(w io.Writer, name string, total int64) *progressLine {
	p := &progressLine{w: w, name: name, total: total, last: time.Now()}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

func (p *progressLine) update(pr interchange.Progress) {
	p.latest = pr
	every := 5 * time.Second
	if p.terminal {
		every = 200 * time.Millisecond
	}
	if time.Since(p.last) < every {
		return
	}
	p.last = time.Now()
	p.print()
}

func (p *progressLine) print() {
	pr := p.latest
	rate := 0.0
	if s := pr.Elapsed.Seconds(); s > 0 {
		rate = float64(pr.Records) / s
	}
	done := fmt.Sprintf("%.1f MB", float64(pr.Bytes)/1e6)
	if p.total > 0 {
		done = fmt.Sprintf("%.1f/%.1f MB (%d%%)", float64(pr.Bytes)/1e6, float64(p.total)/1e6, min(100, pr.Bytes*100/p.total))
	}
	line := fmt.Sprintf("%s: %d records, %.0f/s, %s", p.name, pr.Records, rate, done)
	if p.terminal {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
	p.shown = true
}

func (p *progressLine) done() {
	if !p.shown && !p.terminal {
		return
	}
	p.print()
	if p.terminal {
		fmt.Fprintln(p.w)
	}
}
