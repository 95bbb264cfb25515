package demo

import (
	"context"
	"fmt"

	"github.com/aidregistry/registry/ent/agreement"
	"github.com/aidregistry/registry/ent/agreementparty"
	"github.com/aidregistry/registry/ent/area"
	"github.com/aidregistry/registry/ent/contact"
	"github.com/aidregistry/registry/ent/country"
	"github.com/aidregistry/registry/ent/event"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/presence"
	"github.com/aidregistry/registry/ent/source"
)

func (l *loader) seedSources(ctx context.Context) error {
	l.sources = map[string]int{}
	for _, f := range sourceFacts {
		id, err := l.ensure(ctx,
			l.c.Source.Query().Where(source.FileNameEQ(f.File)).OnlyID,
			func(ctx context.Context) (int, error) {
				s, err := l.c.Source.Create().SetTitle(f.Title).SetFileName(f.File).
					SetPublisher(f.Publisher).Save(ctx)
				if err != nil {
					return 0, err
				}
				return s.ID, nil
			})
		if err != nil {
			return fmt.Errorf("seed source %s: %w", f.File, err)
		}
		l.sources[f.File] = id
	}
	return nil
}

func (l *loader) seedOrganisations(ctx context.Context) error {
	l.orgs = map[string]int{}
	for _, f := range orgFacts {
		id, err := l.ensure(ctx,
			l.c.Organisation.Query().Where(organisation.NameEQ(f.Name)).OnlyID,
			func(ctx context.Context) (int, error) { return l.createOrganisation(ctx, f) })
		if err != nil {
			return fmt.Errorf("seed organisation %s: %w", f.Name, err)
		}
		l.orgs[f.Name] = id
	}
	return nil
}

func (l *loader) createOrganisation(ctx context.Context, f orgFact) (int, error) {
	srcs, err := l.sourceIDs(f.Sources)
	if err != nil {
		return 0, err
	}
	hq, err := optionalID(l.countries, "country", f.HQ)
	if err != nil {
		return 0, err
	}
	o, err := l.c.Organisation.Create().SetName(f.Name).SetNillableAcronym(opt(f.Acronym)).
		SetKind(f.Kind).SetNillableHeadquartersID(hq).AddSourceIDs(srcs...).Save(ctx)
	if err != nil {
		return 0, err
	}
	return o.ID, nil
}

func (l *loader) seedPresences(ctx context.Context) error {
	for _, f := range presenceFacts {
		if err := l.seedPresence(ctx, f); err != nil {
			return fmt.Errorf("seed presence %s in %s: %w", f.Org, f.Country, err)
		}
	}
	return nil
}

func (l *loader) seedPresence(ctx context.Context, f presenceFact) error {
	org, err := lookup(l.orgs, "organisation", f.Org)
	if err != nil {
		return err
	}
	ctry, err := lookup(l.countries, "country", f.Country)
	if err != nil {
		return err
	}
	_, err = l.ensure(ctx,
		l.c.Presence.Query().Where(
			presence.HasOrganisationWith(organisation.ID(org)),
			presence.HasCountryWith(country.ID(ctry)),
		).OnlyID,
		func(ctx context.Context) (int, error) {
			srcs, err := l.sourceIDs(f.Sources)
			if err != nil {
				return 0, err
			}
			p, err := l.c.Presence.Create().SetOrganisationID(org).SetCountryID(ctry).
				SetNillableOpenedIn(opt(f.OpenedIn)).AddSourceIDs(srcs...).Save(ctx)
			if err != nil {
				return 0, err
			}
			return p.ID, nil
		})
	return err
}

func (l *loader) seedAreas(ctx context.Context) error {
	l.areas = map[string]int{}
	for _, f := range areaFacts {
		id, err := l.seedArea(ctx, f)
		if err != nil {
			return fmt.Errorf("seed area %s: %w", f.Name, err)
		}
		l.areas[f.Name] = id
	}
	return nil
}

func (l *loader) seedArea(ctx context.Context, f areaFact) (int, error) {
	ctry, err := lookup(l.countries, "country", f.Country)
	if err != nil {
		return 0, err
	}
	return l.ensure(ctx,
		l.c.Area.Query().Where(area.CountryIDEQ(ctry), area.NameEQ(f.Name)).OnlyID,
		func(ctx context.Context) (int, error) {
			srcs, err := l.sourceIDs(f.Sources)
			if err != nil {
				return 0, err
			}
			a, err := l.c.Area.Create().SetCountryID(ctry).SetName(f.Name).
				AddSourceIDs(srcs...).Save(ctx)
			if err != nil {
				return 0, err
			}
			return a.ID, nil
		})
}

func (l *loader) seedContacts(ctx context.Context) error {
	for _, f := range contactFacts {
		_, err := l.ensure(ctx,
			l.c.Contact.Query().Where(contact.EmailEQ(f.Email)).OnlyID,
			func(ctx context.Context) (int, error) { return l.createContact(ctx, f) })
		if err != nil {
			return fmt.Errorf("seed contact %s: %w", f.Email, err)
		}
	}
	return nil
}

func (l *loader) createContact(ctx context.Context, f contactFact) (int, error) {
	srcs, err := l.sourceIDs(f.Sources)
	if err != nil {
		return 0, err
	}
	org, err := optionalID(l.orgs, "organisation", f.Org)
	if err != nil {
		return 0, err
	}
	prog, err := optionalID(l.programmes, "programme", f.Programme)
	if err != nil {
		return 0, err
	}
	c, err := l.c.Contact.Create().SetEmail(f.Email).SetNillableName(opt(f.Name)).
		SetNillablePhone(opt(f.Phone)).SetNillableOffice(opt(f.Office)).
		SetNillableOrganisationID(org).SetNillableProgrammeID(prog).
		AddSourceIDs(srcs...).Save(ctx)
	if err != nil {
		return 0, err
	}
	return c.ID, nil
}

func (l *loader) seedAgreements(ctx context.Context) error {
	l.agreements = map[string]int{}
	for _, f := range agreementFacts {
		id, err := l.ensure(ctx,
			l.c.Agreement.Query().Where(agreement.TitleEQ(f.Title)).OnlyID,
			func(ctx context.Context) (int, error) {
				srcs, err := l.sourceIDs(f.Sources)
				if err != nil {
					return 0, err
				}
				a, err := l.c.Agreement.Create().SetTitle(f.Title).SetKind(f.Kind).
					SetNillablePlace(opt(f.Place)).SetNillableSummary(opt(f.Summary)).
					AddSourceIDs(srcs...).Save(ctx)
				if err != nil {
					return 0, err
				}
				return a.ID, nil
			})
		if err != nil {
			return fmt.Errorf("seed agreement %s: %w", f.Title, err)
		}
		l.agreements[f.Title] = id
		for _, p := range f.Parties {
			if err := l.seedParty(ctx, id, p); err != nil {
				return fmt.Errorf("seed agreement %s party %s: %w", f.Title, p.Org, err)
			}
		}
	}
	return nil
}

func (l *loader) seedParty(ctx context.Context, agreementID int, f partyFact) error {
	org, err := lookup(l.orgs, "organisation", f.Org)
	if err != nil {
		return err
	}
	_, err = l.ensure(ctx,
		l.c.AgreementParty.Query().Where(
			agreementparty.HasAgreementWith(agreement.ID(agreementID)),
			agreementparty.HasOrganisationWith(organisation.ID(org)),
		).OnlyID,
		func(ctx context.Context) (int, error) {
			srcs, err := l.sourceIDs(f.Sources)
			if err != nil {
				return 0, err
			}
			p, err := l.c.AgreementParty.Create().SetAgreementID(agreementID).SetOrganisationID(org).
				SetNillableSignatoryName(opt(f.SignatoryName)).SetNillableSignatoryTitle(opt(f.SignatoryTitle)).
				AddSourceIDs(srcs...).Save(ctx)
			if err != nil {
				return 0, err
			}
			return p.ID, nil
		})
	return err
}

func (l *loader) seedEvents(ctx context.Context) error {
	for _, f := range eventFacts {
		_, err := l.ensure(ctx,
			l.c.Event.Query().Where(event.TitleEQ(f.Title)).OnlyID,
			func(ctx context.Context) (int, error) { return l.createEvent(ctx, f) })
		if err != nil {
			return fmt.Errorf("seed event %s: %w", f.Title, err)
		}
	}
	return nil
}

func (l *loader) createEvent(ctx context.Context, f eventFact) (int, error) {
	srcs, err := l.sourceIDs(f.Sources)
	if err != nil {
		return 0, err
	}
	prog, err := optionalID(l.programmes, "programme", f.Programme)
	if err != nil {
		return 0, err
	}
	organisers, err := lookupAll(l.orgs, "organisation", f.Organisers)
	if err != nil {
		return 0, err
	}
	participants, err := lookupAll(l.orgs, "organisation", f.Participants)
	if err != nil {
		return 0, err
	}
	e, err := l.c.Event.Create().SetTitle(f.Title).SetNillablePlace(opt(f.Place)).
		SetNillableSummary(opt(f.Summary)).SetNillableProgrammeID(prog).
		AddOrganiserIDs(organisers...).AddParticipantIDs(participants...).
		AddSourceIDs(srcs...).Save(ctx)
	if err != nil {
		return 0, err
	}
	return e.ID, nil
}
