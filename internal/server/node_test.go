package server_test

import (
	"testing"
)

// nodeSamples finds one id of every entity type through the public API.
const nodeSamples = `query {
  programmes(where: {code: "MIDA-GREAT-LAKES"}) { edges { node {
    id
    participations { id organisation { id presences { id } contacts { id } } }
    countries { id country { id } }
    results { id }
    fundings { id }
    events { id }
    sources { id }
  } } }
  agreements(first: 1) { edges { node { id parties { id } } } }
  countries(where: {iso2: "SO"}) { edges { node { areas { id } } } }
}`

type idOnly struct {
	ID string `json:"id"`
}

type samples struct {
	Programmes struct {
		Edges []struct {
			Node struct {
				ID             string `json:"id"`
				Participations []struct {
					ID           string `json:"id"`
					Organisation struct {
						ID        string   `json:"id"`
						Presences []idOnly `json:"presences"`
						Contacts  []idOnly `json:"contacts"`
					} `json:"organisation"`
				} `json:"participations"`
				Countries []struct {
					ID      string `json:"id"`
					Country idOnly `json:"country"`
				} `json:"countries"`
				Results  []idOnly `json:"results"`
				Fundings []idOnly `json:"fundings"`
				Events   []idOnly `json:"events"`
				Sources  []idOnly `json:"sources"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"programmes"`
	Agreements struct {
		Edges []struct {
			Node struct {
				ID      string   `json:"id"`
				Parties []idOnly `json:"parties"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"agreements"`
	Countries struct {
		Edges []struct {
			Node struct {
				Areas []idOnly `json:"areas"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"countries"`
}

// sampleIDs maps each GraphQL type to one id of it, failing when the demo
// data lacks a type.
func sampleIDs(t *testing.T, r *registry) map[string]string {
	t.Helper()
	var s samples
	r.mustData(t, nodeSamples, nil, &s)
	if len(s.Programmes.Edges) != 1 || len(s.Agreements.Edges) != 1 || len(s.Countries.Edges) != 1 {
		t.Fatalf("demo data lacks a sample record: %+v", s)
	}
	p := s.Programmes.Edges[0].Node
	ids := map[string]string{"Programme": p.ID, "Agreement": s.Agreements.Edges[0].Node.ID}
	first := func(typ string, list []idOnly) {
		if len(list) > 0 {
			ids[typ] = list[0].ID
		}
	}
	for _, part := range p.Participations {
		ids["Participation"] = part.ID
		ids["Organisation"] = part.Organisation.ID
		first("Presence", part.Organisation.Presences)
		first("Contact", part.Organisation.Contacts)
	}
	for _, c := range p.Countries {
		ids["ProgrammeCountry"] = c.ID
		ids["Country"] = c.Country.ID
	}
	first("Result", p.Results)
	first("Funding", p.Fundings)
	first("Event", p.Events)
	first("Source", p.Sources)
	first("AgreementParty", s.Agreements.Edges[0].Node.Parties)
	first("Area", s.Countries.Edges[0].Node.Areas)
	return ids
}

var nodeTypes = []string{
	"Agreement", "AgreementParty", "Area", "Contact", "Country", "Event", "Funding",
	"Organisation", "Participation", "Presence", "Programme", "ProgrammeCountry", "Result", "Source",
}

// TestNodeRoundTrip: every type's id resolves through node and nodes to
// the same record and type.
func TestNodeRoundTrip(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		ids := sampleIDs(t, r)
		var all []string
		for _, typ := range nodeTypes {
			id, ok := ids[typ]
			if !ok {
				t.Errorf("no %s found in the demo data", typ)
				continue
			}
			all = append(all, id)
			var got struct {
				Node struct {
					Typename string `json:"__typename"`
					ID       string `json:"id"`
				} `json:"node"`
			}
			r.mustData(t, `query($id: ID!) { node(id: $id) { __typename id } }`, map[string]any{"id": id}, &got)
			if got.Node.Typename != typ || got.Node.ID != id {
				t.Errorf("node(%s) = %s %s, want %s %s", id, got.Node.Typename, got.Node.ID, typ, id)
			}
		}
		var many struct {
			Nodes []struct {
				ID string `json:"id"`
			} `json:"nodes"`
		}
		r.mustData(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": all}, &many)
		if len(many.Nodes) != len(all) {
			t.Fatalf("nodes returned %d records, want %d", len(many.Nodes), len(all))
		}
		for i, n := range many.Nodes {
			if n.ID != all[i] {
				t.Errorf("nodes[%d] = %s, want %s", i, n.ID, all[i])
			}
		}
	})
}
