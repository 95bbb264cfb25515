package identity_test

import (
	"context"
	"testing"

	"github.com/aidregistry/registry/ent/change"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/countries"
	"github.com/aidregistry/registry/internal/identity"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// TestMergeAndSplit: every link of the merged organisation moves to the
// survivor in one go, a participation the survivor already holds is not
// doubled, the merged identifier becomes the survivor's alias (so imports
// find it), history records it, and a split puts everything back.
func TestMergeAndSplit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := auth.AsSystem(context.Background())
		c := st.Client
		if err := countries.Load(ctx, c); err != nil {
			t.Fatal(err)
		}
		ml, err := countries.IDsByISO2(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		iom := c.Organisation.Create().SetName("International Organization for Migration").SetKind(organisation.KindMULTILATERAL).SaveX(ctx)
		dup := c.Organisation.Create().SetName("INTERNATIONAL ORGANISATION FOR MIGRATION").SetKind(organisation.KindMULTILATERAL).
			SetIatiRef("XM-DAC-47066").SetWebsite("https://www.iom.int").SaveX(ctx)
		child := c.Organisation.Create().SetName("IOM Mali office").SetKind(organisation.KindMULTILATERAL).SetParentID(dup.ID).SaveX(ctx)
		p1 := c.Programme.Create().SetCode("P1").SetTitle("One").SaveX(ctx)
		p2 := c.Programme.Create().SetCode("P2").SetTitle("Two").SaveX(ctx)
		c.Participation.Create().SetProgrammeID(p1.ID).SetOrganisationID(iom.ID).SetRole(participation.RoleIMPLEMENTING).ExecX(ctx)
		c.Participation.Create().SetProgrammeID(p1.ID).SetOrganisationID(dup.ID).SetRole(participation.RoleIMPLEMENTING).ExecX(ctx)
		moved := c.Participation.Create().SetProgrammeID(p2.ID).SetOrganisationID(dup.ID).SetRole(participation.RoleFUNDING).SaveX(ctx)
		f := c.Funding.Create().SetProgrammeID(p2.ID).SetFunderID(dup.ID).SetKind(funding.KindCOMMITMENT).SaveX(ctx)
		pr := c.Presence.Create().SetOrganisationID(dup.ID).SetCountryID(ml["ML"]).SaveX(ctx)
		ct := c.Contact.Create().SetOrganisationID(dup.ID).SetEmail("hq@iom.int").SaveX(ctx)
		al := c.OrganisationAlias.Create().SetOrganisationID(dup.ID).SetName("OIM").SetSource("test").SaveX(ctx)

		dups, err := identity.PossibleDuplicates(ctx, c, iom)
		if err != nil || len(dups) != 1 || dups[0].ID != dup.ID {
			t.Fatalf("possible duplicates of IOM: %v, %v", dups, err)
		}

		editor := auth.WithActor(context.Background(), auth.Actor{OrganisationID: iom.ID, Role: auth.Editor})
		if _, err := identity.Merge(editor, c, iom.ID, []int{dup.ID}); !isCode(err, apperr.Forbidden) {
			t.Fatalf("an editor merged: %v", err)
		}
		if _, err := identity.Merge(ctx, c, iom.ID, []int{iom.ID}); !isCode(err, apperr.BadUserInput) {
			t.Fatalf("merged into itself: %v", err)
		}

		tx, err := c.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := identity.Merge(ctx, tx.Client(), iom.ID, []int{dup.ID}); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		survivor := c.Organisation.GetX(ctx, iom.ID)
		if survivor.IatiRef == nil || *survivor.IatiRef != "XM-DAC-47066" || survivor.Website == nil {
			t.Errorf("the survivor did not take the identifier and website it lacked: %+v", survivor)
		}
		owner := func(id int) int { return c.Participation.GetX(ctx, id).OrganisationID }
		if owner(moved.ID) != iom.ID || *c.Funding.GetX(ctx, f.ID).FunderID != iom.ID ||
			c.Presence.QueryOrganisation(c.Presence.GetX(ctx, pr.ID)).OnlyIDX(ctx) != iom.ID ||
			c.Contact.QueryOrganisation(c.Contact.GetX(ctx, ct.ID)).OnlyIDX(ctx) != iom.ID ||
			c.OrganisationAlias.GetX(ctx, al.ID).OrganisationID != iom.ID ||
			*c.Organisation.GetX(ctx, child.ID).ParentID != iom.ID {
			t.Errorf("not every link moved")
		}
		if n := c.Participation.Query().Where(participation.ProgrammeID(p1.ID)).CountX(ctx); n != 1 {
			t.Errorf("P1 has %d IMPLEMENTING participations after the merge, want 1", n)
		}
		if s, err := identity.Survivor(ctx, c, dup.ID); err != nil || s.ID != iom.ID {
			t.Errorf("survivor of the merged record: %v, %v", s, err)
		}
		// An import finds the survivor by the merged name.
		if orgs, err := identity.ByName(ctx, c, "International Organisation for Migration", organisation.KindMULTILATERAL); err != nil || len(orgs) != 1 || orgs[0].ID != iom.ID {
			t.Errorf("by the merged name: %v, %v", orgs, err)
		}
		if n := c.Change.Query().Where(change.RecordType("OrganisationMerge")).CountX(ctx); n == 0 {
			t.Errorf("the merge is not in the change feed")
		}

		if _, err := identity.Split(editor, c, dup.ID); !isCode(err, apperr.Forbidden) {
			t.Fatalf("an editor split: %v", err)
		}
		back, err := identity.Split(ctx, c, dup.ID)
		if err != nil {
			t.Fatal(err)
		}
		if back.MergedIntoID != nil || back.IatiRef == nil || *back.IatiRef != "XM-DAC-47066" {
			t.Errorf("split organisation: %+v", back)
		}
		if owner(moved.ID) != dup.ID || *c.Funding.GetX(ctx, f.ID).FunderID != dup.ID ||
			c.OrganisationAlias.GetX(ctx, al.ID).OrganisationID != dup.ID ||
			*c.Organisation.GetX(ctx, child.ID).ParentID != dup.ID {
			t.Errorf("not every link went back")
		}
		if n := c.Participation.Query().Where(participation.ProgrammeID(p1.ID)).CountX(ctx); n != 2 {
			t.Errorf("P1 has %d participations after the split, want 2 (the dropped one recreated)", n)
		}
		if s := c.Organisation.GetX(ctx, iom.ID); s.IatiRef != nil || s.Website != nil {
			t.Errorf("the survivor keeps what the merge filled: %+v", s)
		}
		if _, err := identity.Split(ctx, c, dup.ID); !isCode(err, apperr.BadUserInput) {
			t.Errorf("split twice: %v", err)
		}
	})
}

func isCode(err error, code apperr.Code) bool {
	e, ok := apperr.As(err)
	return ok && e.Code == code
}
