package interchange

import (
	"cmp"
	"context"
	"reflect"
	"strconv"
	"strings"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/humanitarianscope"
	"github.com/aidregistry/registry/ent/location"
	"github.com/aidregistry/registry/ent/policymarker"
	"github.com/aidregistry/registry/ent/sector"
	"github.com/aidregistry/registry/internal/audit"
	"github.com/aidregistry/registry/internal/codelists"
	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/money"
)

// projections remakes the rows people filter on (sectors, locations,
// policy markers, humanitarian scopes) from the elements of the activity
// and its transactions, where they differ from what is stored. They are
// derived from the elements, which the history already records, so their
// writes are not recorded again.
func (w *activityWriter) projections(ctx context.Context) error {
	ctx = audit.Skip(ctx)
	a := w.a.Element
	lang := w.a.Lang
	var old struct {
		sectors []*ent.Sector
		locs    []*ent.Location
		markers []*ent.PolicyMarker
		scopes  []*ent.HumanitarianScope
	}
	if w.old != nil {
		old.sectors, old.locs = w.old.Edges.Sectors, w.old.Edges.Locations
		old.markers, old.scopes = w.old.Edges.PolicyMarkers, w.old.Edges.HumanitarianScopes
	}
	pid := w.id
	if err := replace(rowsOf(old.sectors, sectorOfRow), sectorsOf(a.All("sector"), lang),
		func() error { _, err := w.c.Sector.Delete().Where(sector.ProgrammeID(pid)).Exec(ctx); return err },
		func(rows []sectorRow) error { return w.createSectors(ctx, rows, &pid, nil) }); err != nil {
		return err
	}
	for _, f := range w.fundingRows {
		fid := f.id
		if err := replace(rowsOf(f.sectors, sectorOfRow), sectorsOf(f.element.All("sector"), lang),
			func() error { _, err := w.c.Sector.Delete().Where(sector.FundingID(*fid)).Exec(ctx); return err },
			func(rows []sectorRow) error { return w.createSectors(ctx, rows, nil, fid) }); err != nil {
			return err
		}
	}
	if err := replace(rowsOf(old.locs, locationOfRow), locationsOf(a.All("location"), lang),
		func() error { _, err := w.c.Location.Delete().Where(location.ProgrammeID(pid)).Exec(ctx); return err },
		func(rows []locationRow) error {
			bs := make([]*ent.LocationCreate, len(rows))
			for i, r := range rows {
				bs[i] = w.c.Location.Create().SetProgrammeID(pid).SetNillableRef(r.Ref).SetNillableName(r.Name).
					SetNillableDescription(r.Description).SetNillableReach(r.Reach).SetNillableExactness(r.Exactness).
					SetNillableLocationClass(r.Class).SetNillableFeatureDesignation(r.Feature).SetAdministrative(r.Admin)
				if r.Point != nil {
					bs[i].SetPoint(r.Point)
				}
			}
			return insert(ctx, w, func(r *newRows) *pendingTable[*ent.LocationCreate, *ent.Location] { return &r.locations },
				w.c.Location.CreateBulk, built(bs))
		}); err != nil {
		return err
	}
	if err := replace(rowsOf(old.markers, markerOfRow), markersOf(a.All("policy-marker"), lang),
		func() error {
			_, err := w.c.PolicyMarker.Delete().Where(policymarker.ProgrammeID(pid)).Exec(ctx)
			return err
		},
		func(rows []markerRow) error {
			bs := make([]*ent.PolicyMarkerCreate, len(rows))
			for i, r := range rows {
				bs[i] = w.c.PolicyMarker.Create().SetProgrammeID(pid).SetVocabulary(r.Vocabulary).SetCode(r.Code).
					SetNillableName(r.Name).SetNillableSignificance(r.Significance)
			}
			return insert(ctx, w, func(r *newRows) *pendingTable[*ent.PolicyMarkerCreate, *ent.PolicyMarker] { return &r.markers },
				w.c.PolicyMarker.CreateBulk, built(bs))
		}); err != nil {
		return err
	}
	return replace(rowsOf(old.scopes, scopeOfRow), scopesOf(a.All("humanitarian-scope"), lang),
		func() error {
			_, err := w.c.HumanitarianScope.Delete().Where(humanitarianscope.ProgrammeID(pid)).Exec(ctx)
			return err
		},
		func(rows []scopeRow) error {
			bs := make([]*ent.HumanitarianScopeCreate, len(rows))
			for i, r := range rows {
				bs[i] = w.c.HumanitarianScope.Create().SetProgrammeID(pid).SetType(r.Type).
					SetVocabulary(r.Vocabulary).SetCode(r.Code).SetNillableName(r.Name)
			}
			return insert(ctx, w, func(r *newRows) *pendingTable[*ent.HumanitarianScopeCreate, *ent.HumanitarianScope] { return &r.scopes },
				w.c.HumanitarianScope.CreateBulk, built(bs))
		})
}

// replace deletes and recreates one family's rows when the wanted ones
// differ from those stored.
func replace[R any](have, want []R, del func() error, create func([]R) error) error {
	if reflect.DeepEqual(have, want) {
		return nil
	}
	if len(have) > 0 {
		if err := del(); err != nil {
			return err
		}
	}
	if len(want) == 0 {
		return nil
	}
	return create(want)
}

func rowsOf[E any, R any](es []E, row func(E) R) []R {
	out := make([]R, 0, len(es))
	for _, e := range es {
		out = append(out, row(e))
	}
	return out
}

// createSectors makes sector rows of a programme or of a funding, whose id
// is read when the rows are built: a funding left to the batch has its id
// only once the batch inserts it, before its sectors.
func (w *activityWriter) createSectors(ctx context.Context, rows []sectorRow, programmeID, fundingID *int) error {
	builds := make([]func() *ent.SectorCreate, len(rows))
	for i, r := range rows {
		builds[i] = func() *ent.SectorCreate {
			b := w.c.Sector.Create().SetNillableProgrammeID(programmeID).SetVocabulary(r.Vocabulary).
				SetCode(r.Code).SetNillableName(r.Name)
			if fundingID != nil {
				b.SetFundingID(*fundingID)
			}
			if r.Percentage != nil {
				b.SetPercentage(money.MustParse(*r.Percentage))
			}
			return b
		}
	}
	return insert(ctx, w, func(r *newRows) *pendingTable[*ent.SectorCreate, *ent.Sector] { return &r.sectors },
		w.c.Sector.CreateBulk, builds)
}

// attr is an attribute's trimmed value.
func attr(e *iati.Element, name string) string { return strings.TrimSpace(e.Attr(name)) }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// narrative is the element's narrative in lang, else its first.
func narrative(e *iati.Element, lang string) *string {
	if e == nil {
		return nil
	}
	return optional(pick(e.Narratives(lang), lang))
}

type sectorRow struct {
	Vocabulary, Code string
	Name             *string
	Percentage       *string
}

// sectorsOf makes sector rows of sector elements: the vocabulary as
// written ("1" where none is), the name from the codelist for DAC
// vocabularies, else the publisher's narrative. Sectors without a code are
// only kept as elements.
func sectorsOf(els []*iati.Element, lang string) []sectorRow {
	out := []sectorRow{}
	for _, e := range els {
		code := attr(e, "code")
		if code == "" {
			continue
		}
		vocab := cmp.Or(attr(e, "vocabulary"), "1")
		name := optional(codelists.SectorName(vocab, code))
		if name == nil {
			name = narrative(e, lang)
		}
		var pct *string
		if p, err := money.Parse(attr(e, "percentage")); err == nil {
			s := p.String()
			pct = &s
		}
		out = append(out, sectorRow{vocab, code, name, pct})
	}
	return out
}

func sectorOfRow(s *ent.Sector) sectorRow {
	var pct *string
	if s.Percentage != nil {
		p := s.Percentage.String()
		pct = &p
	}
	return sectorRow{s.Vocabulary, s.Code, s.Name, pct}
}

type locationRow struct {
	Ref, Name, Description, Reach, Exactness, Class, Feature *string
	Point                                                    *iati.Point
	Admin                                                    []iati.Administrative
}

func locationsOf(els []*iati.Element, lang string) []locationRow {
	out := []locationRow{}
	code := func(e *iati.Element, child string) *string {
		if c := e.First(child); c != nil {
			return optional(attr(c, "code"))
		}
		return nil
	}
	for _, e := range els {
		r := locationRow{Ref: optional(attr(e, "ref")), Name: narrative(e.First("name"), lang),
			Description: narrative(e.First("description"), lang), Reach: code(e, "location-reach"),
			Exactness: code(e, "exactness"), Class: code(e, "location-class"), Feature: code(e, "feature-designation"),
			Admin: []iati.Administrative{}}
		if p := e.First("point"); p != nil {
			r.Point = pointOf(p.First("pos"))
		}
		for _, ad := range e.All("administrative") {
			r.Admin = append(r.Admin, iati.Administrative{Vocabulary: attr(ad, "vocabulary"), Level: attr(ad, "level"), Code: attr(ad, "code")})
		}
		out = append(out, r)
	}
	return out
}

// pointOf reads a gml pos, "latitude longitude" (a comma between them is
// met in real files and tolerated); nil when it is not two numbers.
func pointOf(pos *iati.Element) *iati.Point {
	if pos == nil {
		return nil
	}
	f := strings.Fields(strings.ReplaceAll(pos.Text, ",", " "))
	if len(f) != 2 {
		return nil
	}
	lat, err1 := strconv.ParseFloat(f[0], 64)
	lon, err2 := strconv.ParseFloat(f[1], 64)
	if err1 != nil || err2 != nil {
		return nil
	}
	return &iati.Point{Latitude: lat, Longitude: lon}
}

func locationOfRow(l *ent.Location) locationRow {
	admin := l.Administrative
	if admin == nil {
		admin = []iati.Administrative{}
	}
	return locationRow{l.Ref, l.Name, l.Description, l.Reach, l.Exactness, l.LocationClass, l.FeatureDesignation, l.Point, admin}
}

type markerRow struct {
	Vocabulary, Code   string
	Name, Significance *string
}

func markersOf(els []*iati.Element, lang string) []markerRow {
	out := []markerRow{}
	for _, e := range els {
		code := attr(e, "code")
		if code == "" {
			continue
		}
		vocab := cmp.Or(attr(e, "vocabulary"), "1")
		var name *string
		if vocab == "1" {
			name = optional(codelists.Name(codelists.PolicyMarker, code))
		}
		if name == nil {
			name = narrative(e, lang)
		}
		out = append(out, markerRow{vocab, code, name, optional(attr(e, "significance"))})
	}
	return out
}

func markerOfRow(m *ent.PolicyMarker) markerRow {
	return markerRow{m.Vocabulary, m.Code, m.Name, m.Significance}
}

type scopeRow struct {
	Type, Vocabulary, Code string
	Name                   *string
}

func scopesOf(els []*iati.Element, lang string) []scopeRow {
	out := []scopeRow{}
	for _, e := range els {
		code := attr(e, "code")
		if code == "" {
			continue
		}
		out = append(out, scopeRow{attr(e, "type"), attr(e, "vocabulary"), code, narrative(e, lang)})
	}
	return out
}

func scopeOfRow(h *ent.HumanitarianScope) scopeRow {
	return scopeRow{h.Type, h.Vocabulary, h.Code, h.Name}
}
