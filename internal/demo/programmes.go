package demo

import (
	"context"
	"fmt"

	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/programmecountry"
	"github.com/aidregistry/registry/ent/result"
)

func (l *loader) seedProgrammes(ctx context.Context) error {
	l.programmes = map[string]int{}
	for _, f := range programmeFacts {
		if err := l.seedProgramme(ctx, f); err != nil {
			return fmt.Errorf("seed programme %s: %w", f.Code, err)
		}
	}
	return nil
}

// seedProgramme ensures the programme, then what hangs from it.
func (l *loader) seedProgramme(ctx context.Context, f programmeFact) error {
	id, err := l.ensure(ctx,
		l.c.Programme.Query().Where(programme.CodeEQ(f.Code)).OnlyID,
		func(ctx context.Context) (int, error) { return l.createProgramme(ctx, f) })
	if err != nil {
		return err
	}
	l.programmes[f.Code] = id
	for _, p := range f.Participations {
		if err := l.seedParticipation(ctx, id, p); err != nil {
			return fmt.Errorf("participation %s %s: %w", p.Org, p.Role, err)
		}
	}
	for _, c := range f.Countries {
		if err := l.seedProgrammeCountry(ctx, id, c); err != nil {
			return fmt.Errorf("country %s %s: %w", c.Country, c.Role, err)
		}
	}
	for _, r := range f.Results {
		if err := l.seedResult(ctx, id, r); err != nil {
			return fmt.Errorf("result %q: %w", r.Indicator, err)
		}
	}
	for _, fu := range f.Fundings {
		if err := l.seedFunding(ctx, id, fu); err != nil {
			return fmt.Errorf("funding from %s: %w", fu.Funder, err)
		}
	}
	return nil
}

func (l *loader) createProgramme(ctx context.Context, f programmeFact) (int, error) {
	srcs, err := l.sourceIDs(f.Sources)
	if err != nil {
		return 0, err
	}
	parent, err := optionalID(l.programmes, "parent programme", f.Parent)
	if err != nil {
		return 0, err
	}
	p, err := l.c.Programme.Create().SetCode(f.Code).SetTitle(f.Title).
		SetNillableDescription(opt(f.Description)).SetNillableStatus(opt(f.Status)).
		SetNillableTheme(opt(f.Theme)).SetNillableStartDate(opt(f.Start)).SetNillableEndDate(opt(f.End)).
		SetNillableCoverage(opt(f.Coverage)).SetNillableRegion(opt(f.Region)).
		SetNillableBudgetAmount(optDecimal(f.Budget)).SetNillableBudgetCurrency(opt(f.Currency)).
		SetNillableParentID(parent).AddSourceIDs(srcs...).Save(ctx)
	if err != nil {
		return 0, err
	}
	return p.ID, nil
}

func (l *loader) seedParticipation(ctx context.Context, prog int, f participationFact) error {
	org, err := lookup(l.orgs, "organisation", f.Org)
	if err != nil {
		return err
	}
	_, err = l.ensure(ctx,
		l.c.Participation.Query().Where(participation.ProgrammeIDEQ(prog),
			participation.OrganisationIDEQ(org), participation.RoleEQ(f.Role)).OnlyID,
		func(ctx context.Context) (int, error) {
			srcs, err := l.sourceIDs(f.Sources)
			if err != nil {
				return 0, err
			}
			p, err := l.c.Participation.Create().SetProgrammeID(prog).SetOrganisationID(org).
				SetRole(f.Role).AddSourceIDs(srcs...).Save(ctx)
			if err != nil {
				return 0, err
			}
			return p.ID, nil
		})
	return err
}

// seedProgrammeCountry links the country and, on creation, its areas.
func (l *loader) seedProgrammeCountry(ctx context.Context, prog int, f countryFact) error {
	ctry, err := lookup(l.countries, "country", f.Country)
	if err != nil {
		return err
	}
	_, err = l.ensure(ctx,
		l.c.ProgrammeCountry.Query().Where(programmecountry.ProgrammeIDEQ(prog),
			programmecountry.CountryIDEQ(ctry), programmecountry.RoleEQ(f.Role)).OnlyID,
		func(ctx context.Context) (int, error) {
			srcs, err := l.sourceIDs(f.Sources)
			if err != nil {
				return 0, err
			}
			areas, err := lookupAll(l.areas, "area", f.Areas)
			if err != nil {
				return 0, err
			}
			pc, err := l.c.ProgrammeCountry.Create().SetProgrammeID(prog).SetCountryID(ctry).
				SetRole(f.Role).AddAreaIDs(areas...).AddSourceIDs(srcs...).Save(ctx)
			if err != nil {
				return 0, err
			}
			return pc.ID, nil
		})
	return err
}

func (l *loader) seedResult(ctx context.Context, prog int, f resultFact) error {
	_, err := l.ensure(ctx,
		l.c.Result.Query().Where(result.ProgrammeIDEQ(prog), result.IndicatorEQ(f.Indicator)).OnlyID,
		func(ctx context.Context) (int, error) {
			srcs, err := l.sourceIDs(f.Sources)
			if err != nil {
				return 0, err
			}
			r, err := l.c.Result.Create().SetProgrammeID(prog).SetIndicator(f.Indicator).
				SetNillableUnit(opt(f.Unit)).SetNillableTarget(opt(f.Target)).
				SetNillableAchieved(optDecimal(f.Achieved)).AddSourceIDs(srcs...).Save(ctx)
			if err != nil {
				return 0, err
			}
			return r.ID, nil
		})
	return err
}

// seedFunding: with no value or date in any source, a programme's funding
// is known by its funder alone.
func (l *loader) seedFunding(ctx context.Context, prog int, f fundingFact) error {
	funder, err := lookup(l.orgs, "organisation", f.Funder)
	if err != nil {
		return err
	}
	_, err = l.ensure(ctx,
		l.c.Funding.Query().Where(funding.ProgrammeIDEQ(prog), funding.FunderIDEQ(funder)).OnlyID,
		func(ctx context.Context) (int, error) {
			srcs, err := l.sourceIDs(f.Sources)
			if err != nil {
				return 0, err
			}
			fu, err := l.c.Funding.Create().SetProgrammeID(prog).SetFunderID(funder).
				SetNillableNote(opt(f.Note)).AddSourceIDs(srcs...).Save(ctx)
			if err != nil {
				return 0, err
			}
			return fu.ID, nil
		})
	return err
}
