package server_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/auth"
)

// keys are the API keys a write test acts with.
type keys struct {
	IOM, UNDP, Admin, Revoked string
}

func makeKeys(t *testing.T, r *registry) keys {
	t.Helper()
	ctx := auth.AsSystem(context.Background())
	mk := func(org string, role auth.Role) auth.NewKey {
		k, err := auth.CreateKey(ctx, r.Store.Client, org, role, "test")
		if err != nil {
			t.Fatalf("create %s key for %s: %v", role, org, err)
		}
		return k
	}
	revoked := mk("IOM", auth.Editor)
	if err := auth.RevokeKey(ctx, r.Store.Client, revoked.ID); err != nil {
		t.Fatal(err)
	}
	return keys{
		IOM:     mk("IOM", auth.Editor).Secret,
		UNDP:    mk("UNDP", auth.Editor).Secret,
		Admin:   mk("UNITAR", auth.Admin).Secret,
		Revoked: revoked.Secret,
	}
}

// rowCounts counts the rows of every table, to prove a refused write
// changed nothing.
func rowCounts(t *testing.T, c *ent.Client) map[string]int {
	t.Helper()
	ctx := context.Background()
	counts := map[string]func() (int, error){
		"organisations":       func() (int, error) { return c.Organisation.Query().Count(ctx) },
		"presences":           func() (int, error) { return c.Presence.Query().Count(ctx) },
		"contacts":            func() (int, error) { return c.Contact.Query().Count(ctx) },
		"agreements":          func() (int, error) { return c.Agreement.Query().Count(ctx) },
		"agreement_parties":   func() (int, error) { return c.AgreementParty.Query().Count(ctx) },
		"programmes":          func() (int, error) { return c.Programme.Query().Count(ctx) },
		"participations":      func() (int, error) { return c.Participation.Query().Count(ctx) },
		"programme_countries": func() (int, error) { return c.ProgrammeCountry.Query().Count(ctx) },
		"results":             func() (int, error) { return c.Result.Query().Count(ctx) },
		"fundings":            func() (int, error) { return c.Funding.Query().Count(ctx) },
		"countries":           func() (int, error) { return c.Country.Query().Count(ctx) },
		"areas":               func() (int, error) { return c.Area.Query().Count(ctx) },
		"events":              func() (int, error) { return c.Event.Query().Count(ctx) },
		"sources":             func() (int, error) { return c.Source.Query().Count(ctx) },
		"changes":             func() (int, error) { return c.Change.Query().Count(ctx) },
	}
	out := map[string]int{}
	for name, count := range counts {
		n, err := count()
		if err != nil {
			t.Fatalf("count %s: %v", name, err)
		}
		out[name] = n
	}
	return out
}

// ids finds the records the write tests act on, through the API.
type ids map[string]string

const idsQuery = `{
  s72: programmes(where: {code: "S72-805"}) { edges { node { id updatedAt } } }
  quests: programmes(where: {code: "QUESTS"}) { edges { node { id } } }
  questsMida: programmes(where: {code: "QUESTS-MIDA"}) { edges { node { id } } }
  mida: programmes(where: {code: "MIDA"}) { edges { node { id } } }
  gl: programmes(where: {code: "MIDA-GREAT-LAKES"}) { edges { node { id results { id } } } }
  iom: organisations(where: {acronym: "IOM"}) { edges { node { id } } }
  undp: organisations(where: {acronym: "UNDP"}) { edges { node { id } } }
  undpFunding: fundings(where: {hasFunderWith: {acronym: "UNDP"}}) { edges { node { id } } }
  agreement: agreements(first: 1) { edges { node { id } } }
  somalia: countries(where: {iso2: "SO"}) { edges { node { id } } }
  mali: countries(where: {iso2: "ML"}) { edges { node { id } } }
}`

func findIDs(t *testing.T, r *registry) ids {
	t.Helper()
	var raw map[string]struct {
		Edges []struct {
			Node struct {
				ID        string `json:"id"`
				UpdatedAt string `json:"updatedAt"`
				Results   []struct {
					ID string `json:"id"`
				} `json:"results"`
			} `json:"node"`
		} `json:"edges"`
	}
	r.mustData(t, idsQuery, nil, &raw)
	out := ids{}
	for name, conn := range raw {
		if len(conn.Edges) == 0 {
			t.Fatalf("demo data has no %s", name)
		}
		n := conn.Edges[0].Node
		out[name] = n.ID
		if n.UpdatedAt != "" {
			out[name+"UpdatedAt"] = n.UpdatedAt
		}
		if len(n.Results) > 0 {
			out[name+"Result"] = n.Results[0].ID
		}
	}
	return out
}

func mustUnmarshal(t *testing.T, raw []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}
