// Package validate checks every write against the registry's rules before
// anything is stored: amounts exact and in their currency's minor digits,
// signs that fit the kind of money, dates in order, shares within 100,
// no programme its own ancestor, unique codes, and no delete of a record
// others still point to. Each refusal names the input field.
package validate

import (
	"context"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/apperr"
)

// Hook runs the rules for each mutation.
func Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if err := check(ctx, m); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}
}

func check(ctx context.Context, m ent.Mutation) error {
	if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
		return notReferenced(ctx, m)
	}
	switch m := m.(type) {
	case *ent.ProgrammeMutation:
		return checkProgramme(ctx, m)
	case *ent.FundingMutation:
		return checkFunding(ctx, m)
	case *ent.ProgrammeCountryMutation:
		return checkShare(ctx, m)
	case *ent.OrganisationMutation:
		return checkOrganisation(ctx, m)
	case *ent.AgreementMutation:
		return checkAgreement(ctx, m)
	case *ent.EventMutation:
		return checkEvent(ctx, m)
	case *ent.CountryMutation:
		return checkCountry(m)
	}
	return nil
}

func invalid(field, format string, args ...any) error {
	e := apperr.Errorf(apperr.BadUserInput, format, args...)
	e.Field = field
	return e
}

func conflict(field, format string, args ...any) error {
	e := apperr.Errorf(apperr.Conflict, format, args...)
	e.Field = field
	return e
}

// isUpdateOne reports whether old values can be read (ent offers them only
// when one record is updated).
func isUpdateOne(m ent.Mutation) bool { return m.Op().Is(ent.OpUpdateOne) }
