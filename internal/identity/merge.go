package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/agreementparty"
	"github.com/aidregistry/registry/ent/contact"
	"github.com/aidregistry/registry/ent/event"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/organisationalias"
	"github.com/aidregistry/registry/ent/organisationmerge"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/ent/presence"
	"github.com/aidregistry/registry/ent/source"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/audit"
	"github.com/aidregistry/registry/internal/auth"
)

// mayCurate: merging and splitting are for admins (and the registry's own
// tools); an editor is FORBIDDEN, no key UNAUTHENTICATED.
func mayCurate(ctx context.Context, what string) error {
	if auth.IsSystem(ctx) {
		return nil
	}
	a, ok := auth.ActorFrom(ctx)
	if !ok {
		return apperr.Errorf(apperr.Unauthenticated, "%s needs an API key (Authorization: Bearer KEY)", what)
	}
	if a.Role != auth.Admin {
		return apperr.Errorf(apperr.Forbidden, "only an admin key may %s", what)
	}
	return nil
}

// moved is what a merge moved, by link, as the merge record keeps it.
type moved struct {
	Participations   []int `json:"participations,omitempty"`
	FundingsGiven    []int `json:"fundingsGiven,omitempty"`
	FundingsReceived []int `json:"fundingsReceived,omitempty"`
	AgreementParties []int `json:"agreementParties,omitempty"`
	Presences        []int `json:"presences,omitempty"`
	Contacts         []int `json:"contacts,omitempty"`
	Aliases          []int `json:"aliases,omitempty"`
	Children         []int `json:"children,omitempty"`
	// Sources and events linked to the survivor by the merge (they stay
	// linked to the merged organisation too).
	Sources         []int `json:"sources,omitempty"`
	EventsOrganised []int `json:"eventsOrganised,omitempty"`
	EventsAttended  []int `json:"eventsAttended,omitempty"`
	// Participations the survivor already held (same programme and role):
	// deleted, and recreated by a split.
	Dropped []droppedParticipation `json:"dropped,omitempty"`
	// Fields of the survivor the merge filled from the merged one.
	Filled []string `json:"filled,omitempty"`
}

type droppedParticipation struct {
	Programme int    `json:"programme"`
	Role      string `json:"role"`
}

func (m moved) asMap() (map[string]any, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(raw, &out)
}

func movedOf(m map[string]any) (moved, error) {
	var out moved
	raw, err := json.Marshal(m)
	if err != nil {
		return out, err
	}
	return out, json.Unmarshal(raw, &out)
}

// Merge merges the organisations from into into, on c (the caller's
// transaction: a merge is all or nothing). See mergeOrganisations in
// graph/identity.graphql for what moves.
func Merge(ctx context.Context, c *ent.Client, into int, from []int) (*ent.Organisation, error) {
	if err := mayCurate(ctx, "merge organisations"); err != nil {
		return nil, err
	}
	if len(from) == 0 {
		return nil, fieldErr("from", apperr.BadUserInput, "from names no organisation to merge")
	}
	target, err := c.Organisation.Get(ctx, into)
	if err != nil {
		return nil, notFound(err, "into", into)
	}
	if target.MergedIntoID != nil {
		return nil, fieldErr("into", apperr.BadUserInput, "organisation %d was itself merged into another; merge into that one", into)
	}
	for _, f := range from {
		if f == into || count(from, f) > 1 {
			return nil, fieldErr("from", apperr.BadUserInput, "from must name other organisations than into, each once")
		}
		if err := mergeOne(ctx, c, target, f); err != nil {
			return nil, err
		}
		if target, err = c.Organisation.Get(ctx, into); err != nil {
			return nil, err
		}
	}
	return target, nil
}

func notFound(err error, field string, id int) error {
	if ent.IsNotFound(err) {
		return fieldErr(field, apperr.NotFound, "no organisation has the id given as %s", field)
	}
	return err
}

func mergeOne(ctx context.Context, c *ent.Client, into *ent.Organisation, fromID int) error {
	from, err := c.Organisation.Get(ctx, fromID)
	if err != nil {
		return notFound(err, "from", fromID)
	}
	if from.MergedIntoID != nil {
		return fieldErr("from", apperr.BadUserInput, "organisation %d is already merged into another", fromID)
	}
	before, err := audit.Fields(from)
	if err != nil {
		return err
	}
	var mv moved
	// The merge record first, so the aliases it adds can point at it.
	rec, err := c.OrganisationMerge.Create().SetIntoID(into.ID).SetFromID(from.ID).SetBefore(before).Save(ctx)
	if err != nil {
		return err
	}
	// Participations: one per programme and role; the survivor's wins.
	parts, err := c.Participation.Query().Where(participation.OrganisationID(from.ID)).All(ctx)
	if err != nil {
		return err
	}
	for _, p := range parts {
		held, err := c.Participation.Query().Where(participation.OrganisationID(into.ID),
			participation.ProgrammeID(p.ProgrammeID), participation.RoleEQ(p.Role)).Exist(ctx)
		if err != nil {
			return err
		}
		if held {
			mv.Dropped = append(mv.Dropped, droppedParticipation{Programme: p.ProgrammeID, Role: string(p.Role)})
			if err := c.Participation.DeleteOneID(p.ID).Exec(ctx); err != nil {
				return err
			}
			continue
		}
		if err := c.Participation.UpdateOneID(p.ID).SetOrganisationID(into.ID).Exec(ctx); err != nil {
			return err
		}
		mv.Participations = append(mv.Participations, p.ID)
	}
	if mv.FundingsGiven, err = c.Funding.Query().Where(funding.FunderID(from.ID)).IDs(ctx); err != nil {
		return err
	}
	if err := c.Funding.Update().Where(funding.IDIn(mv.FundingsGiven...)).SetFunderID(into.ID).Exec(ctx); err != nil {
		return err
	}
	if mv.FundingsReceived, err = c.Funding.Query().Where(funding.RecipientID(from.ID)).IDs(ctx); err != nil {
		return err
	}
	if err := c.Funding.Update().Where(funding.IDIn(mv.FundingsReceived...)).SetRecipientID(into.ID).Exec(ctx); err != nil {
		return err
	}
	if mv.AgreementParties, err = c.AgreementParty.Query().Where(agreementparty.HasOrganisationWith(organisation.ID(from.ID))).IDs(ctx); err != nil {
		return err
	}
	if err := c.AgreementParty.Update().Where(agreementparty.IDIn(mv.AgreementParties...)).SetOrganisationID(into.ID).Exec(ctx); err != nil {
		return err
	}
	if mv.Presences, err = c.Presence.Query().Where(presence.HasOrganisationWith(organisation.ID(from.ID))).IDs(ctx); err != nil {
		return err
	}
	if err := c.Presence.Update().Where(presence.IDIn(mv.Presences...)).SetOrganisationID(into.ID).Exec(ctx); err != nil {
		return err
	}
	if mv.Contacts, err = c.Contact.Query().Where(contact.HasOrganisationWith(organisation.ID(from.ID))).IDs(ctx); err != nil {
		return err
	}
	if err := c.Contact.Update().Where(contact.IDIn(mv.Contacts...)).SetOrganisationID(into.ID).Exec(ctx); err != nil {
		return err
	}
	if mv.Aliases, err = c.OrganisationAlias.Query().Where(organisationalias.OrganisationID(from.ID)).IDs(ctx); err != nil {
		return err
	}
	if err := c.OrganisationAlias.Update().Where(organisationalias.IDIn(mv.Aliases...)).SetOrganisationID(into.ID).Exec(ctx); err != nil {
		return err
	}
	if mv.Children, err = c.Organisation.Query().Where(organisation.ParentID(from.ID), organisation.IDNEQ(into.ID)).IDs(ctx); err != nil {
		return err
	}
	if err := c.Organisation.Update().Where(organisation.IDIn(mv.Children...)).SetParentID(into.ID).Exec(ctx); err != nil {
		return err
	}
	// Many-to-many links: the survivor gains the ones it lacked.
	if mv.Sources, err = c.Source.Query().Where(source.HasOrganisationsWith(organisation.ID(from.ID)),
		source.Not(source.HasOrganisationsWith(organisation.ID(into.ID)))).IDs(ctx); err != nil {
		return err
	}
	if mv.EventsOrganised, err = c.Event.Query().Where(event.HasOrganisersWith(organisation.ID(from.ID)),
		event.Not(event.HasOrganisersWith(organisation.ID(into.ID)))).IDs(ctx); err != nil {
		return err
	}
	if mv.EventsAttended, err = c.Event.Query().Where(event.HasParticipantsWith(organisation.ID(from.ID)),
		event.Not(event.HasParticipantsWith(organisation.ID(into.ID)))).IDs(ctx); err != nil {
		return err
	}
	// The merged organisation steps aside: its identifier is freed for
	// the alias, and it points at the survivor.
	if err := c.Organisation.UpdateOneID(from.ID).ClearIatiRef().SetMergedIntoID(into.ID).Exec(ctx); err != nil {
		return err
	}
	u := c.Organisation.UpdateOneID(into.ID).
		AddSourceIDs(mv.Sources...).AddEventsOrganisedIDs(mv.EventsOrganised...).AddEventsAttendedIDs(mv.EventsAttended...)
	if into.Acronym == nil && from.Acronym != nil {
		u.SetAcronym(*from.Acronym)
		mv.Filled = append(mv.Filled, "acronym")
	}
	if into.Website == nil && from.Website != nil {
		u.SetWebsite(*from.Website)
		mv.Filled = append(mv.Filled, "website")
	}
	if into.HeadquartersID == nil && from.HeadquartersID != nil {
		u.SetHeadquartersID(*from.HeadquartersID)
		mv.Filled = append(mv.Filled, "headquarters_id")
	}
	if into.IatiRef == nil && from.IatiRef != nil {
		u.SetIatiRef(*from.IatiRef)
		mv.Filled = append(mv.Filled, "iati_ref")
	}
	if err := u.Exec(ctx); err != nil {
		return err
	}
	// The merged organisation's name and identifier become aliases, so a
	// later import finds the survivor by them.
	src := fmt.Sprintf("merge of organisation %d into %d", from.ID, into.ID)
	alias := c.OrganisationAlias.Create().SetOrganisationID(into.ID).SetMergeID(rec.ID).SetSource(src).SetName(from.Name)
	if from.IatiRef != nil && !slices.Contains(mv.Filled, "iati_ref") {
		alias.SetRef(*from.IatiRef)
	}
	if err := alias.Exec(ctx); err != nil {
		return err
	}
	m, err := mv.asMap()
	if err != nil {
		return err
	}
	// Moved is written last, once known; the record's create is in the
	// feed with into and from, this update with what moved.
	return c.OrganisationMerge.UpdateOneID(rec.ID).SetMoved(m).Exec(ctx)
}

// Split undoes the last merge of the organisation id, from what the merge
// recorded, and returns the organisation split off.
func Split(ctx context.Context, c *ent.Client, id int) (*ent.Organisation, error) {
	if err := mayCurate(ctx, "split organisations"); err != nil {
		return nil, err
	}
	from, err := c.Organisation.Get(ctx, id)
	if err != nil {
		return nil, notFound(err, "id", id)
	}
	if from.MergedIntoID == nil {
		return nil, fieldErr("id", apperr.BadUserInput, "this organisation is not merged into another")
	}
	rec, err := c.OrganisationMerge.Query().Where(organisationmerge.FromID(id), organisationmerge.UndoneAtIsNil()).
		Order(ent.Desc(organisationmerge.FieldID)).First(ctx)
	if err != nil {
		if ent.IsNotFound(err) {
			return nil, fieldErr("id", apperr.Conflict, "no merge of this organisation is recorded")
		}
		return nil, err
	}
	into := rec.IntoID
	mv, err := movedOf(rec.Moved)
	if err != nil {
		return nil, err
	}
	// Back to the split organisation: what moved and still points at the
	// survivor.
	steps := []func() error{
		func() error {
			return c.Participation.Update().Where(participation.IDIn(mv.Participations...), participation.OrganisationID(into)).SetOrganisationID(id).Exec(ctx)
		},
		func() error {
			return c.Funding.Update().Where(funding.IDIn(mv.FundingsGiven...), funding.FunderID(into)).SetFunderID(id).Exec(ctx)
		},
		func() error {
			return c.Funding.Update().Where(funding.IDIn(mv.FundingsReceived...), funding.RecipientID(into)).SetRecipientID(id).Exec(ctx)
		},
		func() error {
			return c.AgreementParty.Update().Where(agreementparty.IDIn(mv.AgreementParties...), agreementparty.HasOrganisationWith(organisation.ID(into))).SetOrganisationID(id).Exec(ctx)
		},
		func() error {
			return c.Presence.Update().Where(presence.IDIn(mv.Presences...), presence.HasOrganisationWith(organisation.ID(into))).SetOrganisationID(id).Exec(ctx)
		},
		func() error {
			return c.Contact.Update().Where(contact.IDIn(mv.Contacts...), contact.HasOrganisationWith(organisation.ID(into))).SetOrganisationID(id).Exec(ctx)
		},
		func() error {
			return c.OrganisationAlias.Update().Where(organisationalias.IDIn(mv.Aliases...), organisationalias.OrganisationID(into)).SetOrganisationID(id).Exec(ctx)
		},
		func() error {
			return c.Organisation.Update().Where(organisation.IDIn(mv.Children...), organisation.ParentID(into)).SetParentID(id).Exec(ctx)
		},
		func() error {
			_, err := c.OrganisationAlias.Delete().Where(organisationalias.MergeID(rec.ID)).Exec(ctx)
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	for _, d := range mv.Dropped {
		err := c.Participation.Create().SetOrganisationID(id).SetProgrammeID(d.Programme).SetRole(participation.Role(d.Role)).Exec(ctx)
		if err != nil && !ent.IsNotFound(err) {
			return nil, fmt.Errorf("recreate participation in programme %d: %w", d.Programme, err)
		}
	}
	survivor, err := c.Organisation.Get(ctx, into)
	if err != nil {
		return nil, err
	}
	u := c.Organisation.UpdateOneID(into).
		RemoveSourceIDs(mv.Sources...).RemoveEventsOrganisedIDs(mv.EventsOrganised...).RemoveEventsAttendedIDs(mv.EventsAttended...)
	var ref *string
	for _, f := range mv.Filled {
		switch f {
		case "acronym":
			u.ClearAcronym()
		case "website":
			u.ClearWebsite()
		case "headquarters_id":
			u.ClearHeadquartersID()
		case "iati_ref":
			ref = survivor.IatiRef
			u.ClearIatiRef()
		}
	}
	if err := u.Exec(ctx); err != nil {
		return nil, err
	}
	back := c.Organisation.UpdateOneID(id).ClearMergedIntoID()
	if r, ok := rec.Before["iati_ref"].(string); ok && r != "" {
		ref = &r
	}
	if ref != nil {
		taken, err := c.Organisation.Query().Where(organisation.IatiRef(*ref), organisation.IDNEQ(id)).Exist(ctx)
		if err != nil {
			return nil, err
		}
		if !taken {
			back.SetIatiRef(*ref)
		}
	}
	if err := back.Exec(ctx); err != nil {
		return nil, err
	}
	if err := c.OrganisationMerge.UpdateOneID(rec.ID).SetUndoneAt(time.Now().UTC().Truncate(time.Microsecond)).Exec(ctx); err != nil {
		return nil, err
	}
	return c.Organisation.Get(ctx, id)
}

func fieldErr(field string, code apperr.Code, format string, args ...any) error {
	e := apperr.Errorf(code, format, args...)
	e.Field = field
	return e
}

func count(ids []int, id int) (n int) {
	for _, x := range ids {
		if x == id {
			n++
		}
	}
	return n
}
