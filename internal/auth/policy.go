package auth

import (
	"context"
	"fmt"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/agreement"
	"github.com/aidregistry/registry/ent/agreementparty"
	"github.com/aidregistry/registry/ent/event"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/internal/apperr"
)

// Hook is the one place that decides who may write what. It runs on every
// ent mutation, whatever path it comes from (GraphQL, import, tools):
//   - the registry's own writes (AsSystem) and admins may change anything;
//   - without a key nothing is written (UNAUTHENTICATED);
//   - an editor changes only its organisation's records: the organisation
//     itself with its offices and contacts, programmes where it holds an
//     ACCOUNTABLE or IMPLEMENTING participation or that it created (and their
//     participations, countries, results and contacts), the fundings it
//     gives, the agreements it is party to or created, the events it
//     organises or created, and the sources it created. Countries and areas
//     are reference data: admins only.
//
// On create it also records the creating organisation (created_by).
func Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if m.Type() == "Change" || IsSystem(ctx) {
				return next.Mutate(ctx, m)
			}
			actor, ok := ActorFrom(ctx)
			if !ok {
				return nil, apperr.Errorf(apperr.Unauthenticated, "writing needs an API key (Authorization: Bearer KEY)")
			}
			if m.Type() == "APIKey" && actor.Role != Admin {
				return nil, apperr.Errorf(apperr.Forbidden, "only an admin key manages keys")
			}
			if m.Op().Is(ent.OpCreate) {
				_ = m.SetField("created_by", actor.OrganisationID) // types without the field ignore it
			}
			if actor.Role == Admin {
				return next.Mutate(ctx, m)
			}
			if err := editorMay(ctx, m, actor.OrganisationID); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}
}

// editorMay checks one mutation against the editor rules.
func editorMay(ctx context.Context, m ent.Mutation, org int) error {
	client := clientOf(m)
	ids, err := targetIDs(ctx, m)
	if err != nil {
		return err
	}
	g := guard{ctx: ctx, c: client, org: org}
	var allowed bool
	switch m := m.(type) {
	case *ent.OrganisationMutation:
		allowed = !m.Op().Is(ent.OpCreate) && all(ids, func(id int) bool { return id == org })
	case *ent.PresenceMutation:
		allowed = all(ids, g.presenceOrg) && all(m.OrganisationIDs(), g.isOrg)
	case *ent.ContactMutation:
		allowed = all(ids, g.contactOwned) && all(m.OrganisationIDs(), g.isOrg) && all(m.ProgrammeIDs(), g.programme)
	case *ent.ProgrammeMutation:
		allowed = all(ids, g.programme)
	case *ent.ParticipationMutation:
		allowed = all(ids, g.participationProgramme) && all(m.ProgrammeIDs(), g.programme)
	case *ent.ProgrammeCountryMutation:
		allowed = all(ids, g.countryRowProgramme) && all(m.ProgrammeIDs(), g.programme)
	case *ent.ResultMutation:
		allowed = all(ids, g.resultProgramme) && all(m.ProgrammeIDs(), g.programme)
	case *ent.FundingMutation:
		allowed = all(ids, g.fundingGiven) && all(m.FunderIDs(), g.isOrg) && (!m.Op().Is(ent.OpCreate) || len(m.FunderIDs()) == 1)
	case *ent.AgreementMutation:
		allowed = all(ids, g.agreement)
	case *ent.AgreementPartyMutation:
		allowed = all(ids, g.partyAgreement) && all(m.AgreementIDs(), g.agreement)
	case *ent.EventMutation:
		allowed = all(ids, g.event)
	case *ent.SourceMutation:
		allowed = all(ids, g.createdByOrg(func(id int) (*int, error) {
			s, err := g.c.Source.Get(ctx, id)
			if err != nil {
				return nil, err
			}
			return s.CreatedBy, nil
		}))
	default: // Country, Area, APIKey
		allowed = false
	}
	if g.err != nil {
		return g.err
	}
	if !allowed {
		return apperr.Errorf(apperr.Forbidden, "this key's organisation may not %s this %s", opVerb(m.Op()), m.Type())
	}
	return nil
}

// guard evaluates ownership rules, keeping the first storage error.
type guard struct {
	ctx context.Context
	c   *ent.Client
	org int
	err error
}

func (g *guard) fail(err error) bool {
	if g.err == nil && err != nil && !ent.IsNotFound(err) {
		g.err = fmt.Errorf("check permission: %w", err)
	}
	return false
}

func (g *guard) isOrg(id int) bool { return id == g.org }

func (g *guard) programme(id int) bool {
	p, err := g.c.Programme.Get(g.ctx, id)
	if err != nil {
		return g.fail(err)
	}
	if p.CreatedBy != nil && *p.CreatedBy == g.org {
		return true
	}
	ok, err := g.c.Participation.Query().Where(
		participation.ProgrammeID(id),
		participation.OrganisationID(g.org),
		participation.RoleIn(participation.RoleACCOUNTABLE, participation.RoleIMPLEMENTING),
	).Exist(g.ctx)
	if err != nil {
		return g.fail(err)
	}
	return ok
}

func (g *guard) agreement(id int) bool {
	a, err := g.c.Agreement.Get(g.ctx, id)
	if err != nil {
		return g.fail(err)
	}
	if a.CreatedBy != nil && *a.CreatedBy == g.org {
		return true
	}
	ok, err := g.c.AgreementParty.Query().Where(
		agreementparty.HasAgreementWith(agreement.ID(id)),
		agreementparty.HasOrganisationWith(organisation.ID(g.org)),
	).Exist(g.ctx)
	if err != nil {
		return g.fail(err)
	}
	return ok
}

func (g *guard) event(id int) bool {
	e, err := g.c.Event.Get(g.ctx, id)
	if err != nil {
		return g.fail(err)
	}
	if e.CreatedBy != nil && *e.CreatedBy == g.org {
		return true
	}
	ok, err := g.c.Event.Query().Where(event.ID(id), event.HasOrganisersWith(organisation.ID(g.org))).Exist(g.ctx)
	if err != nil {
		return g.fail(err)
	}
	return ok
}

func (g *guard) presenceOrg(id int) bool {
	oid, err := g.c.Presence.Query().Where(presenceID(id)).QueryOrganisation().OnlyID(g.ctx)
	if err != nil {
		return g.fail(err)
	}
	return oid == g.org
}

func (g *guard) contactOwned(id int) bool {
	c, err := g.c.Contact.Query().Where(contactID(id)).WithOrganisation().WithProgramme().Only(g.ctx)
	if err != nil {
		return g.fail(err)
	}
	if o := c.Edges.Organisation; o != nil && o.ID == g.org {
		return true
	}
	if p := c.Edges.Programme; p != nil {
		return g.programme(p.ID)
	}
	return c.CreatedBy != nil && *c.CreatedBy == g.org
}

func (g *guard) participationProgramme(id int) bool {
	p, err := g.c.Participation.Get(g.ctx, id)
	if err != nil {
		return g.fail(err)
	}
	return g.programme(p.ProgrammeID)
}

func (g *guard) countryRowProgramme(id int) bool {
	p, err := g.c.ProgrammeCountry.Get(g.ctx, id)
	if err != nil {
		return g.fail(err)
	}
	return g.programme(p.ProgrammeID)
}

func (g *guard) resultProgramme(id int) bool {
	r, err := g.c.Result.Get(g.ctx, id)
	if err != nil {
		return g.fail(err)
	}
	return g.programme(r.ProgrammeID)
}

func (g *guard) fundingGiven(id int) bool {
	f, err := g.c.Funding.Get(g.ctx, id)
	if err != nil {
		return g.fail(err)
	}
	return f.FunderID != nil && *f.FunderID == g.org
}

func (g *guard) partyAgreement(id int) bool {
	aid, err := g.c.AgreementParty.Query().Where(partyID(id)).QueryAgreement().OnlyID(g.ctx)
	if err != nil {
		return g.fail(err)
	}
	return g.agreement(aid)
}

func (g *guard) createdByOrg(createdBy func(int) (*int, error)) func(int) bool {
	return func(id int) bool {
		by, err := createdBy(id)
		if err != nil {
			return g.fail(err)
		}
		return by != nil && *by == g.org
	}
}

// all checks a rule against every id: the existing records a mutation
// touches (none for a create), or the references it sets (a new parent).
func all(ids []int, rule func(int) bool) bool {
	for _, id := range ids {
		if !rule(id) {
			return false
		}
	}
	return true
}

func opVerb(op ent.Op) string {
	switch {
	case op.Is(ent.OpCreate):
		return "create"
	case op.Is(ent.OpDelete) || op.Is(ent.OpDeleteOne):
		return "delete"
	}
	return "change"
}
