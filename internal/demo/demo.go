// Package demo loads the demo dataset: the organisations, programmes,
// agreements and events described by the five source documents in
// shared/seeds/, each record citing the documents it was read from.
package demo

import (
	"context"
	"fmt"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/countries"
	"github.com/aidregistry/registry/internal/money"

	"github.com/aidregistry/registry/internal/auth"
)

// Stats counts the demo records Seed created and those it found already
// there. ISO 3166-1 countries, which Seed also makes sure of, are not counted.
type Stats struct{ Created, Existing int }

// Seed loads the demo dataset. Loading it twice changes nothing: every
// record is found by a natural key (source file name, organisation name,
// programme code, agreement title, event title, ...) and created only when missing;
// nothing is updated, so updatedAt does not move on a second run.
// Everything runs in one transaction: on error nothing is loaded.
func Seed(ctx context.Context, client *ent.Client) (Stats, error) {
	ctx = auth.AsSystem(ctx) // the registry's own data: written without a key, still recorded in history
	tx, err := client.Tx(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("seed: begin transaction: %w", err)
	}
	l := &loader{c: tx.Client()}
	if err := l.run(ctx); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			err = fmt.Errorf("%w (rollback: %v)", err, rerr)
		}
		return Stats{}, err
	}
	if err := tx.Commit(); err != nil {
		return Stats{}, fmt.Errorf("seed: commit: %w", err)
	}
	return l.stats, nil
}

// loader holds the transaction's client and the ids of what it has seeded,
// by natural key, for later tables to refer to.
type loader struct {
	c          *ent.Client
	stats      Stats
	countries  map[string]int // ISO 3166-1 alpha-2
	sources    map[string]int // file name
	orgs       map[string]int // organisation name
	areas      map[string]int // area name (all demo areas are in Somalia)
	programmes map[string]int // programme code
	agreements map[string]int // title
}

func (l *loader) run(ctx context.Context) error {
	steps := []func(context.Context) error{
		l.loadCountries, l.seedSources, l.seedOrganisations, l.seedPresences,
		l.seedAreas, l.seedProgrammes, l.seedContacts, l.seedAgreements, l.seedEvents,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) loadCountries(ctx context.Context) error {
	if err := countries.Load(ctx, l.c); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	ids, err := countries.IDsByISO2(ctx, l.c)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	l.countries = ids
	return nil
}

// ensure returns the id find finds, or creates the record when find reports
// it missing, and counts which of the two happened.
func (l *loader) ensure(ctx context.Context, find, create func(context.Context) (int, error)) (int, error) {
	id, err := find(ctx)
	if err == nil {
		l.stats.Existing++
		return id, nil
	}
	if !ent.IsNotFound(err) {
		return 0, err
	}
	if id, err = create(ctx); err != nil {
		return 0, err
	}
	l.stats.Created++
	return id, nil
}

// lookup resolves a natural key a table refers to; a typo in the tables is
// an error, never a silent zero id.
func lookup(ids map[string]int, kind, key string) (int, error) {
	id, ok := ids[key]
	if !ok {
		return 0, fmt.Errorf("unknown %s %q", kind, key)
	}
	return id, nil
}

// lookupAll resolves several keys of one kind.
func lookupAll(ids map[string]int, kind string, keys []string) ([]int, error) {
	out := make([]int, len(keys))
	for i, k := range keys {
		id, err := lookup(ids, kind, k)
		if err != nil {
			return nil, err
		}
		out[i] = id
	}
	return out, nil
}

// sourceIDs resolves the documents a fact cites; every fact cites one.
func (l *loader) sourceIDs(files []string) ([]int, error) {
	if len(files) == 0 {
		return nil, fmt.Errorf("fact cites no source")
	}
	return lookupAll(l.sources, "source", files)
}

// optionalID resolves a key that may be empty (no such edge).
func optionalID(ids map[string]int, kind, key string) (*int, error) {
	if key == "" {
		return nil, nil
	}
	id, err := lookup(ids, kind, key)
	return &id, err
}

// opt is nil for a zero value: a fact the source leaves out stays null.
func opt[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// optDecimal parses an exact amount from the tables; empty means none.
func optDecimal(s string) *money.Decimal {
	if s == "" {
		return nil
	}
	d := money.MustParse(s)
	return &d
}
