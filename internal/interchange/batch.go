package interchange

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/activitylink"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/source"
	"github.com/aidregistry/registry/internal/iati"
)

// batchCache is what the store held, at the start of a batch, for the
// batch's activities: read with one query per table for the whole batch
// rather than a few per activity. The batch's own writes are added to it
// as each activity stands (commit), so that a later activity of the batch
// sees what an earlier one wrote; an activity rolled back adds nothing.
type batchCache struct {
	// programmes are the batch's stored programmes, with the edges the
	// importer compares, by code.
	programmes map[string]*ent.Programme
	// ids are programme ids by code: the batch's and those its
	// related-activities name; a code asked and absent maps to 0.
	ids map[string]int
	// pending are stored parent and child links naming the batch's
	// activities, by the activity named (their ref).
	pending map[string][]*ent.ActivityLink
	// own are the stored links of the batch's activities, by code.
	own map[string][]*ent.ActivityLink
	// sources are Source ids by URL; 0 for a URL asked and absent.
	sources map[string]int
	// touched are programmes an activity of the batch changed after they
	// were read (a parent set): read again when their activity comes.
	touched map[int]bool
	// deleted are links an activity of the batch deleted; dropped are
	// links of the batch, not inserted yet, that a later activity resolved.
	deleted map[int]bool
	dropped map[*ent.ActivityLink]bool
	// kept are the elements of the programmes the batch created and
	// inserted before their elements were known (SQLite, a batch written
	// again, a row held but inserted early), written together
	// (flushKept); flushed those written under the savepoint of
	// the activity under way, to write again should it be rolled back.
	kept, flushed []kept
	// dialect is the store's, as ent's query builder gives it.
	dialect string
	// reserved are programme ids drawn from the sequence for the
	// programmes the batch creates (PostgreSQL, written optimistically):
	// their rows can then wait to be inserted together.
	reserved []int
	// fresh counts the batch's codes no stored programme has.
	fresh int
	// orgs is what no organisation holds of what the batch names.
	orgs *orgAbsent
}

// kept is what a created programme keeps of its activity, written after
// its rows took their elements.
type kept struct {
	id    int
	elems []*iati.Element
	notes []iati.QualityNote
	at    time.Time
}

// batchWrites are what one activity wrote that the cache must know,
// held until the activity stands.
type batchWrites struct {
	code    string
	id      int
	links   []*ent.ActivityLink
	deleted []int
	dropped []*ent.ActivityLink
	touched []int
	sources map[string]int
	kept    *kept
}

// loadBatch reads what the store holds for the activities of a batch.
func loadBatch(ctx context.Context, c *ent.Client, batch []*iati.Activity) (*batchCache, error) {
	b := &batchCache{
		programmes: map[string]*ent.Programme{}, ids: map[string]int{},
		pending: map[string][]*ent.ActivityLink{}, own: map[string][]*ent.ActivityLink{},
		sources: map[string]int{}, touched: map[int]bool{}, deleted: map[int]bool{},
		dropped: map[*ent.ActivityLink]bool{},
	}
	var codes, refs, urls []string
	for _, a := range batch {
		if a.Identifier == "" {
			continue
		}
		codes = append(codes, a.Identifier)
		for _, ra := range a.RelatedActivities {
			if iati.LinkByRelatedType[ra.Type] != "" {
				refs = append(refs, ra.Ref)
			}
		}
		for _, d := range a.DocumentLinks {
			urls = append(urls, d.URL)
		}
	}
	codes, refs, urls = unique(codes), unique(slices.Concat(codes, refs)), unique(urls)
	if err := b.loadProgrammes(ctx, c, codes); err != nil {
		return nil, err
	}
	for _, code := range codes {
		if b.programmes[code] == nil {
			b.fresh++
		}
	}
	if err := b.loadLinks(ctx, c, codes); err != nil {
		return nil, err
	}
	// The activities waiting for one of the batch's are linked to it.
	for _, ls := range b.pending {
		for _, l := range ls {
			refs = append(refs, l.ProgrammeCode)
		}
	}
	if err := b.loadIDs(ctx, c, unique(refs)); err != nil {
		return nil, err
	}
	if err := b.loadSources(ctx, c, urls); err != nil {
		return nil, err
	}
	return b, nil
}

func unique(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// maxIn bounds the values of one IN list, under both stores' limits on a
// statement's parameters.
const maxIn = 1000

func (b *batchCache) loadProgrammes(ctx context.Context, c *ent.Client, codes []string) error {
	for chunk := range slices.Chunk(codes, maxIn) {
		ps, err := programmeQuery(c).Where(programme.CodeIn(chunk...), func(s *sql.Selector) {
			// The raw statements of flushKept are written for it.
			b.dialect = s.Dialect()
		}).All(ctx)
		if err != nil {
			return fmt.Errorf("read the batch's programmes: %w", err)
		}
		for _, p := range ps {
			b.programmes[p.Code] = p
		}
	}
	return nil
}

// programmeQuery reads programmes with what the importer compares.
func programmeQuery(c *ent.Client) *ent.ProgrammeQuery {
	return c.Programme.Query().
		WithParticipations().
		WithCountries().
		WithFundings(func(q *ent.FundingQuery) { q.Order(funding.ByID()).WithSectors() }).
		WithContacts().
		WithSources().
		WithSectors().WithLocations().WithPolicyMarkers().WithHumanitarianScopes()
}

func (b *batchCache) loadIDs(ctx context.Context, c *ent.Client, codes []string) error {
	for _, code := range codes {
		b.ids[code] = 0
	}
	for chunk := range slices.Chunk(codes, maxIn) {
		var rows []struct {
			ID   int    `json:"id"`
			Code string `json:"code"`
		}
		if err := c.Programme.Query().Where(programme.CodeIn(chunk...)).
			Select(programme.FieldID, programme.FieldCode).Scan(ctx, &rows); err != nil {
			return fmt.Errorf("read the programmes the batch names: %w", err)
		}
		for _, r := range rows {
			b.ids[r.Code] = r.ID
		}
	}
	return nil
}

func (b *batchCache) loadLinks(ctx context.Context, c *ent.Client, codes []string) error {
	for chunk := range slices.Chunk(codes, maxIn) {
		pending, err := c.ActivityLink.Query().
			Where(activitylink.RefIn(chunk...), activitylink.TypeIn(iati.RelatedParent, iati.RelatedChild)).
			Order(activitylink.ByID()).All(ctx)
		if err != nil {
			return fmt.Errorf("read links to the batch's activities: %w", err)
		}
		for _, l := range pending {
			b.pending[l.Ref] = append(b.pending[l.Ref], l)
		}
		own, err := c.ActivityLink.Query().Where(activitylink.ProgrammeCodeIn(chunk...)).
			Order(activitylink.ByID()).All(ctx)
		if err != nil {
			return fmt.Errorf("read the batch's links: %w", err)
		}
		for _, l := range own {
			b.own[l.ProgrammeCode] = append(b.own[l.ProgrammeCode], l)
		}
	}
	return nil
}

func (b *batchCache) loadSources(ctx context.Context, c *ent.Client, urls []string) error {
	for _, u := range urls {
		b.sources[u] = 0
	}
	for chunk := range slices.Chunk(urls, maxIn) {
		ss, err := c.Source.Query().Where(source.URLIn(chunk...)).Order(source.ByID()).All(ctx)
		if err != nil {
			return fmt.Errorf("read the batch's sources: %w", err)
		}
		for _, s := range ss {
			if s.URL != nil && b.sources[*s.URL] == 0 {
				b.sources[*s.URL] = s.ID
			}
		}
	}
	return nil
}

// programme is the stored programme with this code, nil when there is
// none; one an earlier activity of the batch changed is read again.
func (b *batchCache) programme(ctx context.Context, c *ent.Client, code string) (*ent.Programme, error) {
	p, ok := b.programmes[code]
	if ok && !b.touched[p.ID] {
		return p, nil
	}
	if _, asked := b.ids[code]; asked && !ok && b.ids[code] == 0 {
		return nil, nil
	}
	p, err := programmeQuery(c).Where(programme.Code(code)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return p, err
}

// codeFree reports whether the batch read that no programme has this code
// and none of its activities has made one since: the rules need not ask
// again (validate.CodeFree).
func (b *batchCache) codeFree(code string) bool {
	id, asked := b.ids[code]
	return asked && id == 0
}

// programmeID is the id of the programme with this code; ok is false when
// there is none.
func (b *batchCache) programmeID(ctx context.Context, c *ent.Client, code string) (int, bool, error) {
	if id, asked := b.ids[code]; asked {
		return id, id != 0, nil
	}
	id, err := c.Programme.Query().Where(programme.Code(code)).OnlyID(ctx)
	switch {
	case ent.IsNotFound(err):
		return 0, false, nil
	case err != nil:
		return 0, false, err
	}
	return id, true, nil
}

// live are the links ls, less those deleted or dropped in the batch.
func (b *batchCache) live(ls []*ent.ActivityLink) []*ent.ActivityLink {
	return slices.DeleteFunc(slices.Clone(ls), func(l *ent.ActivityLink) bool { return b.deleted[l.ID] || b.dropped[l] })
}

// source is the id of the first Source with this URL; ok is false when
// there is none.
func (b *batchCache) source(ctx context.Context, c *ent.Client, url string) (int, bool, error) {
	if id, asked := b.sources[url]; asked {
		return id, id != 0, nil
	}
	s, err := c.Source.Query().Where(source.URL(url)).Order(source.ByID()).First(ctx)
	switch {
	case ent.IsNotFound(err):
		return 0, false, nil
	case err != nil:
		return 0, false, err
	}
	return s.ID, true, nil
}

// reserve draws from the programmes' sequence an id for each programme the
// batch may create (each code it read no programme for), and tops up the
// organisations' ids for those it will likely create, in one statement.
// Only PostgreSQL: SQLite keeps its inserts one at a time.
func (b *batchCache) reserve(ctx context.Context, c *ent.Client, orgIDs *idPool) error {
	if b.dialect != dialect.Postgres {
		return nil
	}
	counts := append([]tableCount{{programme.Table, b.fresh}}, orgIDs.wanted(b.orgs.likelyNew())...)
	ids, err := reserveIDs(ctx, c, counts)
	if err != nil {
		return fmt.Errorf("reserve ids for %d programmes and their organisations: %w", b.fresh, err)
	}
	b.reserved = append(b.reserved, ids[programme.Table]...)
	orgIDs.add(ids)
	return nil
}

// takeID is a reserved programme id; ok is false when none is left.
func (b *batchCache) takeID() (int, bool) {
	if len(b.reserved) == 0 {
		return 0, false
	}
	id := b.reserved[0]
	b.reserved = b.reserved[1:]
	return id, true
}

// commit adds what an activity that stands wrote.
func (b *batchCache) commit(w *batchWrites) {
	if w.code != "" && w.id != 0 {
		b.ids[w.code] = w.id
		delete(b.programmes, w.code) // its edges changed: read again if asked
		b.touched[w.id] = true
	}
	for _, l := range w.links {
		if l.Type == iati.RelatedParent || l.Type == iati.RelatedChild {
			b.pending[l.Ref] = append(b.pending[l.Ref], l)
		}
		b.own[l.ProgrammeCode] = append(b.own[l.ProgrammeCode], l)
	}
	for _, id := range w.deleted {
		b.deleted[id] = true
	}
	for _, l := range w.dropped {
		b.dropped[l] = true
	}
	for _, id := range w.touched {
		b.touched[id] = true
	}
	for url, id := range w.sources {
		b.sources[url] = id
	}
	if w.kept != nil {
		b.kept = append(b.kept, *w.kept)
	}
	b.flushed = nil
}

// rollback gives back what the activity rolled back to its savepoint took
// with it: the kept elements of earlier activities it wrote.
func (b *batchCache) rollback() {
	b.kept, b.flushed = append(b.flushed, b.kept...), nil
}

// flushKept writes the elements the batch's created programmes keep, in
// one statement per keptChunk programmes. Their creation's history already
// says what they hold, so this completion of it is not recorded, and it
// changes nothing the search index holds or the rules check.
func (b *batchCache) flushKept(ctx context.Context, c *ent.Client) error {
	if len(b.kept) == 0 {
		return nil
	}
	for chunk := range slices.Chunk(b.kept, keptChunk) {
		q, args, err := keptUpdate(b.dialect, chunk)
		if err != nil {
			return err
		}
		if _, err := c.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("keep the elements of %d programmes: %w", len(chunk), err)
		}
	}
	b.flushed = append(b.flushed, b.kept...)
	b.kept = nil
	return nil
}

// keptChunk bounds the programmes one statement completes (5 parameters
// each).
const keptChunk = 500

// keptUpdate is one UPDATE ... FROM (VALUES ...) for both stores, the
// values JSON encoded as ent encodes them.
func keptUpdate(d string, ks []kept) (string, []any, error) {
	var rows []string
	var args []any
	for i, k := range ks {
		elems, err := json.Marshal(k.elems)
		if err != nil {
			return "", nil, fmt.Errorf("encode the elements of programme %d: %w", k.id, err)
		}
		notes, err := json.Marshal(k.notes)
		if err != nil {
			return "", nil, fmt.Errorf("encode the notes of programme %d: %w", k.id, err)
		}
		args = append(args, k.id, string(elems), string(notes), len(k.notes) > 0, k.at)
		n := i * 5
		if d == dialect.Postgres {
			rows = append(rows, fmt.Sprintf("($%d::bigint, $%d::jsonb, $%d::jsonb, $%d::boolean, $%d::timestamptz)", n+1, n+2, n+3, n+4, n+5))
		} else {
			rows = append(rows, "(?, ?, ?, ?, ?)")
		}
	}
	values := strings.Join(rows, ", ")
	if d == dialect.Postgres {
		return `UPDATE programmes AS p SET iati_elements = v.e, quality_notes = v.q, has_quality_notes = v.h, updated_at = v.t, iati_synced_at = v.t
FROM (VALUES ` + values + `) AS v(id, e, q, h, t) WHERE p.id = v.id`, args, nil
	}
	return `WITH v(id, e, q, h, t) AS (VALUES ` + values + `)
UPDATE programmes SET iati_elements = v.e, quality_notes = v.q, has_quality_notes = v.h, updated_at = v.t, iati_synced_at = v.t
FROM v WHERE programmes.id = v.id`, args, nil
}
