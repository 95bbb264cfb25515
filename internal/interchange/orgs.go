package interchange

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/organisationalias"
	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/identity"
	"github.com/aidregistry/registry/internal/orgname"
)

// IsOrganisationIdentifier reports whether ref is an IATI organisation
// identifier: a registration agency's prefix and the organisation's number
// there (XM-DAC-47066, ES-DIR3-E04585801). Publishers also put their own
// codes in refs ("35", "00043"): those are kept as aliases of that
// publisher's choosing, never as an organisation's identifier.
func IsOrganisationIdentifier(ref string) bool { return identity.IsIdentifier(ref) }

// orgCache remembers which organisation a ref or a name resolved to. What
// a record resolved is staged, and kept only once its transaction commits.
type orgCache struct {
	known, staged map[string]int
	// file is the name of the file imported, for aliases' sources.
	file string
	// keyed is set once organisations' name keys are known complete.
	keyed bool
}

func newOrgCache(file string) *orgCache {
	return &orgCache{known: map[string]int{}, staged: map[string]int{}, file: file}
}

// sourceName is the base name of the file r reads, when it is one.
func sourceName(r io.Reader) string {
	if f, ok := r.(interface{ Name() string }); ok {
		return filepath.Base(f.Name())
	}
	return ""
}

func (o *orgCache) get(key string) (int, bool) {
	if id, ok := o.staged[key]; ok {
		return id, true
	}
	id, ok := o.known[key]
	return id, ok
}

func (o *orgCache) put(key string, id int) { o.staged[key] = id }

// maxKnown bounds the cache: a file naming more organisations than this
// starts over rather than grow.
const maxKnown = 10000

func (o *orgCache) commit() {
	if len(o.known)+len(o.staged) > maxKnown {
		clear(o.known)
	}
	for k, v := range o.staged {
		o.known[k] = v
	}
	clear(o.staged)
}

func (o *orgCache) rollback() { clear(o.staged) }

func refKey(ref string) string { return "ref\x00" + ref }

// orgWriter finds or makes organisations for one record's transaction.
type orgWriter struct {
	c     *ent.Client
	cache *orgCache
	// wrote counts organisations created or changed.
	wrote *int
	// publisher is the identifier of the reporting-org whose file names
	// the organisations: its own codes and names are its choosing.
	publisher string
	// absent is what the batch read no organisation holds (nil: unknown).
	absent *orgAbsent
	// hold holds the organisations and aliases created, when the batch
	// is written optimistically on PostgreSQL; nil: they are inserted at
	// once.
	hold *orgHold
}

// resolveAs finds the organisation an IATI element names, or creates it,
// matching in this order (internal/identity holds the rules):
//   - an identifier, after the known equivalences (a bare DAC channel code
//     is its XM-DAC- identifier): an organisation's iatiRef, else an
//     alias with it (an organisation merged into another);
//   - a name this publisher used before for an organisation (its aliases),
//     or, when the element gives no name, a code it used before;
//   - the name normalised (orgname.Key), within the same organisation type
//     where both give one; an identifier only matches an organisation
//     with none yet, which then takes it. Two or more candidates are
//     ambiguous: none is taken, a new organisation is made and
//     possibleDuplicates lists them for a person to decide.
//
// A code that is not an identifier is kept as an alias of the publisher's
// choosing, never as an iatiRef. Every name and code met is kept as an
// alias with its source (file, publisher, element). An organisation found
// is never renamed or re-typed from an activity file: only an
// organisation file speaks for the organisation.
func (w *orgWriter) resolveAs(ctx context.Context, element, ref, typ, name string) (int, error) {
	raw, name := orgname.Ref(ref), strings.TrimSpace(name)
	id, isID := identity.Canonical(raw)
	if name == "" {
		name = id
	}
	if name == "" {
		return 0, fmt.Errorf("names no organisation")
	}
	kind := kindOf(typ)
	key := "name\x00" + w.publisher + "\x00" + string(kind) + "\x00" + orgname.Key(name)
	switch {
	case isID:
		key = refKey(id)
	case raw != "":
		key = "code\x00" + w.publisher + "\x00" + raw + "\x00" + key
	}
	if oid, ok := w.cache.get(key); ok {
		return oid, nil
	}
	if !w.cache.keyed {
		if err := w.flushOrgs(ctx); err != nil {
			return 0, err
		}
		if err := identity.BackfillNameKeys(ctx, w.c); err != nil {
			return 0, err
		}
		w.cache.keyed = true
	}
	o, err := w.match(ctx, isID, id, raw, name, kind)
	if err != nil {
		return 0, err
	}
	fresh := o == nil
	if fresh {
		b := w.c.Organisation.Create().SetName(name).SetKind(kind)
		if isID {
			b.SetIatiRef(id)
		}
		if o, err = w.createOrg(ctx, b, isID, id, name); err != nil {
			return 0, err
		}
		*w.wrote++
	} else if u, changed := w.complete(o, isID, id, name, kind); changed {
		w.absent.wrote(id, name)
		w.absent.changed(o.ID)
		// The organisation may be one held: inserted before it changes.
		if err := w.flushOrgs(ctx); err != nil {
			return 0, err
		}
		if err := u.Exec(ctx); err != nil {
			return 0, err
		}
		*w.wrote++
	}
	if err := w.remember(ctx, o, fresh, element, raw, id, isID, name); err != nil {
		return 0, err
	}
	w.cache.put(key, o.ID)
	return o.ID, nil
}

// complete gives an organisation found what it lacks: the identifier the
// element names, when it has none, a name, when it was made from an
// element that gave only its identifier, and a type, when it was made from
// one that gave none.
func (w *orgWriter) complete(o *ent.Organisation, isID bool, id, name string, kind organisation.Kind) (*ent.OrganisationUpdateOne, bool) {
	u, changed := w.c.Organisation.UpdateOneID(o.ID), false
	if isID && o.IatiRef == nil {
		u.SetIatiRef(id)
		changed = true
	}
	if o.IatiRef != nil && o.Name == *o.IatiRef && name != *o.IatiRef && name != id {
		u.SetName(name)
		changed = true
	}
	if o.Kind == organisation.KindOTHER && kind != organisation.KindOTHER {
		u.SetKind(kind)
		changed = true
	}
	return u, changed
}

// match finds the organisation an element names; nil when none does, or
// when the name is ambiguous. A publisher's own code decides only when the
// element gives no name: publishers reuse one code for many organisations
// (a CRS channel class such as 22000 for every NGO of a country).
func (w *orgWriter) match(ctx context.Context, isID bool, id, raw, name string, kind organisation.Kind) (*ent.Organisation, error) {
	named := name != id && name != raw
	switch {
	case isID && !w.absent.noRef(id):
		if o, ok, err := w.lookup(ctx, w.held().byIdentifier(id), func() (*ent.Organisation, bool, error) {
			return identity.ByIdentifier(ctx, w.c, id)
		}); err != nil || ok {
			return o, err
		}
	case raw != "" && !named && !w.absent.noRef(raw):
		if o, ok, err := w.lookup(ctx, w.held().byPublisherCode(w.publisher, raw), func() (*ent.Organisation, bool, error) {
			return identity.ByPublisherCode(ctx, w.c, w.publisher, raw)
		}); err != nil || ok {
			return o, err
		}
	}
	if !named {
		return nil, nil
	}
	if w.absent.noName(name) {
		// No alias has the name: the publisher never used it.
	} else if o, ok, err := w.lookup(ctx, w.held().byPublisherName(w.publisher, name), func() (*ent.Organisation, bool, error) {
		return identity.ByPublisherName(ctx, w.c, w.publisher, name)
	}); err != nil {
		return nil, err
	} else if ok && (!isID || o.IatiRef == nil) {
		return o, nil
	}
	if w.absent.noKey(name) {
		return nil, nil
	}
	candidates, known := w.absent.byName(name, kind)
	if !known {
		if err := w.flushOrgs(ctx); err != nil {
			return nil, err
		}
		var err error
		if candidates, err = identity.ByName(ctx, w.c, name, kind); err != nil {
			return nil, err
		}
	}
	if isID {
		candidates = slices.DeleteFunc(candidates, func(o *ent.Organisation) bool { return o.IatiRef != nil })
	}
	if len(candidates) == 1 {
		return candidates[0], nil
	}
	return nil, nil
}

// held is what the batch read of the organisations it names; nil when
// no batch read it.
func (w *orgWriter) held() *orgHeld {
	if w.absent == nil {
		return nil
	}
	return &w.absent.held
}

// lookup is an identity lookup answered from what the batch read and
// holds, when it can say (known), else asked of the store.
func (w *orgWriter) lookup(ctx context.Context, held orgAnswer, ask func() (*ent.Organisation, bool, error)) (*ent.Organisation, bool, error) {
	if held.known {
		return held.o, held.found, nil
	}
	if err := w.flushOrgs(ctx); err != nil {
		return nil, false, err
	}
	return ask()
}

// remember keeps the names and codes an element gave for o as aliases,
// with where they came from, unless o already has them: fresh says o was
// made just now, with none to look for.
func (w *orgWriter) remember(ctx context.Context, o *ent.Organisation, fresh bool, element, raw, id string, isID bool, name string) error {
	source := w.source(element)
	add := func(name, ref string, publisher bool) error {
		q := w.c.OrganisationAlias.Query().Where(organisationalias.OrganisationID(o.ID))
		b := w.c.OrganisationAlias.Create().SetOrganisationID(o.ID).SetSource(source)
		if name != "" {
			q.Where(organisationalias.Name(name))
			b.SetName(name)
		} else {
			q.Where(organisationalias.NameIsNil())
		}
		if ref != "" {
			q.Where(organisationalias.Ref(ref))
			b.SetRef(ref)
		} else {
			q.Where(organisationalias.RefIsNil())
		}
		if publisher && w.publisher != "" {
			q.Where(organisationalias.Publisher(w.publisher))
			b.SetPublisher(w.publisher)
		} else {
			q.Where(organisationalias.PublisherIsNil())
		}
		if !fresh {
			pub := ""
			if publisher {
				pub = w.publisher
			}
			has, known := w.held().hasAlias(o.ID, name, ref, pub)
			if !known {
				if err := w.flushOrgs(ctx); err != nil {
					return err
				}
				var err error
				if has, err = q.Exist(ctx); err != nil {
					return err
				}
			}
			if has {
				return nil
			}
		}
		*w.wrote++
		return w.createAlias(ctx, b, o, ref, name)
	}
	code := ""
	switch {
	case !isID && raw != "":
		code = raw // a publisher's own code
	case isID && raw != id:
		code = raw // a bare DAC code, turned into its identifier
	}
	if name == id || name == raw {
		name = ""
	}
	if name == "" && code == "" {
		return nil
	}
	return add(name, code, true)
}

// previous keeps ref, a previous identifier of organisation id, as its
// alias (no publisher's: an identifier is everyone's), so that an element
// naming the old identifier finds the organisation. An organisation that
// still holds ref as its own identifier is left as it is: it shares the
// identifier, so possibleDuplicates lists it for a person to merge.
func (w *orgWriter) previous(ctx context.Context, id int, ref string) error {
	if err := w.flushOrgs(ctx); err != nil {
		return err
	}
	exists, err := w.c.OrganisationAlias.Query().
		Where(organisationalias.OrganisationID(id), organisationalias.Ref(ref), organisationalias.PublisherIsNil()).Exist(ctx)
	if err != nil || exists {
		return err
	}
	*w.wrote++
	return w.createAlias(ctx, w.c.OrganisationAlias.Create().SetOrganisationID(id).SetRef(ref).
		SetSource(w.source("other-identifier B1")), nil, ref, "")
}

func (w *orgWriter) source(element string) string {
	var parts []string
	if w.cache.file != "" {
		parts = append(parts, w.cache.file)
	}
	if w.publisher != "" {
		parts = append(parts, "publisher "+w.publisher)
	}
	if element != "" {
		parts = append(parts, element)
	}
	if len(parts) == 0 {
		return "IATI import"
	}
	return strings.Join(parts, ", ")
}

// kindOf maps an OrganisationType code to an organisation kind; OTHER when
// the code is missing or unknown (kind is required).
func kindOf(typ string) organisation.Kind {
	if k, ok := iati.OrganisationKindByType[typ]; ok {
		return organisation.Kind(k)
	}
	return organisation.KindOTHER
}

func (im *importer) organisations(ctx context.Context, r *iati.OrganisationReader) (Summary, error) {
	var sum Summary
	for {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		o, err := r.Next()
		if err == io.EOF {
			return sum, nil
		}
		if err != nil {
			return sum, &FileError{err}
		}
		if err := im.organisation(ctx, o, r.Line(), &sum); err != nil {
			return sum, err
		}
		im.progress()
		if im.records%batchSize == 0 {
			if err := im.units.commit(); err != nil {
				return sum, err
			}
		}
	}
}

// organisation imports one iati-organisation: it speaks for itself, so
// its name and (when it reports on itself) its type replace what the store
// holds.
func (im *importer) organisation(ctx context.Context, o *iati.Organisation, line int, sum *Summary) error {
	record := o.Identifier
	if record == "" {
		record = fmt.Sprintf("line %d", line)
	}
	for _, p := range o.Problems {
		if p.Element == "organisation-identifier" || p.Element == "name" {
			continue
		}
		im.skip(sum, Skip{Record: record, Element: p.Element, Reason: p.Reason})
	}
	name := strings.TrimSpace(pick(o.Name, o.Lang))
	whole := func(reason string) {
		im.skip(sum, Skip{Record: record, Element: wholeOrganisation, Reason: reason})
	}
	switch {
	case o.Identifier == "":
		whole("no organisation-identifier: the organisation cannot be keyed; skipped")
		return nil
	case name == "":
		whole("no name narrative: an organisation needs a name; skipped")
		return nil
	case im.seen[hash(o.Identifier)]:
		whole("a second organisation with this identifier in the file; skipped")
		return nil
	}
	im.seen[hash(o.Identifier)] = true
	ident, _ := identity.Canonical(o.Identifier)
	var created, changed bool
	err := im.units.run(ctx, func(ctx context.Context, c *ent.Client) error {
		created, changed = false, false
		existing, err := orgFileMatch(ctx, c, ident, name, kindOf(o.Type()))
		if err != nil {
			return err
		}
		if existing == nil {
			created = true
			return c.Organisation.Create().SetName(name).SetKind(kindOf(o.Type())).SetIatiRef(ident).Exec(ctx)
		}
		u := c.Organisation.UpdateOneID(existing.ID)
		if existing.Name != name {
			u.SetName(name)
			changed = true
		}
		if k, ok := iati.OrganisationKindByType[o.Type()]; ok && existing.Kind != organisation.Kind(k) {
			u.SetKind(organisation.Kind(k))
			changed = true
		}
		if existing.IatiRef == nil {
			u.SetIatiRef(ident)
			changed = true
		}
		if !changed {
			return nil
		}
		return u.Exec(ctx)
	})
	if isFatal(err) || ctx.Err() != nil {
		return err
	}
	im.orgs.known = map[string]int{} // names and refs may have moved
	switch {
	case err != nil:
		whole(fmt.Sprintf("not imported: %s", reason(err)))
	case created:
		sum.Created++
	case changed:
		sum.Updated++
	default:
		sum.Unchanged++
	}
	return nil
}

// orgFileMatch finds the organisation an organisation file speaks for: by
// its identifier (or an alias with it), else the one organisation with no
// identifier yet whose name normalises the same; nil when none.
func orgFileMatch(ctx context.Context, c *ent.Client, ident, name string, kind organisation.Kind) (*ent.Organisation, error) {
	o, ok, err := identity.ByIdentifier(ctx, c, ident)
	if err != nil || ok {
		return o, err
	}
	candidates, err := identity.ByName(ctx, c, name, kind)
	if err != nil {
		return nil, err
	}
	candidates = slices.DeleteFunc(candidates, func(o *ent.Organisation) bool { return o.IatiRef != nil })
	if len(candidates) == 1 {
		return candidates[0], nil
	}
	return nil, nil
}
