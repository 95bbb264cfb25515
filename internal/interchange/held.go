package interchange

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/aidregistry/registry/internal/iati"
	"github.com/aidregistry/registry/internal/validate"
)

// held shares an activity's elements out among the records that stand for
// them (iati.Family.Holder): a row made of an element takes it, and what no
// row takes stays with the programme.
type held struct {
	a     *iati.Element
	byKey map[string][]*iati.Element
	taken map[*iati.Element]bool
}

func newHeld(a *iati.Element) *held {
	h := &held{a: a, byKey: map[string][]*iati.Element{}, taken: map[*iati.Element]bool{}}
	for _, c := range a.Children {
		h.byKey[c.Key()] = append(h.byKey[c.Key()], c)
	}
	return h
}

// take gives a row the i-th element of a family (its index among the
// activity's elements of that name).
func (h *held) take(family string, i int) *iati.Element {
	els := h.byKey[family]
	if i < 0 || i >= len(els) {
		return nil
	}
	h.taken[els[i]] = true
	return els[i]
}

// release gives an element back to the programme (its row was refused).
func (h *held) release(els ...*iati.Element) {
	for _, e := range els {
		delete(h.taken, e)
	}
}

// programme is the activity as the programme holds it: its attributes and
// every child no row took.
func (h *held) programme() []*iati.Element {
	root := &iati.Element{Space: h.a.Space, Name: h.a.Name, Attrs: h.a.Attrs}
	for _, c := range h.a.Children {
		if !h.taken[c] {
			root.Children = append(root.Children, c)
		}
	}
	return []*iati.Element{root}
}

// notes collects quality notes for one record.
type notes []iati.QualityNote

func (n *notes) add(code, elem, format string, args ...any) {
	*n = append(*n, iati.QualityNote{Code: code, Element: elem, Message: fmt.Sprintf(format, args...)})
}

func (n *notes) departures(elem string, ds []validate.Departure) {
	for _, d := range ds {
		*n = append(*n, iati.QualityNote{Code: d.Code, Element: elem, Message: d.Message})
	}
}

// percentages sums the percentage attributes of elements exactly; ok is
// false when none has one.
func percentages(els []*iati.Element) (sum decimal.Decimal, ok bool) {
	for _, e := range els {
		p := strings.TrimSpace(e.Attr("percentage"))
		if p == "" {
			continue
		}
		d, err := decimal.NewFromString(p)
		if err != nil {
			continue // the reader has noted it
		}
		sum, ok = sum.Add(d), true
	}
	return sum, ok
}

var hundred = decimal.NewFromInt(100)

// activityNotes are the departures IATI's own rules see in the activity as
// a whole: recipient countries and regions whose percentages do not add up
// to 100 (regions counted per vocabulary, as IATI's rule does), and
// sectors per vocabulary likewise.
func activityNotes(a *iati.Element, n *notes) {
	countries := a.All("recipient-country")
	byVocab := map[string][]*iati.Element{}
	var vocabs []string
	for _, r := range a.All("recipient-region") {
		v := cmp.Or(strings.TrimSpace(r.Attr("vocabulary")), "1")
		if _, seen := byVocab[v]; !seen {
			vocabs = append(vocabs, v)
		}
		byVocab[v] = append(byVocab[v], r)
	}
	if len(vocabs) == 0 {
		vocabs = []string{""}
	}
	for _, v := range vocabs {
		els := append(slices.Clone(countries), byVocab[v]...)
		if sum, ok := percentages(els); ok && !sum.Equal(hundred) {
			elem := "recipient-country"
			if v != "" {
				elem += ", recipient-region vocabulary " + v
			}
			n.add(iati.NoteSharesNot100, elem, "the percentages add up to %s, not 100; kept as published", sum.String())
		}
	}
	sectorNotes(a.All("sector"), "sector", n)
}

// sectorNotes notes sector percentages that do not add up to 100 within a
// vocabulary.
func sectorNotes(sectors []*iati.Element, elem string, n *notes) {
	byVocab := map[string][]*iati.Element{}
	var vocabs []string
	for _, s := range sectors {
		v := cmp.Or(strings.TrimSpace(s.Attr("vocabulary")), "1")
		if _, seen := byVocab[v]; !seen {
			vocabs = append(vocabs, v)
		}
		byVocab[v] = append(byVocab[v], s)
	}
	for _, v := range vocabs {
		if sum, ok := percentages(byVocab[v]); ok && !sum.Equal(hundred) {
			n.add(iati.NoteSectorsNot100, elem+" vocabulary "+v, "the percentages add up to %s, not 100; kept as published", sum.String())
		}
	}
}

// noteCounts counts quality notes by code, in the order codes were met.
func noteCounts(into []NoteCount, ns []iati.QualityNote) []NoteCount {
	for _, n := range ns {
		i := slices.IndexFunc(into, func(c NoteCount) bool { return c.Code == n.Code })
		if i < 0 {
			into = append(into, NoteCount{Code: n.Code})
			i = len(into) - 1
		}
		into[i].Count++
	}
	return into
}
