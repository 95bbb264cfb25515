package interchange

import (
	"context"
	"fmt"
	"time"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/iati"
)

// published writes an imported programme back as its publisher wrote it,
// from its records: each record still as imported (updated_at equal to
// iati_synced_at) gives the elements it holds, exactly; a record changed
// through the API, or made by it, gives the elements its fields make (the
// registry's own view, as the typed writer renders it). Elements go back in
// the schema's order, and within a family in the file's.
func (ex *exporter) published(ctx context.Context, p *ent.Programme, links []*ent.ActivityLink) (*iati.Element, []Skip, error) {
	a, rows, notes, err := ex.render(ctx, p, links)
	if err != nil {
		return nil, nil, err
	}
	own, err := iati.Render(a)
	if err != nil {
		return nil, nil, fmt.Errorf("render programme %s: %w", p.Code, err)
	}
	explicitLang(own, own.Lang())

	stored := p.IatiElements[0]
	root := &iati.Element{Space: stored.Space, Name: stored.Name, Attrs: stored.Attrs}
	edited := !inSync(p.UpdatedAt, p.IatiSyncedAt)
	for _, c := range stored.Children {
		if f, ok := iati.FamilyOf(c.Key()); ok && f.Bound && edited {
			continue // written from the programme's fields below
		}
		root.Children = append(root.Children, c)
	}
	if edited {
		for _, f := range iati.ActivityFamilies {
			if f.Bound {
				root.Children = append(root.Children, own.All(f.Name)...)
			}
		}
	}

	// The records holding elements, by family and id.
	type holder struct {
		updated time.Time
		synced  *time.Time
		elems   []*iati.Element
	}
	byID := map[string]map[int]holder{
		"participating-org": {}, "recipient-country": {}, "contact-info": {}, "transaction": {},
	}
	for _, r := range p.Edges.Participations {
		byID["participating-org"][r.ID] = holder{r.UpdatedAt, r.IatiSyncedAt, r.IatiElements}
	}
	for _, r := range p.Edges.Countries {
		byID["recipient-country"][r.ID] = holder{r.UpdatedAt, r.IatiSyncedAt, r.IatiElements}
	}
	for _, r := range p.Edges.Contacts {
		byID["contact-info"][r.ID] = holder{r.UpdatedAt, r.IatiSyncedAt, r.IatiElements}
	}
	for _, r := range p.Edges.Fundings {
		byID["transaction"][r.ID] = holder{r.UpdatedAt, r.IatiSyncedAt, r.IatiElements}
	}
	// Records as imported give their elements, even those the typed view
	// leaves out (a PARTNER, a funding IATI's writer would refuse).
	written := map[string]map[int]bool{}
	for family, rs := range byID {
		written[family] = map[int]bool{}
		for id, h := range rs {
			if len(h.elems) > 0 && inSync(h.updated, h.synced) {
				root.Children = append(root.Children, h.elems...)
				written[family][id] = true
			}
		}
	}
	// The others give what their fields make, in the place of the element
	// they held, or after the published ones when they held none.
	for family, ids := range rows {
		rendered := own.All(family)
		for i, id := range ids {
			if written[family][id] || i >= len(rendered) {
				continue
			}
			e := rendered[i]
			if h := byID[family][id]; len(h.elems) > 0 {
				e.Pos = h.elems[0].Pos
			} else {
				e.Pos = 1<<20 + i
			}
			root.Children = append(root.Children, e)
		}
	}
	iati.SchemaOrder(root.Children)
	return root, notes, nil
}

// inSync says a record is as the import left it.
func inSync(updated time.Time, synced *time.Time) bool {
	return synced != nil && synced.Equal(updated)
}

// explicitLang gives every narrative of a rendered activity its language:
// merged among a publisher's elements, it cannot inherit the activity's.
func explicitLang(e *iati.Element, lang string) {
	if lang == "" {
		return
	}
	for _, c := range e.Children {
		if c.Space == "" && c.Name == "narrative" && c.Lang() == "" {
			c.Attrs = append(c.Attrs, iati.Attr{Space: "http://www.w3.org/XML/1998/namespace", Name: "lang", Value: lang})
		}
		explicitLang(c, lang)
	}
}
