package analytics

import (
	"errors"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/country"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/programmecountry"
)

// ent writes an edge filter (hasProgrammeWith: [{hasCountriesWith:
// [{hasCountryWith: …}]}]) as one correlated EXISTS per step. PostgreSQL
// turns that chain into semi-joins that still visit the programmes table
// once per programme, only to find the id it started from. fundingEdges
// writes the same filter as uncorrelated id sets, read from the table that
// holds the link: the programmes of a funding come from programme_countries
// alone when the programme condition is nothing but hasCountriesWith (its
// foreign key makes every programme_id there a programme), and a country
// condition becomes country_id IN (the matching countries).
//
// The sets are exact rewrites: every link column on the way is NOT NULL
// and the filter is a conjunction, so x IN (set) holds exactly when the
// EXISTS does. Only the positive conjuncts at the top are rewritten; the
// rest of the input stays ent's predicate.

// fundingEdges is the where input's predicate with its hasProgrammeWith
// conditions as id sets, or nil when it has none (or a part of it does not
// build: the caller then keeps ent's predicate, which reports the error).
func fundingEdges(d string, w *ent.FundingWhereInput) func(*entsql.Selector) {
	if w == nil || len(w.HasProgrammeWith) == 0 {
		return nil
	}
	rest := *w
	rest.HasProgrammeWith = nil
	residual, ok := where(rest.P, ent.ErrEmptyFundingWhereInput)
	if !ok {
		return nil
	}
	// Each item is a condition on the one programme of the funding, so
	// one set per item, all of which must hold.
	sets := make([]*entsql.Selector, 0, len(w.HasProgrammeWith))
	for _, item := range w.HasProgrammeWith {
		set := programmeSet(d, item)
		if set == nil {
			return nil
		}
		sets = append(sets, set)
	}
	return func(s *entsql.Selector) {
		for _, set := range sets {
			s.Where(entsql.In(s.C(funding.FieldProgrammeID), set))
		}
		if residual != nil {
			residual(s)
		}
	}
}

// where runs an input's P: the predicate, nil when the input is empty,
// and false when it does not build.
func where[P ~func(*entsql.Selector)](p func() (P, error), empty error) (func(*entsql.Selector), bool) {
	pred, err := p()
	switch {
	case errors.Is(err, empty):
		return nil, true
	case err != nil:
		return nil, false
	}
	return (func(*entsql.Selector))(pred), true
}

// programmeSet is the ids of the programmes matching w.
func programmeSet(d string, w *ent.ProgrammeWhereInput) *entsql.Selector {
	if w == nil {
		return nil
	}
	rest := *w
	rest.HasCountriesWith = nil
	residual, ok := where(rest.P, ent.ErrEmptyProgrammeWhereInput)
	if !ok {
		return nil
	}
	var countries *entsql.Selector
	if len(w.HasCountriesWith) > 0 {
		if countries = programmeCountrySet(d, w.HasCountriesWith); countries == nil {
			return nil
		}
		if residual == nil {
			return countries
		}
	}
	if residual == nil {
		return nil // an empty condition: ent refuses it
	}
	sel := entsql.Dialect(d).Select(programme.FieldID).From(entsql.Table(programme.Table))
	residual(sel)
	if countries != nil {
		sel.Where(entsql.In(sel.C(programme.FieldID), countries))
	}
	return sel
}

// programmeCountrySet is the programme ids of the programme_countries rows
// matching every item (ent applies them all to one row).
func programmeCountrySet(d string, items []*ent.ProgrammeCountryWhereInput) *entsql.Selector {
	sel := entsql.Dialect(d).Select(programmecountry.FieldProgrammeID).From(entsql.Table(programmecountry.Table))
	for _, w := range items {
		if w == nil {
			return nil
		}
		rest := *w
		rest.HasCountryWith = nil
		residual, ok := where(rest.P, ent.ErrEmptyProgrammeCountryWhereInput)
		if !ok || (residual == nil && len(w.HasCountryWith) == 0) {
			return nil
		}
		if residual != nil {
			residual(sel)
		}
		if len(w.HasCountryWith) > 0 {
			countries := countrySet(d, w.HasCountryWith)
			if countries == nil {
				return nil
			}
			sel.Where(entsql.In(sel.C(programmecountry.FieldCountryID), countries))
		}
	}
	return sel
}

// countrySet is the ids of the countries matching every item.
func countrySet(d string, items []*ent.CountryWhereInput) *entsql.Selector {
	sel := entsql.Dialect(d).Select(country.FieldID).From(entsql.Table(country.Table))
	for _, w := range items {
		if w == nil {
			return nil
		}
		pred, ok := where(w.P, ent.ErrEmptyCountryWhereInput)
		if !ok || pred == nil {
			return nil
		}
		pred(sel)
	}
	return sel
}
