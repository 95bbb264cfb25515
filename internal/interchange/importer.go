package interchange

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/countries"
	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/validate"
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

// GCPercent is the garbage collector's target for a process that does
// nothing but import (registry import): an import's live heap stays small
// (a batch, 20-35 MB) while it makes garbage fast, so the default of 100
// collected so often that the collector took about a quarter of the
// process's CPU. At 400 it takes little, and the peak resident set grows
// from about 80 MB to about 120 MB on the generated benchmark file.
const GCPercent = 400

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
	// rows are the new rows of the batch's activities that stand, when
	// the batch is written optimistically (batchOf).
	rows *newRows
	// placeholders is the last placeholder id given a source held with
	// the batch's rows (pendingSource).
	placeholders int
	// orgIDs are ids drawn for the organisations and aliases batches hold.
	orgIDs idPool
	// While a batch is written, holding says skips are held (in held) and
	// written counts the activities, to report once it stands; seenNow
	// are the identifiers it met first.
	holding bool
	held    []Skip
	written int
	seenNow []uint64
}

// skip reports skipped elements: to Options.Skipped, or into the summary.
func (im *importer) skip(sum *Summary, skips ...Skip) {
	if im.opts.Skipped == nil {
		sum.Skipped = append(sum.Skipped, skips...)
		return
	}
	if im.holding {
		im.held = append(im.held, skips...)
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
	batches, stop := readAhead(r)
	defer stop()
	for b := range batches {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		if err := im.batchOf(ctx, b.activities, b.lines, &sum); err != nil {
			return sum, err
		}
		switch {
		case b.err == io.EOF:
			return sum, nil
		case b.err != nil:
			return sum, &FileError{b.err}
		}
	}
	return sum, nil
}

// readBatchResult is one batch as readBatch gives it.
type readBatchResult struct {
	activities []*iati.Activity
	lines      []int
	err        error
}

// readAhead reads the file's batches on a goroutine of their own, one
// batch ahead: the XML of the next batch is decoded while the store
// writes this one, which on a two-core machine hides most of the reading.
// stop ends the reading and waits for it, so that nothing reads the file
// once the import returns; the last batch sent carries the reader's error
// (io.EOF at the end).
func readAhead(r *iati.Reader) (<-chan readBatchResult, func()) {
	out := make(chan readBatchResult, 1)
	quit := make(chan struct{})
	go func() {
		defer close(out)
		for size := firstBatchSize; ; size = batchSize {
			batch, lines, err := readBatch(r, size)
			select {
			case out <- readBatchResult{batch, lines, err}:
			case <-quit:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return out, func() {
		close(quit)
		for range out {
		}
	}
}

// firstBatchSize is the size of a file's first batch, smaller than the
// others: the writer waits for the whole first batch to be read, and
// reads after it overlap writes. A real file of 100 activities (22 KB of
// elements each) spent about a fifth of its import reading its first 50.
const firstBatchSize = 10

// readBatch reads up to size activities, with the line each ends on; the
// error is the reader's, after the activities read before it.
func readBatch(r *iati.Reader, size int) ([]*iati.Activity, []int, error) {
	var batch []*iati.Activity
	var lines []int
	for len(batch) < size {
		a, err := r.Next()
		if err != nil {
			return batch, lines, err
		}
		batch, lines = append(batch, a), append(lines, r.Line())
	}
	return batch, lines, nil
}

// batchOf imports a batch of activities optimistically first: with no
// savepoint each, their new rows (on PostgreSQL their programmes, with
// ids reserved; participations, countries, fundings, contacts,
// projections) left to one insert per table for the whole batch. Should
// an activity fail (one skipped before it writes apart), or
// that insert (a row the rules refuse, a statement the store refuses), the
// batch is rolled back and written again, each activity under its own
// savepoint and its rows inserted at once, so that only the activity at
// fault is left out. What the import reports of a batch (skips, progress) is
// reported once the batch stands.
func (im *importer) batchOf(ctx context.Context, batch []*iati.Activity, lines []int, sum *Summary) error {
	if len(batch) == 0 {
		return nil
	}
	start := im.save(sum)
	done, err := im.writeBatch(ctx, batch, lines, sum, true)
	if err != nil {
		return err
	}
	if !done {
		im.restore(start, sum)
		if _, err := im.writeBatch(ctx, batch, lines, sum, false); err != nil {
			return err
		}
	}
	if err := im.units.unmark(ctx); err != nil {
		return err
	}
	if err := im.units.commit(); err != nil {
		return err
	}
	im.report()
	return nil
}

// writeBatch writes a batch of activities; optimistic leaves their new
// rows to the batch, and says false, everything of the batch undone,
// should inserting them fail.
func (im *importer) writeBatch(ctx context.Context, batch []*iati.Activity, lines []int, sum *Summary, optimistic bool) (bool, error) {
	ctx, c, err := im.units.batchClient(ctx)
	if err != nil {
		return false, err
	}
	im.rows = nil
	if optimistic {
		if err := im.units.mark(ctx); err != nil {
			return false, errors.Join(err, im.units.abort())
		}
		im.rows = &newRows{}
	}
	if im.batch, err = loadBatch(ctx, c, batch); err != nil {
		return false, errors.Join(err, im.units.abort())
	}
	if im.batch.orgs, err = im.loadOrgAbsent(ctx, c, batch); err != nil {
		return false, errors.Join(err, im.units.abort())
	}
	if optimistic && im.units.holds() {
		if err := im.batch.reserve(ctx, c, &im.orgIDs); err != nil {
			return false, errors.Join(err, im.units.abort())
		}
	}
	for i, a := range batch {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		err := im.activity(ctx, a, lines[i], sum)
		if err == errReplay {
			return false, im.units.undo(ctx)
		}
		if err != nil {
			return false, err
		}
		im.written++
	}
	if optimistic && !im.rows.empty() {
		rows := im.rows
		rows.dialect, rows.dropped = im.batch.dialect, im.batch.dropped
		err := im.units.run(ctx, func(ctx context.Context, c *ent.Client) error {
			return rows.flush(validate.AsPublished(ctx), c)
		})
		if isFatal(err) {
			return false, err
		}
		if err != nil {
			return false, im.units.undo(ctx)
		}
	}
	if err := im.batch.flushKept(ctx, c); err != nil {
		return false, errors.Join(err, im.units.abort())
	}
	im.batch, im.rows = nil, nil
	return true, nil
}

// errReplay says an activity of a batch written optimistically failed:
// the batch is to be written again, each activity under its savepoint.
var errReplay = errors.New("the batch is written again")

// batchStart is what an import had reported and kept before a batch, to
// go back to should the batch be written again.
type batchStart struct {
	created, updated, unchanged, skipped int
	notes                                []NoteCount
	known                                map[string]int
	keyed                                bool
}

func (im *importer) save(sum *Summary) batchStart {
	im.holding, im.seenNow, im.written = true, nil, 0
	return batchStart{
		created: sum.Created, updated: sum.Updated, unchanged: sum.Unchanged, skipped: len(sum.Skipped),
		notes: slices.Clone(sum.QualityNotes), known: maps.Clone(im.orgs.known), keyed: im.orgs.keyed,
	}
}

func (im *importer) restore(b batchStart, sum *Summary) {
	sum.Created, sum.Updated, sum.Unchanged = b.created, b.updated, b.unchanged
	sum.Skipped, sum.QualityNotes = sum.Skipped[:b.skipped], b.notes
	im.orgs.known, im.orgs.keyed = b.known, b.keyed
	im.orgs.rollback()
	for _, h := range im.seenNow {
		delete(im.seen, h)
	}
	im.seenNow, im.held, im.written = nil, nil, 0
}

// report gives Options.Skipped and Options.Progress what a batch that
// stands did.
func (im *importer) report() {
	for _, s := range im.held {
		im.opts.Skipped(s)
	}
	im.held, im.holding = nil, false
	for range im.written {
		im.progress()
	}
	im.written = 0
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
	im.seenNow = append(im.seenNow, hash(a.Identifier))

	var w *activityWriter
	run := im.units.run
	if im.rows != nil {
		run = im.units.runBare
	}
	err := run(ctx, func(ctx context.Context, c *ent.Client) error {
		w = newActivityWriter(im, c, a)
		return w.write(ctx)
	})
	if isFatal(err) || ctx.Err() != nil {
		return errors.Join(err, ctx.Err())
	}
	var skipped errSkipActivity
	if err != nil && im.rows != nil && (!errors.As(err, &skipped) || w.orgs.holding()) {
		// Written with no savepoint of its own: the batch goes back and is
		// written again, each activity under one. The organisations it
		// held stand in what the batch's lookups answer from.
		return errReplay
	}
	if err != nil {
		im.orgs.rollback()
		im.batch.rollback()
		whole(fmt.Sprintf("not imported, nothing of it written: %s", reason(err)))
		return nil
	}
	im.orgs.commit()
	im.batch.commit(&w.batched)
	if w.rows != nil {
		im.rows.take(w.rows)
	}
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
