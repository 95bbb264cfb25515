package interchange

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/organisationalias"
	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/identity"
	"github.com/aidregistry/registry/internal/orgname"
)

// orgAbsent is what a batch read, once for all its activities, that no
// organisation or alias holds: refs (no iatiRef, no alias ref), alias
// names and name keys (of no organisation or alias). Matching an
// organisation the batch names for the first time then asks the store
// nothing: most organisations of a file are new. Whatever the batch
// writes (an organisation, an alias, an identifier given) is taken out
// again (wrote), so a lookup that could find it asks the store.
type orgAbsent struct {
	refs, names, keys map[string]bool
	// named are the organisations that hold each name key the batch
	// names (their own or an alias's), by id: read with the batch, and
	// those given it since by organisations and aliases it holds
	// (orgHold). A key the batch wrote otherwise is taken out.
	named map[string][]int
	// held is what the organisations and aliases the batch names hold.
	held orgHeld
	// likely is how many organisations the batch will likely create.
	likely int
}

// loadOrgAbsent is loadOrgAbsent once every organisation has its name key,
// which matching by name reads.
func (im *importer) loadOrgAbsent(ctx context.Context, c *ent.Client, batch []*iati.Activity) (*orgAbsent, error) {
	if !im.orgs.keyed {
		if err := identity.BackfillNameKeys(ctx, c); err != nil {
			return nil, fmt.Errorf("organisations' name keys: %w", err)
		}
		im.orgs.keyed = true
	}
	return loadOrgAbsent(ctx, c, batch)
}

// loadOrgAbsent reads which refs, names and name keys the activities'
// organisations give are held by no organisation or alias: five queries
// a batch.
func loadOrgAbsent(ctx context.Context, c *ent.Client, batch []*iati.Activity) (*orgAbsent, error) {
	refs, names := orgTerms(batch)
	var keys []string
	for _, n := range names {
		if k := orgname.Key(n); k != "" {
			keys = append(keys, k)
		}
	}
	keys = unique(keys)
	a := &orgAbsent{refs: set(refs), names: set(names), keys: set(keys), held: newOrgHeld(refs, names),
		named: make(map[string][]int, len(keys))}
	for _, k := range keys {
		a.named[k] = nil
	}
	for chunk := range slices.Chunk(refs, maxIn) {
		if err := a.readRefs(ctx, c, chunk); err != nil {
			return nil, err
		}
	}
	for chunk := range slices.Chunk(names, maxIn) {
		held, err := c.OrganisationAlias.Query().Where(organisationalias.NameIn(chunk...)).
			Order(organisationalias.ByID()).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("read the batch's organisation names: %w", err)
		}
		for _, al := range held {
			delete(a.names, *al.Name)
			a.held.byName[*al.Name] = append(a.held.byName[*al.Name], al)
		}
	}
	for chunk := range slices.Chunk(keys, maxIn) {
		if err := a.readKeys(ctx, c, chunk); err != nil {
			return nil, err
		}
	}
	if err := a.held.readOrgs(ctx, c, slices.Concat(slices.Collect(maps.Values(a.named))...)); err != nil {
		return nil, err
	}
	a.likely = a.countLikelyNew(batch)
	return a, nil
}

func (a *orgAbsent) readRefs(ctx context.Context, c *ent.Client, refs []string) error {
	own, err := c.Organisation.Query().Where(organisation.IatiRefIn(refs...)).All(ctx)
	if err != nil {
		return fmt.Errorf("read the batch's organisation identifiers: %w", err)
	}
	for _, o := range own {
		delete(a.refs, *o.IatiRef)
		a.held.byIatiRef[*o.IatiRef] = o
		a.held.orgs[o.ID] = o
	}
	aliased, err := c.OrganisationAlias.Query().Where(organisationalias.RefIn(refs...)).
		Order(organisationalias.ByID()).All(ctx)
	if err != nil {
		return fmt.Errorf("read the batch's organisation codes: %w", err)
	}
	for _, al := range aliased {
		delete(a.refs, *al.Ref)
		a.held.byRef[*al.Ref] = append(a.held.byRef[*al.Ref], al)
	}
	return nil
}

// readKeys reads the organisations that hold the name keys, by their own
// name or an alias's (the aliases' organisations are read by readOrgs).
func (a *orgAbsent) readKeys(ctx context.Context, c *ent.Client, keys []string) error {
	own, err := c.Organisation.Query().Where(organisation.NameKeyIn(keys...)).All(ctx)
	if err != nil {
		return fmt.Errorf("read the batch's organisation names: %w", err)
	}
	for _, o := range own {
		if a.held.orgs[o.ID] == nil {
			a.held.orgs[o.ID] = o
		}
		a.holds(o.NameKey, o.ID)
	}
	var aliased []struct {
		OrganisationID int    `json:"organisation_id"`
		NameKey        string `json:"name_key"`
	}
	if err := c.OrganisationAlias.Query().Where(organisationalias.NameKeyIn(keys...)).
		Select(organisationalias.FieldOrganisationID, organisationalias.FieldNameKey).Scan(ctx, &aliased); err != nil {
		return fmt.Errorf("read the batch's organisation aliases: %w", err)
	}
	for _, al := range aliased {
		a.holds(al.NameKey, al.OrganisationID)
	}
	return nil
}

// holds notes that organisation id holds name key k.
func (a *orgAbsent) holds(k string, id int) {
	delete(a.keys, k)
	if ids, read := a.named[k]; read && !slices.Contains(ids, id) {
		a.named[k] = append(ids, id)
	}
}

// orgTerms are the refs (as written and canonical) and names the
// activities' organisation elements give: every narrative, a superset of
// the name the importer picks.
func orgTerms(batch []*iati.Activity) (refs, names []string) {
	for ref, ns := range orgElements(batch) {
		raw := orgname.Ref(ref)
		id, _ := identity.Canonical(raw)
		refs = append(refs, raw, id)
		for _, n := range ns {
			names = append(names, strings.TrimSpace(n.Text))
		}
	}
	refs = slices.DeleteFunc(unique(refs), func(s string) bool { return s == "" })
	names = slices.DeleteFunc(unique(names), func(s string) bool { return s == "" })
	return refs, names
}

// orgElements gives the ref and the names of each organisation element
// of the activities; a participating-org's crs-channel-code, by the
// identifier it gives, too.
func orgElements(batch []*iati.Activity) iter.Seq2[string, []iati.Narrative] {
	return func(yield func(string, []iati.Narrative) bool) {
		for _, a := range batch {
			if !yield(a.ReportingOrg.Ref, a.ReportingOrg.Name) {
				return
			}
			for _, p := range a.ParticipatingOrgs {
				if !yield(participantRef(p), p.Name) || !yield(p.Ref, nil) {
					return
				}
			}
			for _, t := range a.Transactions {
				for _, o := range []*iati.TransactionOrg{t.Provider, t.Receiver} {
					if o != nil && !yield(o.Ref, o.Name) {
						return
					}
				}
			}
		}
	}
}

// countLikelyNew counts the organisations the batch will likely create:
// the elements whose ref and first name no organisation or alias holds,
// each ref or name once. An estimate, for the ids to draw ahead.
func (a *orgAbsent) countLikelyNew(batch []*iati.Activity) int {
	seen := map[string]bool{}
	for ref, ns := range orgElements(batch) {
		raw, name := orgname.Ref(ref), ""
		if len(ns) > 0 {
			name = strings.TrimSpace(ns[0].Text)
		}
		id, _ := identity.Canonical(raw)
		key := cmp.Or(id, name)
		if key == "" || seen[key] || (raw != "" && !(a.refs[raw] && a.refs[id])) || (name != "" && !a.keys[orgname.Key(name)]) {
			continue
		}
		seen[key] = true
	}
	return len(seen)
}

// likelyNew is countLikelyNew's count for the batch read; 0 for none.
func (a *orgAbsent) likelyNew() int {
	if a == nil {
		return 0
	}
	return a.likely
}

func set(s []string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}

// noRef, noName and noKey say a lookup would find nothing; false when
// unknown (a nil orgAbsent: no batch read).
func (a *orgAbsent) noRef(ref string) bool   { return a != nil && ref != "" && a.refs[ref] }
func (a *orgAbsent) noName(name string) bool { return a != nil && name != "" && a.names[name] }
func (a *orgAbsent) noKey(name string) bool {
	k := orgname.Key(name)
	return a != nil && k != "" && a.keys[k]
}

// wrote takes out of the sets what a write of the batch holds now, and
// has lookups of that ref or name ask the store again.
func (a *orgAbsent) wrote(ref, name string) {
	if a == nil {
		return
	}
	delete(a.refs, ref)
	delete(a.names, name)
	delete(a.keys, orgname.Key(name))
	delete(a.named, orgname.Key(name))
	a.held.stale(ref, name)
}

// made adds an organisation the batch holds, not inserted yet, to what
// its lookups answer from: the store, not asked, could not say.
func (a *orgAbsent) made(o *ent.Organisation) {
	if a == nil {
		return
	}
	a.held.orgs[o.ID] = o
	if o.IatiRef != nil {
		delete(a.refs, *o.IatiRef)
		a.held.byIatiRef[*o.IatiRef] = o
	}
	a.gave(o.NameKey, o)
}

// aliased adds an alias the batch holds, of o, likewise.
func (a *orgAbsent) aliased(al *ent.OrganisationAlias, o *ent.Organisation) {
	if a == nil {
		return
	}
	if al.Ref != nil {
		delete(a.refs, *al.Ref)
		if as, read := a.held.byRef[*al.Ref]; read {
			a.held.byRef[*al.Ref] = append(as, al)
		}
	}
	if al.Name != nil {
		delete(a.names, *al.Name)
		if as, read := a.held.byName[*al.Name]; read {
			a.held.byName[*al.Name] = append(as, al)
		}
		a.gave(al.NameKey, o)
	}
}

// gave notes that organisation o holds name key k now.
func (a *orgAbsent) gave(k string, o *ent.Organisation) {
	if k != "" {
		a.holds(k, o.ID)
	}
}

// byName answers identity.ByName from the organisations that hold the
// name's key; known is false when it cannot say: a key the batch did not
// read or wrote otherwise, an organisation not read or changed since.
func (a *orgAbsent) byName(name string, kind organisation.Kind) (orgs []*ent.Organisation, known bool) {
	if a == nil {
		return nil, false
	}
	ids, read := a.named[orgname.Key(name)]
	if !read {
		return nil, false
	}
	for _, id := range ids {
		o := a.held.orgs[id]
		if o == nil || a.held.staleOrgs[id] {
			return nil, false
		}
		if o.MergedIntoID == nil { // as identity.Live
			orgs = append(orgs, o)
		}
	}
	slices.SortFunc(orgs, func(x, y *ent.Organisation) int { return x.ID - y.ID })
	return identity.OfKind(orgs, kind), true
}

// changed has lookups that would give organisation id ask the store
// again: the batch changed it.
func (a *orgAbsent) changed(id int) {
	if a != nil {
		a.held.staleOrgs[id] = true
	}
}
