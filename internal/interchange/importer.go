package interchange

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/countries"
	"github.com/aidregistry/registry/internal/iati"
)

// Options tune an import.
type Options struct {
	// InTransaction says the client is a transaction's (a GraphQL
	// mutation's, which entgql opens): each record then runs under a
	// savepoint of it rather than in a transaction of its own.
	InTransaction bool
	// Progress, when set, is called after every record.
	Progress func(Progress)
	// Skipped, when set, is given each skipped element as it happens, and
	// the Summary's list stays empty: a command line prints them at once
	// rather than holding a long list for the end.
	Skipped func(Skip)
	// Dialect is the store's (store.Location.Dialect): on PostgreSQL an
	// import takes the change-sequence lock once per batch rather than for
	// every write. Left empty, every write takes it.
	Dialect string
}

// Progress is how far an import has come.
type Progress struct {
	// Records read so far: activities, or organisations.
	Records int
	// Bytes of the file read so far (the XML decoder reads ahead a little).
	Bytes   int64
	Elapsed time.Duration
}

// Import reads one IATI file, an activity file (iati-activities, versions
// 2.01 to 2.03) or an organisation file (iati-organisations), and writes
// what it holds through client, whose hooks authorise, validate and record
// every write: ctx must carry the right to write (auth.AsSystem for an
// operator's command, an admin actor for the GraphQL mutation).
//
// Each record is written whole or not at all. The summary counts what was
// created, updated and unchanged, and lists what was skipped. The error is
// non-nil only when the file cannot be read on (it is not XML, is cut
// short, is not IATI 2.x) or the store fails; the summary then says what
// was done before.
func Import(ctx context.Context, client *ent.Client, r io.Reader, opts Options) (Summary, error) {
	var u units = &batchUnits{client: client, dialect: opts.Dialect}
	if opts.InTransaction {
		u = &savepointUnits{client: client}
	}
	countryIDs, err := countries.IDsByISO2(ctx, client)
	if err != nil {
		return Summary{}, err
	}
	cr := &countingReader{r: r}
	root, body, err := rootElement(cr)
	if err != nil {
		return Summary{}, &FileError{err}
	}
	im := &importer{
		client:    client,
		units:     u,
		opts:      opts,
		countries: countryIDs,
		orgs:      newOrgCache(sourceName(r)),
		seen:      map[uint64]bool{},
		started:   time.Now(),
		bytes:     cr,
	}
	var sum Summary
	switch root {
	case "iati-activities":
		sum, err = im.activities(ctx, iati.NewReader(body))
	case "iati-organisations":
		sum, err = im.organisations(ctx, iati.NewOrganisationReader(body))
	default:
		return Summary{}, &FileError{fmt.Errorf("not an IATI file: the root element is <%s>, not <iati-activities> or <iati-organisations>", root)}
	}
	// What was imported before a file error stays; a failing store or a
	// cancelled import leaves the batch under way unwritten.
	var fe *FileError
	if err == nil || errors.As(err, &fe) {
		return sum, errors.Join(err, u.finish())
	}
	return sum, errors.Join(err, u.abort())
}

// FileError is an import stopped by its file: not XML, cut short, or not
// an IATI 2.x activity or organisation file. What was imported before it
// stays (each record is its own transaction).
type FileError struct{ Err error }

func (e *FileError) Error() string { return e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

type importer struct {
	client    *ent.Client
	units     units
	opts      Options
	countries map[string]int
	orgs      *orgCache
	// seen holds a hash of each identifier met so far in the file, to skip
	// a second activity with the same one: 8 bytes an activity, the only
	// memory that grows with the file.
	seen    map[uint64]bool
	started time.Time
	bytes   *countingReader
	records int
	// batch is what the store holds for the batch of activities under way.
	batch *batchCache
}

// skip reports skipped elements: to Options.Skipped, or into the summary.
func (im *importer) skip(sum *Summary, skips ...Skip) {
	if im.opts.Skipped == nil {
		sum.Skipped = append(sum.Skipped, skips...)
		return
	}
	for _, s := range skips {
		im.opts.Skipped(s)
	}
}

func (im *importer) progress() {
	im.records++
	if im.opts.Progress != nil {
		im.opts.Progress(Progress{Records: im.records, Bytes: im.bytes.n.Load(), Elapsed: time.Since(im.started)})
	}
}

// activities imports the file's activities a batch at a time: what the
// store holds for a batch is read at once (batchCache), then each activity
// is written under its own savepoint.
func (im *importer) activities(ctx context.Context, r *iati.Reader) (Summary, error) {
	var sum Summary
	for {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		batch, lines, rerr := readBatch(r)
		if err := im.batchOf(ctx, batch, lines, &sum); err != nil {
			return sum, err
		}
		switch {
		case rerr == io.EOF:
			return sum, nil
		case rerr != nil:
			return sum, &FileError{rerr}
		}
	}
}

// readBatch reads up to batchSize activities, with the line each ends
// on; the error is the reader's, after the activities read before it.
func readBatch(r *iati.Reader) ([]*iati.Activity, []int, error) {
	var batch []*iati.Activity
	var lines []int
	for len(batch) < batchSize {
		a, err := r.Next()
		if err != nil {
			return batch, lines, err
		}
		batch, lines = append(batch, a), append(lines, r.Line())
	}
	return batch, lines, nil
}

func (im *importer) batchOf(ctx context.Context, batch []*iati.Activity, lines []int, sum *Summary) error {
	if len(batch) == 0 {
		return nil
	}
	ctx, c, err := im.units.batchClient(ctx)
	if err != nil {
		return err
	}
	if im.batch, err = loadBatch(ctx, c, batch); err != nil {
		return errors.Join(err, im.units.abort())
	}
	for i, a := range batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := im.activity(ctx, a, lines[i], sum); err != nil {
			return err
		}
		im.progress()
	}
	if err := im.batch.flushKept(ctx, c); err != nil {
		return errors.Join(err, im.units.abort())
	}
	im.batch = nil
	return im.units.commit()
}

// activity imports one activity into sum; the error is fatal.
func (im *importer) activity(ctx context.Context, a *iati.Activity, line int, sum *Summary) error {
	record := a.Identifier
	if record == "" {
		record = fmt.Sprintf("line %d", line)
	}
	var skips []Skip
	for _, p := range a.Problems {
		if p.Element == "iati-identifier" {
			continue // said below, as the reason the whole activity is skipped
		}
		skips = append(skips, Skip{Record: record, Element: p.Element, Reason: p.Reason})
	}
	whole := func(reason string) {
		im.skip(sum, skips...)
		im.skip(sum, Skip{Record: record, Element: wholeActivity, Reason: reason})
	}
	switch {
	case a.Identifier == "":
		whole("no iati-identifier: the activity cannot be keyed; skipped")
		return nil
	case im.seen[hash(a.Identifier)]:
		whole("a second activity with this iati-identifier in the file; skipped")
		return nil
	}
	im.seen[hash(a.Identifier)] = true

	var w *activityWriter
	err := im.units.run(ctx, func(ctx context.Context, c *ent.Client) error {
		w = newActivityWriter(im, c, a)
		return w.write(ctx)
	})
	if isFatal(err) || ctx.Err() != nil {
		return errors.Join(err, ctx.Err())
	}
	if err != nil {
		im.orgs.rollback()
		im.batch.rollback()
		whole(fmt.Sprintf("not imported, nothing of it written: %s", reason(err)))
		return nil
	}
	im.orgs.commit()
	im.batch.commit(&w.batched)
	sum.QualityNotes = noteCounts(sum.QualityNotes, w.notes)
	sum.QualityNotes = noteCounts(sum.QualityNotes, w.fundingNotes)
	im.skip(sum, skips...)
	for _, s := range w.skips {
		im.skip(sum, Skip{Record: record, Element: s.Element, Reason: s.Reason})
	}
	switch {
	case w.created:
		sum.Created++
	case w.writes > 0:
		sum.Updated++
	default:
		sum.Unchanged++
	}
	return nil
}

func hash(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

// reason words an error for the summary: a refusal's own message, or the
// error's text for a store failure.
func reason(err error) string {
	if err == nil {
		return ""
	}
	var ve *ent.ValidationError
	if errors.As(err, &ve) {
		return ve.Error()
	}
	return err.Error()
}

// rootElement reads up to the document's root element and returns its name
// with a reader that gives the whole input again.
func rootElement(r io.Reader) (string, io.Reader, error) {
	var seen bytes.Buffer
	dec := xml.NewDecoder(io.TeeReader(r, &seen))
	// Only the root's name is wanted here; the IATI readers decode the
	// declared encoding themselves.
	dec.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return "", nil, errors.New("not an IATI file: no root element")
		}
		if err != nil {
			return "", nil, fmt.Errorf("not an XML file: %w", err)
		}
		if start, ok := tok.(xml.StartElement); ok {
			return start.Name.Local, io.MultiReader(bytes.NewReader(seen.Bytes()), r), nil
		}
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// pick gives one narrative's text: the first in lang, else the first; ""
// when there is none.
func pick(ns []iati.Narrative, lang string) string {
	if lang != "" {
		for _, n := range ns {
			if n.Lang == lang {
				return n.Text
			}
		}
	}
	if len(ns) > 0 {
		return ns[0].Text
	}
	return ""
}

func nonEmpty(s string) *string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return &s
}
