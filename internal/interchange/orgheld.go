package interchange

import (
	"context"
	"fmt"
	"slices"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/organisation"
)

// orgHeld is what the store held, at the start of a batch, of the
// organisations and aliases its activities name: every alias with a ref
// or a name the batch gives, the organisations with an identifier it
// gives, and the organisations those aliases belong to. The lookups of
// identity (ByIdentifier, ByPublisherCode, ByPublisherName) and the check
// for an alias already kept are answered from it, rather than with two or
// three queries for each organisation a batch names again (a file
// imported again names only organisations the store holds).
//
// An answer is given only when the batch wrote nothing it depends on:
// once an activity writes an alias with a ref or a name, or changes an
// organisation (stale), the lookups that could see that write ask the
// store, as does one reaching an organisation merged into another (its
// survivor is read) or one the batch did not read.
type orgHeld struct {
	// orgs are the organisations read, by id; byIatiRef by identifier.
	orgs      map[int]*ent.Organisation
	byIatiRef map[string]*ent.Organisation
	// byRef and byName are the aliases with each ref and name the batch
	// gives (none: an empty list), in id order.
	byRef, byName map[string][]*ent.OrganisationAlias
	// staleRefs, staleNames and staleOrgs were written by the batch.
	staleRefs, staleNames map[string]bool
	staleOrgs             map[int]bool
}

func newOrgHeld(refs, names []string) orgHeld {
	h := orgHeld{
		orgs: map[int]*ent.Organisation{}, byIatiRef: map[string]*ent.Organisation{},
		byRef: make(map[string][]*ent.OrganisationAlias, len(refs)), byName: make(map[string][]*ent.OrganisationAlias, len(names)),
		staleRefs: map[string]bool{}, staleNames: map[string]bool{}, staleOrgs: map[int]bool{},
	}
	for _, r := range refs {
		h.byRef[r] = nil
	}
	for _, n := range names {
		h.byName[n] = nil
	}
	return h
}

// readOrgs reads the organisations the aliases read belong to, and those
// of more not read yet.
func (h *orgHeld) readOrgs(ctx context.Context, c *ent.Client, more []int) error {
	var ids []int
	for _, id := range more {
		if h.orgs[id] == nil {
			ids = append(ids, id)
		}
	}
	for _, als := range []map[string][]*ent.OrganisationAlias{h.byRef, h.byName} {
		for _, as := range als {
			for _, al := range as {
				if h.orgs[al.OrganisationID] == nil {
					ids = append(ids, al.OrganisationID)
				}
			}
		}
	}
	slices.Sort(ids)
	for chunk := range slices.Chunk(slices.Compact(ids), maxIn) {
		os, err := c.Organisation.Query().Where(organisation.IDIn(chunk...)).All(ctx)
		if err != nil {
			return fmt.Errorf("read the organisations the batch's aliases name: %w", err)
		}
		for _, o := range os {
			h.orgs[o.ID] = o
		}
	}
	return nil
}

func (h *orgHeld) stale(ref, name string) {
	if ref != "" {
		h.staleRefs[ref] = true
	}
	if name != "" {
		h.staleNames[name] = true
	}
}

// org is the organisation with this id as read, when it stands for
// itself (not merged) and the batch has not changed it.
func (h *orgHeld) org(id int) (*ent.Organisation, bool) {
	o := h.orgs[id]
	if o == nil || o.MergedIntoID != nil || h.staleOrgs[id] {
		return nil, false
	}
	return o, true
}

// byIdentifier answers identity.ByIdentifier.
func (h *orgHeld) byIdentifier(id string) orgAnswer {
	if h == nil || h.staleRefs[id] {
		return orgAnswer{}
	}
	if own := h.byIatiRef[id]; own != nil {
		o, ok := h.org(own.ID)
		return orgAnswer{o, ok, ok}
	}
	return h.byAlias(h.byRef, id, "")
}

// byPublisherCode answers identity.ByPublisherCode.
func (h *orgHeld) byPublisherCode(publisher, code string) orgAnswer {
	if h == nil || h.staleRefs[code] {
		return orgAnswer{}
	}
	return h.byAlias(h.byRef, code, publisher)
}

// byPublisherName answers identity.ByPublisherName.
func (h *orgHeld) byPublisherName(publisher, name string) orgAnswer {
	if h == nil || h.staleNames[name] {
		return orgAnswer{}
	}
	return h.byAlias(h.byName, name, publisher)
}

// byAlias is the one organisation the aliases under key with this
// publisher ("" for none) belong to, as identity's lookups find it: not
// found when there is none, or when two organisations claim it.
func (h *orgHeld) byAlias(aliases map[string][]*ent.OrganisationAlias, key, publisher string) orgAnswer {
	as, read := aliases[key]
	if !read {
		return orgAnswer{}
	}
	var found *ent.Organisation
	for _, al := range as {
		if !samePublisher(al.Publisher, publisher) {
			continue
		}
		o, ok := h.org(al.OrganisationID)
		if !ok {
			return orgAnswer{}
		}
		if found != nil && found.ID != o.ID {
			return orgAnswer{known: true} // two organisations claim it
		}
		found = o
	}
	return orgAnswer{found, found != nil, true}
}

// orgAnswer is a lookup answered from what a batch read: known is false
// when it cannot be, found false when no organisation is the answer.
type orgAnswer struct {
	o            *ent.Organisation
	found, known bool
}

func samePublisher(p *string, publisher string) bool {
	if publisher == "" {
		return p == nil
	}
	return p != nil && *p == publisher
}

// hasAlias says whether organisation id has an alias with this name and
// ref ("" for none) of this publisher ("" for none); known is false when
// it cannot say.
func (h *orgHeld) hasAlias(id int, name, ref, publisher string) (has, known bool) {
	if h == nil {
		return false, false
	}
	var as []*ent.OrganisationAlias
	var read bool
	switch {
	case name != "" && !h.staleNames[name]:
		as, read = h.byName[name]
	case name == "" && ref != "" && !h.staleRefs[ref]:
		as, read = h.byRef[ref]
	}
	if !read {
		return false, false
	}
	return slices.ContainsFunc(as, func(al *ent.OrganisationAlias) bool {
		return al.OrganisationID == id && sameOptional(al.Name, name) && sameOptional(al.Ref, ref) && samePublisher(al.Publisher, publisher)
	}), true
}

func sameOptional(v *string, s string) bool {
	if s == "" {
		return v == nil
	}
	return v != nil && *v == s
}
