package interchange

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/internal/iati"
)

// orgIdentifier is the shape of an IATI organisation identifier: a
// registration agency's prefix (country or XM/XI, then the agency) and the
// organisation's number there: XM-DAC-47066, ES-DIR3-E04585801,
// GB-COH-01234567. Publishers also put their own codes in refs ("35"):
// those are kept as given but never trusted to identify an organisation.
var orgIdentifier = regexp.MustCompile(`^[A-Za-z]{2}-[A-Za-z0-9]+-\S+$`)

// IsOrganisationIdentifier reports whether ref has the shape of an IATI
// organisation identifier.
func IsOrganisationIdentifier(ref string) bool { return orgIdentifier.MatchString(ref) }

// orgCache remembers which organisation a ref or a name resolved to. What
// a record resolved is staged, and kept only once its transaction commits.
type orgCache struct {
	known, staged map[string]int
}

func newOrgCache() *orgCache {
	return &orgCache{known: map[string]int{}, staged: map[string]int{}}
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
func nameKey(name string) string {
	return "name\x00" + strings.ToLower(strings.Join(strings.Fields(name), " "))
}

// orgWriter finds or makes organisations for one record's transaction.
type orgWriter struct {
	c     *ent.Client
	cache *orgCache
	// wrote counts organisations created or changed.
	wrote *int
}

// resolve finds the organisation an IATI element names, or creates it:
//   - a ref shaped like an organisation identifier is matched against
//     iatiRef; failing that, the name is matched among organisations with
//     no identifier yet (which then get this one); failing that, the
//     organisation is created with the identifier;
//   - any other ref (a publisher's own code) is kept as given but the name
//     decides: an organisation of that name, else a new one, which takes
//     the ref as its iatiRef when no one holds it;
//   - with no name, the ref stands for it.
//
// An organisation found is never renamed or re-typed from an activity
// file: activities name their partners in many ways, and only an
// organisation file speaks for the organisation.
func (w *orgWriter) resolve(ctx context.Context, ref, typ, name string) (int, error) {
	ref, name = strings.TrimSpace(ref), strings.TrimSpace(name)
	if name == "" {
		name = ref
	}
	if name == "" {
		return 0, fmt.Errorf("names no organisation")
	}
	identifier := IsOrganisationIdentifier(ref)
	if identifier {
		if id, ok := w.cache.get(refKey(ref)); ok {
			return id, nil
		}
		o, err := w.c.Organisation.Query().Where(organisation.IatiRef(ref)).Only(ctx)
		if err == nil {
			w.cache.put(refKey(ref), o.ID)
			return o.ID, nil
		}
		if !ent.IsNotFound(err) {
			return 0, err
		}
		o, err = w.c.Organisation.Query().
			Where(organisation.NameEqualFold(name), organisation.IatiRefIsNil()).
			Order(organisation.ByID()).First(ctx)
		if err == nil {
			if err := w.c.Organisation.UpdateOneID(o.ID).SetIatiRef(ref).Exec(ctx); err != nil {
				return 0, err
			}
			*w.wrote++
			w.cache.put(refKey(ref), o.ID)
			return o.ID, nil
		}
		if !ent.IsNotFound(err) {
			return 0, err
		}
		id, err := w.create(ctx, name, typ, ref)
		if err != nil {
			return 0, err
		}
		w.cache.put(refKey(ref), id)
		return id, nil
	}
	if id, ok := w.cache.get(nameKey(name)); ok {
		return id, nil
	}
	o, err := w.c.Organisation.Query().Where(organisation.NameEqualFold(name)).
		Order(organisation.ByID()).First(ctx)
	if err == nil {
		w.cache.put(nameKey(name), o.ID)
		return o.ID, nil
	}
	if !ent.IsNotFound(err) {
		return 0, err
	}
	keep := ""
	if ref != "" {
		taken, err := w.c.Organisation.Query().Where(organisation.IatiRef(ref)).Exist(ctx)
		if err != nil {
			return 0, err
		}
		if !taken {
			keep = ref
		}
	}
	id, err := w.create(ctx, name, typ, keep)
	if err != nil {
		return 0, err
	}
	w.cache.put(nameKey(name), id)
	return id, nil
}

func (w *orgWriter) create(ctx context.Context, name, typ, ref string) (int, error) {
	b := w.c.Organisation.Create().SetName(name).SetKind(kindOf(typ))
	if ref != "" {
		b.SetIatiRef(ref)
	}
	o, err := b.Save(ctx)
	if err != nil {
		return 0, err
	}
	*w.wrote++
	return o.ID, nil
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
	var created, changed bool
	err := im.units.run(ctx, func(ctx context.Context, c *ent.Client) error {
		created, changed = false, false
		existing, err := c.Organisation.Query().Where(organisation.IatiRef(o.Identifier)).Only(ctx)
		if ent.IsNotFound(err) {
			existing, err = c.Organisation.Query().
				Where(organisation.NameEqualFold(name), organisation.IatiRefIsNil()).
				Order(organisation.ByID()).First(ctx)
		}
		if ent.IsNotFound(err) {
			created = true
			return c.Organisation.Create().SetName(name).SetKind(kindOf(o.Type())).SetIatiRef(o.Identifier).Exec(ctx)
		}
		if err != nil {
			return err
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
			u.SetIatiRef(o.Identifier)
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
