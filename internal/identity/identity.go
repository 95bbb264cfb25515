// Package identity keeps one record per organisation: the rules that say
// two identifiers are one organisation, the lookups imports match
// organisations by, the possible duplicates listed for a person to decide,
// and merging organisations and undoing a merge.
package identity

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/organisationalias"
	"github.com/aidregistry/registry/ent/predicate"
	"github.com/aidregistry/registry/internal/audit"
	"github.com/aidregistry/registry/internal/codelists"
	"github.com/aidregistry/registry/internal/orgname"
)

// identifierShape is an IATI organisation identifier: a registration
// agency's prefix (a country or XM/XI, then the agency) and the
// organisation's number there (XM-DAC-47066, GB-COH-01234567), with no
// spaces or separators of a listing inside it.
var identifierShape = regexp.MustCompile(`^[A-Z]{2}-[A-Za-z0-9_]+-[^\s|\x{00A0};,]+$`)

// IsIdentifier reports whether ref is an organisation identifier: the shape
// above, with a prefix the OrganisationRegistrationAgency codelist knows or
// one of IATI's own (XI-IATI) or a country's government (XX-GOV).
func IsIdentifier(ref string) bool {
	if !identifierShape.MatchString(ref) {
		return false
	}
	parts := strings.SplitN(ref, "-", 3)
	prefix := parts[0] + "-" + parts[1]
	if _, ok := codelists.Lookup("OrganisationRegistrationAgency", prefix); ok {
		return true
	}
	// Agencies the codelist has withdrawn or never listed but publishers
	// use widely: the IATI registry's own and governments by country.
	return parts[1] == "IATI" || parts[1] == "GOV" || parts[1] == "DAC"
}

// dacCategories are the CRS channel codes other codes are grouped under
// (41100 UN agencies, 22000 donor-country NGOs): classes of channel, not
// organisations, so no rule turns them into an identifier.
var dacCategories = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range codelists.Codes("CRSChannelCode") {
		if c.Category != "" {
			m[c.Category] = true
		}
	}
	return m
}()

// Canonical applies the known equivalences to a ref as a publisher wrote
// it: spaces trimmed, and a bare DAC channel code the CRSChannelCode list
// holds (41114) is the identifier XM-DAC-41114. ok says whether the result
// is an organisation identifier; otherwise ref is a publisher's own code.
func Canonical(ref string) (id string, ok bool) {
	ref = orgname.Ref(ref)
	if IsIdentifier(ref) {
		return ref, true
	}
	if multilateralChannel(ref) {
		if id, ok := codelists.DACIdentifier(ref); ok {
			return id, true
		}
	}
	return ref, false
}

// multilateralChannel says whether a bare code is a CRS channel that names
// one organisation: a multilateral institution (41114 UNDP, 47066 IOM,
// 46002 the African Development Bank), whose XM-DAC- identifier publishers
// use. The other channels are kinds of organisation (11001 central
// government, 23000 developing-country NGOs, 90000 other), shared by
// thousands, and the class codes (41100 UN agencies) group channels.
func multilateralChannel(code string) bool {
	return len(code) == 5 && code[0] == '4' && isDigits(code) && !dacCategories[code]
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Live limits a query to organisations not merged into another.
func Live() func(*ent.OrganisationQuery) *ent.OrganisationQuery {
	return func(q *ent.OrganisationQuery) *ent.OrganisationQuery {
		return q.Where(organisation.MergedIntoIDIsNil())
	}
}

// Survivor follows merges from id to the organisation that remains.
func Survivor(ctx context.Context, c *ent.Client, id int) (*ent.Organisation, error) {
	for range 32 {
		o, err := c.Organisation.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if o.MergedIntoID == nil {
			return o, nil
		}
		id = *o.MergedIntoID
	}
	return nil, fmt.Errorf("organisation %d: merges form a loop", id)
}

// ByIdentifier finds the organisation an identifier names: its own
// iatiRef, else an alias with that identifier (one merged into it, or met
// as a bare DAC code). found is false when none does.
func ByIdentifier(ctx context.Context, c *ent.Client, id string) (*ent.Organisation, bool, error) {
	o, err := c.Organisation.Query().Where(organisation.IatiRef(id)).Only(ctx)
	if err == nil {
		s, err := Survivor(ctx, c, o.ID)
		return s, err == nil, err
	}
	if !ent.IsNotFound(err) {
		return nil, false, err
	}
	return byAlias(ctx, c, organisationalias.Ref(id), organisationalias.PublisherIsNil())
}

// ByPublisherCode finds the organisation a publisher's own code stands for
// in that publisher's files, met before.
func ByPublisherCode(ctx context.Context, c *ent.Client, publisher, code string) (*ent.Organisation, bool, error) {
	return byAlias(ctx, c, organisationalias.Ref(code), organisationalias.Publisher(publisher))
}

// ByPublisherName finds the organisation a publisher named so before.
func ByPublisherName(ctx context.Context, c *ent.Client, publisher, name string) (*ent.Organisation, bool, error) {
	return byAlias(ctx, c, organisationalias.Name(name), organisationalias.Publisher(publisher))
}

func byAlias(ctx context.Context, c *ent.Client, ps ...predicate.OrganisationAlias) (*ent.Organisation, bool, error) {
	ids, err := c.OrganisationAlias.Query().Where(ps...).
		Order(organisationalias.ByID()).Select(organisationalias.FieldOrganisationID).Ints(ctx)
	if err != nil || len(ids) == 0 {
		return nil, false, err
	}
	var found *ent.Organisation
	for _, id := range ids {
		o, err := Survivor(ctx, c, id)
		if err != nil {
			return nil, false, err
		}
		if found != nil && found.ID != o.ID {
			return nil, false, nil // two organisations claim it: ambiguous
		}
		found = o
	}
	return found, true, nil
}

// ByName finds the organisations whose name, or a name alias, normalises
// like name, of the given kind when kind is known (OTHER counts as
// unknown). Several come back when the name is ambiguous.
func ByName(ctx context.Context, c *ent.Client, name string, kind organisation.Kind) ([]*ent.Organisation, error) {
	key := orgname.Key(name)
	if key == "" {
		return nil, nil
	}
	orgs, err := Live()(c.Organisation.Query()).Where(organisation.Or(
		organisation.NameKey(key),
		organisation.HasAliasesWith(organisationalias.NameKey(key)),
	)).Order(organisation.ByID()).All(ctx)
	if err != nil {
		return nil, err
	}
	return OfKind(orgs, kind), nil
}

// OfKind are the organisations ByName keeps of those a name matched: of
// kind, or of no known kind (OTHER), when kind is known; all when not.
func OfKind(orgs []*ent.Organisation, kind organisation.Kind) []*ent.Organisation {
	if kind == organisation.KindOTHER || kind == "" {
		return orgs
	}
	var same []*ent.Organisation
	for _, o := range orgs {
		if o.Kind == kind || o.Kind == organisation.KindOTHER {
			same = append(same, o)
		}
	}
	return same
}

// NameKeyHook keeps name_key equal to orgname.Key(name) on every write of
// an Organisation or OrganisationAlias that sets a name. internal/store
// installs it.
func NameKeyHook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if v, ok := m.Field("name"); ok {
				if s, ok := v.(string); ok {
					if err := m.SetField("name_key", orgname.Key(s)); err != nil {
						return nil, err
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}

// BackfillNameKeys sets name_key where a writer that bypasses ent left it
// empty (bulk load, stores from before the column): name matching needs
// it. The key is derived data, so the change is not recorded in history.
func BackfillNameKeys(ctx context.Context, c *ent.Client) error {
	orgs, err := c.Organisation.Query().Where(organisation.Or(organisation.NameKeyIsNil(), organisation.NameKey(""))).
		Select(organisation.FieldID, organisation.FieldName).All(ctx)
	if err != nil {
		return err
	}
	ctx = audit.Skip(ctx)
	for _, o := range orgs {
		if err := c.Organisation.UpdateOneID(o.ID).SetNameKey(orgname.Key(o.Name)).Exec(ctx); err != nil {
			return fmt.Errorf("organisation %d: name key: %w", o.ID, err)
		}
	}
	return nil
}
