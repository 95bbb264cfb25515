package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/internal/auth"
)

const searchQuery = `query($q: String!, $types: [SearchType!], $first: Int, $after: Cursor) {
  search(query: $q, types: $types, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor score snippet
      node {
        __typename
        ... on Organisation { id name acronym }
        ... on Programme { id code title }
        ... on Agreement { id title }
        ... on Event { id title }
      }
    }
  }
}`

type searchHitJSON struct {
	Cursor  string  `json:"cursor"`
	Score   float64 `json:"score"`
	Snippet string  `json:"snippet"`
	Node    struct {
		Typename string `json:"__typename"`
		ID       string `json:"id"`
		Name     string `json:"name"`
		Code     string `json:"code"`
		Title    string `json:"title"`
	} `json:"node"`
}

// label names a hit the way the tests below expect it: a programme by its
// code, an organisation by its name, anything else by its title.
func (h searchHitJSON) label() string {
	switch h.Node.Typename {
	case "Programme":
		return "Programme " + h.Node.Code
	case "Organisation":
		return "Organisation " + h.Node.Name
	}
	return h.Node.Typename + " " + h.Node.Title
}

type searchJSON struct {
	TotalCount int `json:"totalCount"`
	PageInfo   struct {
		HasNextPage     bool    `json:"hasNextPage"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		StartCursor     *string `json:"startCursor"`
		EndCursor       *string `json:"endCursor"`
	} `json:"pageInfo"`
	Edges []searchHitJSON `json:"edges"`
}

func runSearch(t *testing.T, r *registry, vars map[string]any) searchJSON {
	t.Helper()
	var data struct {
		Search searchJSON `json:"search"`
	}
	r.mustData(t, searchQuery, vars, &data)
	return data.Search
}

func labels(s searchJSON) []string {
	var out []string
	for _, e := range s.Edges {
		out = append(out, e.label())
	}
	return out
}

// TestSearchRanking: over the demo data, both stores put the obvious hit
// first, whatever the case and accents, and mark the words in a snippet.
func TestSearchRanking(t *testing.T) {
	const (
		eventIT       = "Event Using Information Technology to Transfer Skills from the Diaspora"
		eventPeace    = "Event Peacebuilding: The Role of Diasporas"
		ulb           = "Organisation Université Libre de Bruxelles"
		agreementIOMU = "Agreement IOM–UNITAR partnership to engage diasporas in peacebuilding"
	)
	cases := []struct {
		name    string
		query   string
		types   []string
		want    []string // the first hits, in order
		total   int      // 0: not checked
		snippet string   // in the first hit's snippet
	}{
		// QUESTS-MIDA builds on UNDP's own QUESTS project, which the demo
		// holds under the code QUESTS: an exact code match comes first,
		// QUESTS-MIDA right after it.
		{"a programme code", "QUESTS", nil, []string{"Programme QUESTS", "Programme QUESTS-MIDA"}, 2, "<mark>QUESTS</mark>"},
		{"a hyphenated code", "QUESTS-MIDA", nil, []string{"Programme QUESTS-MIDA"}, 0, "<mark>QUESTS</mark>"},
		{"a nationality and a theme", "Malian diaspora", nil, []string{"Programme S72-805"}, 0, "<mark>Malian"},
		{"a name without its accents", "Universite Libre", nil, []string{ulb, "Organisation Université Virtuelle Africaine"}, 2, "<mark>Université</mark> <mark>Libre</mark> de Bruxelles"},
		{"a name in capitals with its accents", "UNIVERSITÉ LIBRE", nil, []string{ulb}, 0, "<mark>Université</mark>"},
		{"three words, one on each field", "diaspora IT Rwanda", nil, []string{eventIT}, 8, "<mark>Rwanda</mark>"},
		{"an acronym", "unesco", nil, []string{"Organisation UNESCO"}, 1, "<mark>UNESCO</mark>"},
		{"an acronym in a name", "IOM", nil, []string{"Organisation International Organization for Migration"}, 0, "<mark>IOM</mark>"},
		{"a place", "Butare", nil, []string{eventIT}, 1, "<mark>Butare</mark>"},
		{"a plural finds the singular", "diasporas peacebuilding", []string{"AGREEMENT", "EVENT"}, []string{agreementIOMU, eventPeace}, 3, "<mark>diasporas</mark>"},
		{"only the types asked", "diaspora", []string{"EVENT"}, []string{eventPeace, eventIT}, 2, "<mark>Diasporas</mark>"},
		{"punctuation is not syntax", `"Libre" OR -Bruxelles*`, nil, []string{ulb}, 0, "<mark>Libre</mark>"},
		{"nothing matches", "xylophone", nil, nil, 0, ""},
	}
	eachRegistry(t, func(t *testing.T, r *registry) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				vars := map[string]any{"q": c.query}
				if c.types != nil {
					vars["types"] = c.types
				}
				s := runSearch(t, r, vars)
				got := labels(s)
				if len(got) < len(c.want) || strings.Join(got[:len(c.want)], "\n") != strings.Join(c.want, "\n") {
					t.Errorf("first hits:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
				}
				if c.total != 0 && s.TotalCount != c.total {
					t.Errorf("totalCount %d, want %d (hits %v)", s.TotalCount, c.total, got)
				}
				if len(c.want) == 0 && (s.TotalCount != 0 || len(s.Edges) != 0) {
					t.Errorf("found %v", got)
				}
				if c.snippet != "" && len(s.Edges) > 0 && !strings.Contains(s.Edges[0].Snippet, c.snippet) {
					t.Errorf("snippet %q does not contain %q", s.Edges[0].Snippet, c.snippet)
				}
				for i := 1; i < len(s.Edges); i++ {
					if s.Edges[i].Score > s.Edges[i-1].Score {
						t.Errorf("hit %d scores %v, above hit %d's %v", i, s.Edges[i].Score, i-1, s.Edges[i-1].Score)
					}
				}
			})
		}
	})
}

// TestSearchPages: pages follow one another without gaps or repeats, and
// pageInfo says where they are.
func TestSearchPages(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		all := runSearch(t, r, map[string]any{"q": "diaspora IT Rwanda", "first": 100})
		if all.TotalCount != len(all.Edges) || all.TotalCount < 5 || all.PageInfo.HasNextPage || all.PageInfo.HasPreviousPage {
			t.Fatalf("one page of everything: %d edges, totalCount %d, pageInfo %+v", len(all.Edges), all.TotalCount, all.PageInfo)
		}
		var paged []string
		vars := map[string]any{"q": "diaspora IT Rwanda", "first": 3}
		for range 10 {
			s := runSearch(t, r, vars)
			if s.TotalCount != all.TotalCount {
				t.Errorf("totalCount %d on a later page, want %d", s.TotalCount, all.TotalCount)
			}
			paged = append(paged, labels(s)...)
			if !s.PageInfo.HasNextPage {
				break
			}
			if s.PageInfo.EndCursor == nil {
				t.Fatal("a page with more after it has no endCursor")
			}
			vars["after"] = *s.PageInfo.EndCursor
		}
		if strings.Join(paged, "\n") != strings.Join(labels(all), "\n") {
			t.Errorf("pages of 3 give\n  %s\nwant\n  %s", strings.Join(paged, "\n  "), strings.Join(labels(all), "\n  "))
		}
		past := runSearch(t, r, map[string]any{"q": "diaspora IT Rwanda", "after": all.Edges[len(all.Edges)-1].Cursor})
		if len(past.Edges) != 0 || past.TotalCount != all.TotalCount || !past.PageInfo.HasPreviousPage || past.PageInfo.HasNextPage {
			t.Errorf("after the last hit: %d edges, totalCount %d, pageInfo %+v", len(past.Edges), past.TotalCount, past.PageInfo)
		}
	})
}

// unionQuery selects edges below every member of the SearchHit union, which
// entgql v0.7.0's collection is known to mix up: each hit must carry what
// node(id:) gives for the same record.
const unionQuery = `query($q: String!, $first: Int, $types: [SearchType!]) {
  search(query: $q, first: $first, types: $types) {
    edges { node { ...hit } }
  }
}
fragment hit on SearchHit {
  __typename
  ... on Programme { id code countries { role country { iso2 } } participations { role organisation { acronym name } } parent { code } }
  ... on Organisation { id name presences { openedIn country { iso2 } } headquarters { iso2 } }
  ... on Event { id title organisers { name } participants { name } programme { code } }
  ... on Agreement { id title parties { signatoryName organisation { acronym } } }
}`

const nodeQuery = `query($id: ID!) { node(id: $id) { ...hit } }
fragment hit on Node {
  __typename
  ... on Programme { id code countries { role country { iso2 } } participations { role organisation { acronym name } } parent { code } }
  ... on Organisation { id name presences { openedIn country { iso2 } } headquarters { iso2 } }
  ... on Event { id title organisers { name } participants { name } programme { code } }
  ... on Agreement { id title parties { signatoryName organisation { acronym } } }
}`

// TestSearchHitsLoadTheirEdges: hits of every type come with the edges the
// query selects under their type, the same as node(id:) answers, and the
// statements run do not grow with the page.
func TestSearchHitsLoadTheirEdges(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		var data struct {
			Search struct {
				Edges []struct {
					Node json.RawMessage `json:"node"`
				} `json:"edges"`
			} `json:"search"`
		}
		r.mustData(t, unionQuery, map[string]any{"q": "diaspora IT Rwanda IOM Libre", "first": 100}, &data)
		types := map[string]bool{}
		for _, e := range data.Search.Edges {
			var n struct {
				Typename string `json:"__typename"`
				ID       string `json:"id"`
			}
			mustDecode(t, e.Node, &n)
			types[n.Typename] = true
			var direct struct {
				Node json.RawMessage `json:"node"`
			}
			r.mustData(t, nodeQuery, map[string]any{"id": n.ID}, &direct)
			if got, want := canonical(t, e.Node), canonical(t, direct.Node); string(got) != string(want) {
				t.Errorf("%s %s as a search hit:\n%s\nas node(id:):\n%s", n.Typename, n.ID, got, want)
			}
		}
		if len(types) != 4 {
			t.Errorf("hits of types %v; the query should reach all four", types)
		}

		count := func(first int, typ string) int64 {
			before := r.Store.Counter.Count()
			var v any
			r.mustData(t, unionQuery, map[string]any{"q": "diaspora Rwanda", "first": first, "types": []string{typ}}, &v)
			return r.Store.Counter.Count() - before
		}
		// 1 ranked query, then the page's records of the type and at most
		// one query per edge selected below them (none below an edge that
		// holds no record).
		for typ, most := range map[string]int64{"PROGRAMME": 1 + 1 + 2 + 2 + 1, "EVENT": 1 + 1 + 3, "ORGANISATION": 1 + 1 + 2 + 1} {
			if one, all := count(1, typ), count(100, typ); one != all || all > most {
				t.Errorf("%s hits: a page of 1 ran %d statements, a page of 100 ran %d; want the same, at most %d", typ, one, all, most)
			}
		}
		var v any
		before := r.Store.Counter.Count()
		r.mustData(t, `{ search(query: "diaspora") { totalCount edges { score snippet } } }`, nil, &v)
		if n := r.Store.Counter.Count() - before; n != 1 {
			t.Errorf("a search that selects no node ran %d statements, want 1", n)
		}
	})
}

// TestSearchFollowsWrites: the index changes with every create, update and
// delete, through the API or ent directly, and a rolled-back mutation
// leaves it as it was.
func TestSearchFollowsWrites(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		admin := makeKeys(t, r).Admin
		write := func(q string) json.RawMessage {
			t.Helper()
			resp := r.queryAs(t, admin, q, nil)
			if len(resp.Errors) > 0 {
				t.Fatalf("%s: %+v", q, resp.Errors)
			}
			return resp.Data
		}
		found := func(q string) []string {
			t.Helper()
			return labels(runSearch(t, r, map[string]any{"q": q}))
		}
		expect := func(step, q string, want ...string) {
			t.Helper()
			if got := found(q); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s: %q finds %v, want %v", step, q, got, want)
			}
		}

		var created struct {
			CreateProgramme struct {
				ID string `json:"id"`
			} `json:"createProgramme"`
		}
		mustDecode(t, write(`mutation { createProgramme(input: {code: "ZX-1", title: "Xylophone lessons for returning experts", description: "Música in Goma"}) { id } }`), &created)
		id := created.CreateProgramme.ID
		expect("created", "xylophone", "Programme ZX-1")
		expect("created, accents in the description", "musica goma", "Programme ZX-1")

		write(fmt.Sprintf(`mutation { updateProgramme(id: %q, input: {title: "Marimba lessons for returning experts"}) { id } }`, id))
		expect("title changed", "xylophone")
		expect("title changed", "marimba", "Programme ZX-1")

		write(fmt.Sprintf(`mutation { updateProgramme(id: %q, input: {clearDescription: true}) { id } }`, id))
		expect("description cleared", "goma")

		write(fmt.Sprintf(`mutation { deleteProgramme(id: %q) }`, id))
		expect("deleted", "marimba")

		// One operation, one transaction: the second create fails, so the
		// first, and its search document, are rolled back.
		resp := r.queryAs(t, admin, `mutation {
		  a: createProgramme(input: {code: "ZX-2", title: "Vibraphone workshop"}) { id }
		  b: createProgramme(input: {code: "ZX-2", title: "Vibraphone workshop again"}) { id }
		}`, nil)
		if len(resp.Errors) == 0 {
			t.Fatal("a duplicate code was accepted")
		}
		expect("rolled back", "vibraphone")

		write(`mutation { createOrganisation(input: {name: "Fondation Hélène Dupré", acronym: "FHD", kind: FOUNDATION}) { id } }`)
		expect("organisation created", "helene dupre", "Organisation Fondation Hélène Dupré")
		expect("organisation created, by acronym", "fhd", "Organisation Fondation Hélène Dupré")

		// Writes through ent directly, many rows at once, go through the
		// same hooks.
		ctx := auth.AsSystem(context.Background())
		c := r.Store.Client
		n, err := c.Programme.Update().Where(programme.CodeHasPrefix("MIDA-GREAT-LAKES")).
			SetDescription("Now about the glockenspiel.").Save(ctx)
		if err != nil || n != 2 {
			t.Fatalf("update many: %d, %v", n, err)
		}
		expect("many updated", "glockenspiel", "Programme MIDA-GREAT-LAKES", "Programme MIDA-GREAT-LAKES-PILOT")
		if err := c.Programme.Update().Where(programme.CodeHasPrefix("MIDA-GREAT-LAKES")).SetTheme("Music").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		expect("an update of fields search does not read", "glockenspiel", "Programme MIDA-GREAT-LAKES", "Programme MIDA-GREAT-LAKES-PILOT")
		if _, err := c.Programme.Create().SetCode("ZX-3").SetTitle("Ocarina").Save(ctx); err != nil {
			t.Fatal(err)
		}
		expect("created through ent", "ocarina", "Programme ZX-3")
		if _, err := c.Programme.Delete().Where(programme.Code("ZX-3")).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		expect("deleted through ent", "ocarina")
	})
}
