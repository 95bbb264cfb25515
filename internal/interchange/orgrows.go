package interchange

import (
	"context"
	"fmt"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/organisationalias"
	"github.com/aidregistry/registry/internal/validate"
)

// orgHold holds the organisations and aliases an activity creates, in a
// batch written optimistically on PostgreSQL, to be inserted with the
// batch's other new rows rather than one INSERT each: their ids come from
// ids, their hooks (rules, history, search) run when they are created.
// The batch's lookups answer from them (orgAbsent.made, aliased); the
// store is asked about organisations only once they are inserted
// (orgWriter.flushOrgs).
type orgHold struct {
	// own are the activity's rows, batch those of the batch's activities
	// that stand: an activity that fails takes its own with it.
	own, batch *newRows
	ids        *idPool
}

// idPool holds ids drawn from the organisations' and aliases' sequences
// before they are needed (PostgreSQL), both tables in one statement: a
// batch's new organisations are not known until its activities are
// matched. Each drawing takes twice the last, up to idsMax, so that a file
// naming few organisations leaves few ids unused. Ids drawn stay drawn
// when a transaction rolls back, so the pool serves every batch of an
// import; those left at its end are gaps in the sequences.
type idPool struct {
	ids  map[string][]int
	next int
}

// orgTables are the tables the pool draws ids for.
var orgTables = []string{organisation.Table, organisationalias.Table}

const (
	idsMin = 16
	idsMax = 512
)

// take is an id for a new row of table (organisations or their aliases).
func (p *idPool) take(ctx context.Context, c *ent.Client, table string) (int, error) {
	if len(p.ids[table]) == 0 {
		if err := p.draw(ctx, c); err != nil {
			return 0, err
		}
	}
	id := p.ids[table][0]
	p.ids[table] = p.ids[table][1:]
	return id, nil
}

func (p *idPool) draw(ctx context.Context, c *ent.Client) error {
	p.next = min(max(2*p.next, idsMin), idsMax)
	ids, err := reserveIDs(ctx, c, p.wanted(p.next))
	if err != nil {
		return fmt.Errorf("reserve organisation ids: %w", err)
	}
	p.add(ids)
	return nil
}

// wanted are the ids to draw for n organisations and as many aliases,
// less those held: drawn when the pool runs dry (draw) and with a batch's
// programmes' (batchCache.reserve).
func (p *idPool) wanted(n int) []tableCount {
	var counts []tableCount
	for _, t := range orgTables {
		if k := n - len(p.ids[t]); k > 0 {
			counts = append(counts, tableCount{t, k})
		}
	}
	return counts
}

// add holds ids drawn, those of the organisations' tables.
func (p *idPool) add(ids map[string][]int) {
	if p.ids == nil {
		p.ids = map[string][]int{}
	}
	for _, t := range orgTables {
		p.ids[t] = append(p.ids[t], ids[t]...)
	}
}

// holding says whether the activity holds organisations or aliases of
// its own: should it fail, the batch is written again.
func (w *orgWriter) holding() bool {
	return w.hold != nil && len(w.hold.own.orgs)+len(w.hold.own.aliases) > 0
}

// flushOrgs inserts the organisations and aliases held, the batch's then
// the activity's: before the store is asked about organisations, or a
// statement names or changes one.
func (w *orgWriter) flushOrgs(ctx context.Context) error {
	if w.hold == nil {
		return nil
	}
	if err := w.hold.batch.insertOrgs(ctx, w.c); err != nil {
		return err
	}
	return w.hold.own.insertOrgs(ctx, w.c)
}

// createOrg creates an organisation: held, with a reserved id, or at
// once. isID says it takes identifier id, which matching found no
// organisation holds: its rules need not ask again.
func (w *orgWriter) createOrg(ctx context.Context, b *ent.OrganisationCreate, isID bool, id, name string) (*ent.Organisation, error) {
	if isID {
		ctx = validate.IdentifierFree(ctx, id)
	}
	if w.hold == nil {
		w.absent.wrote(id, name)
		return b.Save(ctx)
	}
	oid, err := w.hold.ids.take(ctx, w.c, organisation.Table)
	if err != nil {
		return nil, err
	}
	o, spec, err := b.SaveHeld(ctx, oid)
	if err != nil {
		return nil, err
	}
	w.hold.own.orgs = append(w.hold.own.orgs, &heldRow{spec: spec})
	w.absent.made(o)
	return o, nil
}

// createAlias creates an alias of o: held, with a reserved id, or at once.
func (w *orgWriter) createAlias(ctx context.Context, b *ent.OrganisationAliasCreate, o *ent.Organisation, ref, name string) error {
	if w.hold == nil {
		w.absent.wrote(ref, name)
		return b.Exec(ctx)
	}
	id, err := w.hold.ids.take(ctx, w.c, organisationalias.Table)
	if err != nil {
		return err
	}
	al, spec, err := b.SaveHeld(ctx, id)
	if err != nil {
		return err
	}
	w.hold.own.aliases = append(w.hold.own.aliases, &heldRow{spec: spec})
	w.absent.aliased(al, o)
	return nil
}
