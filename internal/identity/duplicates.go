package identity

import (
	"context"
	"slices"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/organisationalias"
	"github.com/aidregistry/registry/ent/predicate"
	"github.com/aidregistry/registry/internal/orgname"
)

// PossibleDuplicates lists the organisations that may be o under another
// name, for a person to decide: a name or alias name that normalises the
// same (orgname.Key) or nearly (orgname.SimilarKey), a shared identifier
// or alias ref, or the same website. Merged-away organisations are left
// out. It reads every organisation's names for the near matches: a
// curation field, not one for lists.
func PossibleDuplicates(ctx context.Context, c *ent.Client, o *ent.Organisation) ([]*ent.Organisation, error) {
	aliases, err := c.OrganisationAlias.Query().Where(organisationalias.OrganisationID(o.ID)).All(ctx)
	if err != nil {
		return nil, err
	}
	names := []string{o.Name}
	var refs []string
	if o.IatiRef != nil {
		refs = append(refs, *o.IatiRef)
	}
	for _, a := range aliases {
		if a.Name != nil {
			names = append(names, *a.Name)
		}
		// Shared identifiers only: publishers reuse their own codes (and
		// fragments of listings) for many organisations.
		if a.Ref != nil {
			if id, ok := Canonical(*a.Ref); ok {
				refs = append(refs, id)
			}
		}
	}
	keys, similar, acronyms := map[string]bool{}, map[string]bool{}, map[string]bool{}
	if o.Acronym != nil && *o.Acronym != "" {
		acronyms[*o.Acronym] = true
	}
	for _, n := range names {
		if a := orgname.Acronym(n); a != "" {
			acronyms[a] = true
		}
		if k := orgname.Key(n); k != "" {
			keys[k] = true
		}
		if k := orgname.SimilarKey(n); k != "" {
			similar[k] = true
		}
	}
	keyList := mapKeys(keys)
	or := []predicate.Organisation{
		organisation.NameKeyIn(keyList...),
		organisation.HasAliasesWith(organisationalias.NameKeyIn(keyList...)),
	}
	if len(refs) > 0 {
		or = append(or, organisation.IatiRefIn(refs...), organisation.HasAliasesWith(organisationalias.RefIn(refs...)))
	}
	if o.Website != nil && *o.Website != "" {
		or = append(or, organisation.Website(*o.Website))
	}
	ids, err := c.Organisation.Query().Where(organisation.MergedIntoIDIsNil(), organisation.IDNEQ(o.ID), organisation.Or(or...)).IDs(ctx)
	if err != nil {
		return nil, err
	}
	// Near names and bracketed acronyms: compared in Go, since neither
	// is stored.
	near := func(name string) bool {
		return similar[orgname.SimilarKey(name)] || acronyms[orgname.Acronym(name)]
	}
	var all []struct {
		ID      int     `json:"id"`
		Name    string  `json:"name"`
		Acronym *string `json:"acronym"`
	}
	if err := c.Organisation.Query().Where(organisation.MergedIntoIDIsNil(), organisation.IDNEQ(o.ID)).
		Select(organisation.FieldID, organisation.FieldName, organisation.FieldAcronym).Scan(ctx, &all); err != nil {
		return nil, err
	}
	for _, x := range all {
		if near(x.Name) || (x.Acronym != nil && acronyms[*x.Acronym]) {
			ids = append(ids, x.ID)
		}
	}
	var aliasNames []struct {
		OrganisationID int    `json:"organisation_id"`
		Name           string `json:"name"`
	}
	if err := c.OrganisationAlias.Query().Where(organisationalias.NameNotNil(), organisationalias.OrganisationIDNEQ(o.ID)).
		Select(organisationalias.FieldOrganisationID, organisationalias.FieldName).Scan(ctx, &aliasNames); err != nil {
		return nil, err
	}
	for _, a := range aliasNames {
		if near(a.Name) {
			ids = append(ids, a.OrganisationID)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return []*ent.Organisation{}, nil
	}
	return c.Organisation.Query().Where(organisation.IDIn(ids...), organisation.MergedIntoIDIsNil()).
		Order(organisation.ByID()).All(ctx)
}

func mapKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
