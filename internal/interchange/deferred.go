package interchange

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqlgraph"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/activitylink"
	"github.com/aidregistry/registry/ent/contact"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/humanitarianscope"
	"github.com/aidregistry/registry/ent/location"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/ent/policymarker"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/programmecountry"
	"github.com/aidregistry/registry/ent/sector"
	"github.com/aidregistry/registry/internal/audit"
	"github.com/aidregistry/registry/internal/store"
)

// newRows are the new rows of one or more activities, by table, held to
// be inserted together: one multi-row INSERT per table for a whole batch
// rather than one per table for each activity. Each row is a builder made
// when it is inserted, so that a row may name one inserted before it (a
// transaction's sectors, their funding). Tables are inserted in the order
// of flush, the rows of each in the order they were added.
type newRows struct {
	// programmes are created programmes' rows (PostgreSQL), their ids
	// reserved and their hooks run: inserted first, or earlier should a
	// statement of the batch name one (flushHeld).
	programmes []*heldRow
	// orgs and aliases are created organisations' and their aliases' rows
	// (PostgreSQL), their ids reserved (orgIDs) and their hooks run:
	// inserted before anything, or earlier should the store be asked
	// about organisations or a statement name one (insertOrgs).
	orgs, aliases []*heldRow
	// sources are created programmes' new sources, inserted just before
	// cites: each stands, until then, as a placeholder id (pendingSource)
	// in cites and in the batch's cache, which pending gives the real id
	// of once inserted.
	sources        pendingTable[*ent.SourceCreate, *ent.Source]
	pending        map[int]*int
	participations pendingTable[*ent.ParticipationCreate, *ent.Participation]
	countries      pendingTable[*ent.ProgrammeCountryCreate, *ent.ProgrammeCountry]
	fundings       pendingTable[*ent.FundingCreate, *ent.Funding]
	contacts       pendingTable[*ent.ContactCreate, *ent.Contact]
	// The projections, whose writes the history does not record.
	locations pendingTable[*ent.LocationCreate, *ent.Location]
	markers   pendingTable[*ent.PolicyMarkerCreate, *ent.PolicyMarker]
	scopes    pendingTable[*ent.HumanitarianScopeCreate, *ent.HumanitarianScope]
	sectors   pendingTable[*ent.SectorCreate, *ent.Sector]
	// cites are created programmes' sources (programme_sources rows): a
	// join table no hook sees and the history does not record (a
	// programme's history holds its fields), inserted in one statement.
	cites [][2]int
	// links are new ActivityLink rows (bookkeeping, unrecorded), each
	// given its id once inserted; those in dropped were resolved by a
	// later activity of the batch before being inserted, and are not.
	links   []*ent.ActivityLink
	dropped map[*ent.ActivityLink]bool
	// dialect is the store's, for cites' statement.
	dialect string
	// ids are those reserved for the rows held, by table (PostgreSQL).
	ids map[string][]int
}

// pendingTable is one table's rows to insert, and what to do with each
// once inserted.
type pendingTable[B any, E any] struct {
	build []func() B
	done  []func(E)
}

func (t *pendingTable[B, E]) add(build func() B, done func(E)) {
	t.build = append(t.build, build)
	t.done = append(t.done, done)
}

func (t *pendingTable[B, E]) take(o *pendingTable[B, E]) {
	t.build = append(t.build, o.build...)
	t.done = append(t.done, o.done...)
	o.build, o.done = nil, nil
}

// flushChunk bounds the rows of one INSERT, under both stores' limits on
// a statement's parameters (the widest table has about 20 columns).
const flushChunk = 500

// insertAll inserts a table's rows, flushChunk a statement.
func insertAll[B saver[E], E any, S bulkSaver[E]](ctx context.Context, t *pendingTable[B, E], bulk func(...B) S) error {
	for start := 0; start < len(t.build); start += flushChunk {
		end := min(start+flushChunk, len(t.build))
		bs := make([]B, 0, end-start)
		for _, build := range t.build[start:end] {
			bs = append(bs, build())
		}
		made, err := bulk(bs...).Save(ctx)
		if err != nil {
			return err
		}
		for i, e := range made {
			if done := t.done[start+i]; done != nil {
				done(e)
			}
		}
	}
	t.build, t.done = nil, nil
	return nil
}

// heldSaver runs a bulk create's hooks with its rows held (ent's SaveHeld).
type heldSaver[E any] interface {
	SaveHeld(context.Context, []int) ([]E, []*sqlgraph.CreateSpec, error)
}

// rowsSaver is a bulk create that can also hold its rows.
type rowsSaver[E any] interface {
	bulkSaver[E]
	heldSaver[E]
}

// insertRows inserts a table's rows: insertHeld's way on PostgreSQL,
// insertAll's on SQLite.
func insertRows[B saver[E], E any, S rowsSaver[E]](ctx context.Context, r *newRows, c *ent.Client, table string, t *pendingTable[B, E], bulk func(...B) S, write func(context.Context, ...*sqlgraph.CreateSpec) error) error {
	if r.dialect != dialect.Postgres {
		return insertAll(ctx, t, bulk)
	}
	return insertHeld(ctx, table, r.ids[table], t, bulk, write)
}

// insertHeld inserts a table's rows on PostgreSQL by COPY, flushChunk at
// a time, with the ids reserved for them (reserveIDs): their hooks run as
// a bulk create runs them, then their rows are copied (ent's InsertHeld).
// COPY spares PostgreSQL the parsing and planning of an INSERT of
// thousands of parameters.
func insertHeld[B any, E any, S heldSaver[E]](ctx context.Context, table string, ids []int, t *pendingTable[B, E], bulk func(...B) S, write func(context.Context, ...*sqlgraph.CreateSpec) error) error {
	for start := 0; start < len(t.build); start += flushChunk {
		end := min(start+flushChunk, len(t.build))
		bs := make([]B, 0, end-start)
		for _, build := range t.build[start:end] {
			bs = append(bs, build())
		}
		if len(ids) < end {
			return fmt.Errorf("insert into %s: %d ids reserved for %d rows", table, len(ids), len(t.build))
		}
		made, specs, err := bulk(bs...).SaveHeld(ctx, ids[start:end])
		if err != nil {
			return err
		}
		if err := write(ctx, specs...); err != nil {
			return fmt.Errorf("insert %d rows into %s: %w", len(specs), table, err)
		}
		for i, e := range made {
			if done := t.done[start+i]; done != nil {
				done(e)
			}
		}
	}
	t.build, t.done = nil, nil
	return nil
}

// reserveIDs draws from each table's sequence an id for each row held
// for it, in one statement for all the tables.
func (r *newRows) reserveIDs(ctx context.Context, c *ent.Client) error {
	ids, err := reserveIDs(ctx, c, []tableCount{
		{participation.Table, len(r.participations.build)}, {programmecountry.Table, len(r.countries.build)},
		{funding.Table, len(r.fundings.build)}, {contact.Table, len(r.contacts.build)},
		{location.Table, len(r.locations.build)}, {policymarker.Table, len(r.markers.build)},
		{humanitarianscope.Table, len(r.scopes.build)}, {sector.Table, len(r.sectors.build)},
		{activitylink.Table, len(r.links)},
	})
	r.ids = ids
	return err
}

// tableCount is how many ids to reserve from a table's sequence.
type tableCount struct {
	table string
	n     int
}

// reserveIDs draws n ids from each table's sequence, in one statement
// (PostgreSQL): rows whose ids are known before they are written can wait
// to be written together. The ids come by table, in the order drawn.
func reserveIDs(ctx context.Context, c *ent.Client, counts []tableCount) (map[string][]int, error) {
	ids := map[string][]int{}
	var parts []string
	var args []any
	for _, t := range counts {
		if t.n == 0 {
			continue
		}
		// The sequence is named once, in a subquery OFFSET 0 keeps apart:
		// pulled up, pg_get_serial_sequence ran for every id, four times
		// the cost of drawing it (18,000 links: 130-170 ms, 35 after).
		parts = append(parts, fmt.Sprintf("(SELECT $%d::text, nextval(s.seq) FROM (SELECT pg_get_serial_sequence($%d, 'id')::regclass AS seq OFFSET 0) s, generate_series(1, $%d))", len(args)+1, len(args)+1, len(args)+2))
		args = append(args, t.table, t.n)
	}
	if len(parts) == 0 {
		return ids, nil
	}
	rows, err := c.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, fmt.Errorf("reserve the ids of the batch's rows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var table string
		var id int
		if err := rows.Scan(&table, &id); err != nil {
			return nil, fmt.Errorf("reserve the ids of the batch's rows: %w", err)
		}
		ids[table] = append(ids[table], id)
	}
	return ids, rows.Err()
}

// heldRow is a created record's row (a programme, an organisation, an
// alias), held to be inserted with the batch's others; inserted says it
// already was.
type heldRow struct {
	spec     *sqlgraph.CreateSpec
	inserted bool
}

// insertProgrammes inserts the programmes held and not inserted yet.
func (r *newRows) insertProgrammes(ctx context.Context, c *ent.Client) error {
	return insertHeldRows(ctx, "programmes", r.programmes, c.Programme.InsertHeld)
}

// insertOrgs inserts the organisations held and not inserted yet, then
// their aliases.
func (r *newRows) insertOrgs(ctx context.Context, c *ent.Client) error {
	if err := insertHeldRows(ctx, "organisations", r.orgs, c.Organisation.InsertHeld); err != nil {
		return err
	}
	return insertHeldRows(ctx, "organisation aliases", r.aliases, c.OrganisationAlias.InsertHeld)
}

// insertHeldRows inserts the rows held and not inserted yet, flushChunk
// a statement.
func insertHeldRows(ctx context.Context, what string, rows []*heldRow, insert func(context.Context, ...*sqlgraph.CreateSpec) error) error {
	var specs []*sqlgraph.CreateSpec
	for _, h := range rows {
		if !h.inserted {
			specs = append(specs, h.spec)
			h.inserted = true
		}
	}
	for chunk := range slices.Chunk(specs, flushChunk) {
		if err := insert(ctx, chunk...); err != nil {
			return fmt.Errorf("insert %d %s: %w", len(chunk), what, err)
		}
	}
	return nil
}

// take moves o's rows after r's.
func (r *newRows) take(o *newRows) {
	r.programmes, o.programmes = append(r.programmes, o.programmes...), nil
	r.orgs, o.orgs = append(r.orgs, o.orgs...), nil
	r.aliases, o.aliases = append(r.aliases, o.aliases...), nil
	r.sources.take(&o.sources)
	if len(o.pending) > 0 && r.pending == nil {
		r.pending = map[int]*int{}
	}
	for p, id := range o.pending {
		r.pending[p] = id
	}
	o.pending = nil
	r.participations.take(&o.participations)
	r.countries.take(&o.countries)
	r.fundings.take(&o.fundings)
	r.contacts.take(&o.contacts)
	r.locations.take(&o.locations)
	r.markers.take(&o.markers)
	r.scopes.take(&o.scopes)
	r.sectors.take(&o.sectors)
	r.cites, o.cites = append(r.cites, o.cites...), nil
	r.links, o.links = append(r.links, o.links...), nil
}

func (r *newRows) empty() bool {
	return len(r.programmes)+len(r.orgs)+len(r.aliases)+len(r.sources.build)+len(r.participations.build)+len(r.countries.build)+len(r.fundings.build)+len(r.contacts.build)+
		len(r.locations.build)+len(r.markers.build)+len(r.scopes.build)+len(r.sectors.build)+len(r.cites)+len(r.links) == 0
}

// flush inserts every row held, through c's hooks (which authorise,
// validate and record them); the projections' rows unrecorded.
func (r *newRows) flush(ctx context.Context, c *ent.Client) error {
	// Each table's rows and their history are made while PostgreSQL
	// takes in the last table's.
	ctx = store.CopiesBehind(ctx)
	err := r.insert(ctx, c)
	return errors.Join(err, store.WaitBehind(ctx, c))
}

func (r *newRows) insert(ctx context.Context, c *ent.Client) error {
	// The links dropped are left out before their ids are counted.
	r.links = slices.DeleteFunc(r.links, func(l *ent.ActivityLink) bool { return r.dropped[l] })
	if r.dialect == dialect.Postgres {
		if err := r.reserveIDs(ctx, c); err != nil {
			return err
		}
	}
	for _, step := range []func() error{
		// First: the rows below name organisations.
		func() error { return r.insertOrgs(ctx, c) },
		func() error { return r.insertProgrammes(ctx, c) },
		func() error {
			return insertRows(ctx, r, c, participation.Table, &r.participations, c.Participation.CreateBulk, c.Participation.InsertHeld)
		},
		func() error {
			return insertRows(ctx, r, c, programmecountry.Table, &r.countries, c.ProgrammeCountry.CreateBulk, c.ProgrammeCountry.InsertHeld)
		},
		func() error {
			return insertRows(ctx, r, c, funding.Table, &r.fundings, c.Funding.CreateBulk, c.Funding.InsertHeld)
		},
		func() error {
			return insertRows(ctx, r, c, contact.Table, &r.contacts, c.Contact.CreateBulk, c.Contact.InsertHeld)
		},
		// Only cites name the sources. Their INSERT waits for the COPYs
		// before it: until now those ran behind the rows made after.
		func() error { return insertAll(ctx, &r.sources, c.Source.CreateBulk) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	if err := r.insertCites(ctx, c); err != nil {
		return err
	}
	quiet := audit.Skip(ctx)
	return firstError(
		func() error { return r.insertLinks(quiet, c) },
		func() error {
			return insertRows(quiet, r, c, location.Table, &r.locations, c.Location.CreateBulk, c.Location.InsertHeld)
		},
		func() error {
			return insertRows(quiet, r, c, policymarker.Table, &r.markers, c.PolicyMarker.CreateBulk, c.PolicyMarker.InsertHeld)
		},
		func() error {
			return insertRows(quiet, r, c, humanitarianscope.Table, &r.scopes, c.HumanitarianScope.CreateBulk, c.HumanitarianScope.InsertHeld)
		},
		// Last: a transaction's sectors name its funding.
		func() error {
			return insertRows(quiet, r, c, sector.Table, &r.sectors, c.Sector.CreateBulk, c.Sector.InsertHeld)
		},
	)
}

// insertCites inserts the programme_sources rows held, citesChunk a
// statement.
func (r *newRows) insertCites(ctx context.Context, c *ent.Client) error {
	for chunk := range slices.Chunk(r.cites, citesChunk) {
		ins := sql.Dialect(r.dialect).Insert(programme.SourcesTable).Columns(programme.SourcesPrimaryKey...)
		for _, row := range chunk {
			ins.Values(row[0], r.sourceID(row[1]))
		}
		q, args := ins.Query()
		if _, err := c.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("cite the sources of %d programmes: %w", len(chunk), err)
		}
	}
	r.cites = nil
	return nil
}

// insertLinks inserts the links held (flush left the dropped out) and
// gives each its id: by COPY with the ids reserved for them on PostgreSQL
// (an activity may name hundreds of related activities, a batch tens of
// thousands), else maxIn a statement.
func (r *newRows) insertLinks(ctx context.Context, c *ent.Client) error {
	keep := r.links
	r.links = nil
	if r.dialect == dialect.Postgres {
		return copyLinks(ctx, c, keep, r.ids[activitylink.Table])
	}
	for chunk := range slices.Chunk(keep, maxIn) {
		made, err := c.ActivityLink.CreateBulk(linkCreates(c, chunk)...).Save(ctx)
		if err != nil {
			return fmt.Errorf("link %d activities: %w", len(chunk), err)
		}
		for i, m := range made {
			chunk[i].ID = m.ID
		}
	}
	return nil
}

// copyLinks inserts links with the ids reserved for them, their creates'
// hooks run as a bulk create runs them (ent's SaveHeld).
func copyLinks(ctx context.Context, c *ent.Client, links []*ent.ActivityLink, ids []int) error {
	if len(ids) != len(links) {
		return fmt.Errorf("insert into %s: %d ids reserved for %d rows", activitylink.Table, len(ids), len(links))
	}
	for start := 0; start < len(links); start += maxIn {
		chunk := links[start:min(start+maxIn, len(links))]
		_, specs, err := c.ActivityLink.CreateBulk(linkCreates(c, chunk)...).SaveHeld(ctx, ids[start:start+len(chunk)])
		if err != nil {
			return fmt.Errorf("link %d activities: %w", len(chunk), err)
		}
		if err := c.ActivityLink.InsertHeld(ctx, specs...); err != nil {
			return fmt.Errorf("link %d activities: %w", len(chunk), err)
		}
		for i, l := range chunk {
			l.ID = ids[start+i]
		}
	}
	return nil
}

// linkCreates are the creates of links.
func linkCreates(c *ent.Client, links []*ent.ActivityLink) []*ent.ActivityLinkCreate {
	creates := make([]*ent.ActivityLinkCreate, len(links))
	for i, l := range links {
		creates[i] = c.ActivityLink.Create().SetProgrammeCode(l.ProgrammeCode).SetRef(l.Ref).SetType(l.Type)
	}
	return creates
}

// sourceID is the id of a source: a placeholder's, once its source is
// inserted, or id itself.
func (r *newRows) sourceID(id int) int {
	if id < 0 {
		return *r.pending[id]
	}
	return id
}

// pendingSource makes a placeholder id for a source held to be inserted
// with the batch: negative, which no stored row's id is.
func (im *importer) pendingSource(w *newRows) (int, *int) {
	im.placeholders--
	id := new(int)
	if w.pending == nil {
		w.pending = map[int]*int{}
	}
	w.pending[im.placeholders] = id
	return im.placeholders, id
}

// citesChunk bounds the rows of one insert of cites (2 parameters each).
const citesChunk = 1000

func firstError(steps ...func() error) error {
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// immediate says whether w inserts its rows as it goes (each table's
// rows of the activity in one statement), rather than leaving them to its
// batch.
func (w *activityWriter) immediate() bool { return w.rows == nil }

// insert inserts rows at once, or leaves them to the batch.
func insert[B saver[E], E any, S bulkSaver[E]](ctx context.Context, w *activityWriter, t func(*newRows) *pendingTable[B, E], bulk func(...B) S, builds []func() B) error {
	if len(builds) == 0 {
		return nil
	}
	if !w.immediate() {
		q := t(w.rows)
		for _, b := range builds {
			q.add(b, nil)
		}
		return nil
	}
	bs := make([]B, len(builds))
	for i, b := range builds {
		bs[i] = b()
	}
	_, err := bulk(bs...).Save(ctx)
	return err
}

// built turns builders into functions giving them.
func built[B any](bs []B) []func() B {
	out := make([]func() B, len(bs))
	for i, b := range slices.Clone(bs) {
		out[i] = func() B { return b }
	}
	return out
}
