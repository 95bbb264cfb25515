package server_test

import (
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestPermissionMatrix: who may write what, for every kind of mutation,
// and a refused write changes nothing.
func TestPermissionMatrix(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		k := makeKeys(t, r)
		id := findIDs(t, r)
		const (
			anon = ""
			ok   = ""
		)
		type step struct {
			who   string
			key   string
			query string
			want  string // expected extensions.code; "" for success
		}
		editTitle := func(idName, title string) string {
			return fmt.Sprintf(`mutation { updateProgramme(id: %q, input: {title: %q}) { id } }`, id[idName], title)
		}
		s72Title := "Profiling Malian Nationals Abroad and Enhancing their Expertise for Mali’s Socio-Economic Development"
		matrix := []struct {
			name  string
			steps []step
		}{
			{"create a programme", []step{
				{"anonymous", anon, `mutation { createProgramme(input: {code: "T-1", title: "t"}) { id } }`, "UNAUTHENTICATED"},
				{"revoked key", k.Revoked, `mutation { createProgramme(input: {code: "T-1", title: "t"}) { id } }`, "UNAUTHENTICATED"},
				{"IOM editor", k.IOM, `mutation { createProgramme(input: {code: "T-1", title: "t"}) { id } }`, ok},
				{"admin", k.Admin, `mutation { createProgramme(input: {code: "T-2", title: "t"}) { id } }`, ok},
			}},
			{"update a programme IOM implements", []step{
				{"anonymous", anon, editTitle("s72", s72Title), "UNAUTHENTICATED"},
				{"revoked key", k.Revoked, editTitle("s72", s72Title), "UNAUTHENTICATED"},
				{"UNDP editor", k.UNDP, editTitle("s72", s72Title), "FORBIDDEN"},
				{"IOM editor", k.IOM, editTitle("s72", s72Title), ok},
				{"admin", k.Admin, editTitle("s72", s72Title), ok},
			}},
			{"update a UNDP-only programme", []step{
				{"IOM editor", k.IOM, editTitle("quests", "Qualified Expatriate Somali Technical Service"), "FORBIDDEN"},
				{"UNDP editor", k.UNDP, editTitle("quests", "Qualified Expatriate Somali Technical Service"), ok},
			}},
			{"give oneself a role in another's programme", []step{
				{"IOM editor", k.IOM, fmt.Sprintf(`mutation { createParticipation(input: {role: IMPLEMENTING, programmeID: %q, organisationID: %q}) { id } }`, id["quests"], id["iom"]), "FORBIDDEN"},
			}},
			{"update an organisation", []step{
				{"IOM editor", k.IOM, fmt.Sprintf(`mutation { updateOrganisation(id: %q, input: {website: "https://example.org"}) { id } }`, id["undp"]), "FORBIDDEN"},
				{"UNDP editor", k.UNDP, fmt.Sprintf(`mutation { updateOrganisation(id: %q, input: {website: "https://example.org"}) { id } }`, id["undp"]), ok},
			}},
			{"create an organisation", []step{
				{"IOM editor", k.IOM, `mutation { createOrganisation(input: {name: "New Fund", kind: FOUNDATION}) { id } }`, "FORBIDDEN"},
				{"admin", k.Admin, `mutation { createOrganisation(input: {name: "New Fund", kind: FOUNDATION}) { id } }`, ok},
			}},
			{"update a funding", []step{
				{"IOM editor", k.IOM, fmt.Sprintf(`mutation { updateFunding(id: %q, input: {kind: COMMITMENT}) { id } }`, id["undpFunding"]), "FORBIDDEN"},
				{"UNDP editor", k.UNDP, fmt.Sprintf(`mutation { updateFunding(id: %q, input: {kind: COMMITMENT}) { id } }`, id["undpFunding"]), ok},
			}},
			{"give in another's name", []step{
				{"IOM editor", k.IOM, fmt.Sprintf(`mutation { createFunding(input: {programmeID: %q, funderID: %q}) { id } }`, id["s72"], id["undp"]), "FORBIDDEN"},
				{"IOM editor", k.IOM, fmt.Sprintf(`mutation { createFunding(input: {programmeID: %q, funderID: %q}) { id } }`, id["s72"], id["iom"]), ok},
			}},
			{"update an agreement", []step{
				{"UNDP editor", k.UNDP, fmt.Sprintf(`mutation { updateAgreement(id: %q, input: {kind: PARTNERSHIP}) { id } }`, id["agreement"]), "FORBIDDEN"},
				{"IOM editor", k.IOM, fmt.Sprintf(`mutation { updateAgreement(id: %q, input: {kind: PARTNERSHIP}) { id } }`, id["agreement"]), ok},
			}},
			{"update reference data", []step{
				{"IOM editor", k.IOM, fmt.Sprintf(`mutation { updateCountry(id: %q, input: {region: "Africa"}) { id } }`, id["somalia"]), "FORBIDDEN"},
				{"admin", k.Admin, fmt.Sprintf(`mutation { updateCountry(id: %q, input: {region: "Africa"}) { id } }`, id["somalia"]), ok},
			}},
			{"delete a result", []step{
				{"UNDP editor", k.UNDP, fmt.Sprintf(`mutation { deleteResult(id: %q) }`, id["glResult"]), "FORBIDDEN"},
				{"IOM editor", k.IOM, fmt.Sprintf(`mutation { deleteResult(id: %q) }`, id["glResult"]), ok},
			}},
		}
		for _, m := range matrix {
			for _, s := range m.steps {
				t.Run(m.name+"/"+s.who, func(t *testing.T) {
					before := rowCounts(t, r.Store.Client)
					resp := r.queryAs(t, s.key, s.query, nil)
					if got := resp.code(); got != s.want {
						t.Fatalf("code %q, want %q (errors %+v)", got, s.want, resp.Errors)
					}
					if s.want != ok && !maps.Equal(before, rowCounts(t, r.Store.Client)) {
						t.Errorf("a refused write changed rows")
					}
				})
			}
		}
	})
}

// TestValidation: every rule refuses with its code and the field at fault,
// and changes nothing.
func TestValidation(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		k := makeKeys(t, r)
		id := findIDs(t, r)
		setup := r.queryAs(t, k.IOM, fmt.Sprintf(`mutation {
			p: createProgramme(input: {code: "SHARED", title: "Two countries"}) { id }
		}`), nil)
		if len(setup.Errors) > 0 {
			t.Fatal(setup.Errors)
		}
		var created struct {
			P struct{ ID string } `json:"p"`
		}
		mustUnmarshal(t, setup.Data, &created)
		half := r.queryAs(t, k.IOM, fmt.Sprintf(`mutation { createProgrammeCountry(input: {role: BENEFICIARY, sharePercent: "50", programmeID: %q, countryID: %q}) { id } }`,
			created.P.ID, id["somalia"]), nil)
		if len(half.Errors) > 0 {
			t.Fatal(half.Errors)
		}

		cases := []struct {
			name, query, code, field string
		}{
			{"currency not ISO 4217", `mutation { createProgramme(input: {code: "V1", title: "t", budgetAmount: "10.00", budgetCurrency: "usd"}) { id } }`, "BAD_USER_INPUT", "budgetCurrency"},
			{"currency that does not exist", `mutation { createProgramme(input: {code: "V1", title: "t", budgetAmount: "10.00", budgetCurrency: "ABC"}) { id } }`, "BAD_USER_INPUT", "budgetCurrency"},
			{"more digits than the currency has", `mutation { createProgramme(input: {code: "V1", title: "t", budgetAmount: "10.555", budgetCurrency: "USD"}) { id } }`, "BAD_USER_INPUT", "budgetAmount"},
			{"yen have no minor unit", `mutation { createProgramme(input: {code: "V1", title: "t", budgetAmount: "100.5", budgetCurrency: "JPY"}) { id } }`, "BAD_USER_INPUT", "budgetAmount"},
			{"negative budget", `mutation { createProgramme(input: {code: "V1", title: "t", budgetAmount: "-5.00", budgetCurrency: "USD"}) { id } }`, "BAD_USER_INPUT", "budgetAmount"},
			{"amount without currency", `mutation { createProgramme(input: {code: "V1", title: "t", budgetAmount: "5.00"}) { id } }`, "BAD_USER_INPUT", "budgetCurrency"},
			{"end before start", `mutation { createProgramme(input: {code: "V1", title: "t", startDate: "2009-04", endDate: "2008"}) { id } }`, "BAD_USER_INPUT", "endDate"},
			{"duplicate code", `mutation { createProgramme(input: {code: "S72-805", title: "t"}) { id } }`, "CONFLICT", "code"},
			{"own ancestor", fmt.Sprintf(`mutation { updateProgramme(id: %q, input: {parentID: %q}) { id } }`, id["mida"], id["s72"]), "BAD_USER_INPUT", "parentID"},
			{"own parent", fmt.Sprintf(`mutation { updateProgramme(id: %q, input: {parentID: %q}) { id } }`, id["s72"], id["s72"]), "BAD_USER_INPUT", "parentID"},
			{"shares over 100", fmt.Sprintf(`mutation { createProgrammeCountry(input: {role: BENEFICIARY, sharePercent: "60", programmeID: %q, countryID: %q}) { id } }`, created.P.ID, id["mali"]), "BAD_USER_INPUT", "sharePercent"},
			{"negative commitment", fmt.Sprintf(`mutation { createFunding(input: {kind: COMMITMENT, valueAmount: "-1.00", valueCurrency: "USD", programmeID: %q, funderID: %q}) { id } }`, id["s72"], id["iom"]), "BAD_USER_INPUT", "valueAmount"},
			{"dangling reference", fmt.Sprintf(`mutation { createParticipation(input: {role: PARTNER, programmeID: %q, organisationID: %q}) { id } }`, id["s72"], id["s72"]), "BAD_USER_INPUT", ""},
			{"update given another type's id", fmt.Sprintf(`mutation { updateProgramme(id: %q, input: {title: "x"}) { id } }`, id["iom"]), "BAD_USER_INPUT", "id"},
			{"unknown enum value", `mutation { createProgramme(input: {code: "V1", title: "t", status: DONE}) { id } }`, "GRAPHQL_VALIDATION_FAILED", ""},
			{"malformed partial date", `mutation { createProgramme(input: {code: "V1", title: "t", startDate: "2009-13"}) { id } }`, "BAD_USER_INPUT", ""},
			{"exponent amount", `mutation { createProgramme(input: {code: "V1", title: "t", budgetAmount: "1e9", budgetCurrency: "USD"}) { id } }`, "BAD_USER_INPUT", ""},
			{"country outside ISO 3166", `mutation { createCountry(input: {iso2: "QZ", iso3: "QZZ", name: "Nowhere"}) { id } }`, "BAD_USER_INPUT", "iso2"},
			{"delete what others point to", fmt.Sprintf(`mutation { deleteOrganisation(id: %q) }`, id["undp"]), "CONFLICT", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				key := k.IOM
				if strings.HasPrefix(c.name, "delete") || strings.HasPrefix(c.name, "country") {
					key = k.Admin
				}
				before := rowCounts(t, r.Store.Client)
				resp := r.queryAs(t, key, c.query, nil)
				if resp.code() != c.code {
					t.Fatalf("code %q, want %q (errors %+v)", resp.code(), c.code, resp.Errors)
				}
				if c.field != "" && resp.Errors[0].Extensions["field"] != c.field {
					t.Errorf("field %v, want %q (%s)", resp.Errors[0].Extensions["field"], c.field, resp.Errors[0].Message)
				}
				if !maps.Equal(before, rowCounts(t, r.Store.Client)) {
					t.Error("a refused write changed rows")
				}
			})
		}

		t.Run("a negative disbursement is a correction", func(t *testing.T) {
			resp := r.queryAs(t, k.IOM, fmt.Sprintf(`mutation { createFunding(input: {kind: DISBURSEMENT, valueAmount: "-250.50", valueCurrency: "USD", programmeID: %q, funderID: %q}) { value { amount currency } } }`, id["s72"], id["iom"]), nil)
			if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), `"-250.50"`) {
				t.Fatalf("refused or changed: %s %+v", resp.Data, resp.Errors)
			}
		})
		t.Run("a delete refusal says what points to it", func(t *testing.T) {
			resp := r.queryAs(t, k.Admin, fmt.Sprintf(`mutation { deleteOrganisation(id: %q) }`, id["undp"]), nil)
			msg := resp.Errors[0].Message
			for _, want := range []string{"participations", "fundings"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not name %s", msg, want)
				}
			}
		})
	})
}

// TestHistory: every change is recorded with who, when and the fields before
// and after; deletions too; a record's history lists its own.
func TestHistory(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		k := makeKeys(t, r)
		id := findIDs(t, r)
		since := time.Now().UTC().Format(time.RFC3339Nano)
		steps := []string{
			fmt.Sprintf(`mutation { updateProgramme(id: %q, input: {theme: "Migration and Development"}) { id } }`, id["s72"]),
			`mutation { createProgramme(input: {code: "TEMP", title: "Temporary"}) { id } }`,
		}
		for _, q := range steps {
			if resp := r.queryAs(t, k.IOM, q, nil); len(resp.Errors) > 0 {
				t.Fatal(resp.Errors)
			}
		}
		var temp struct {
			Programmes struct {
				Edges []struct{ Node struct{ ID string } } `json:"edges"`
			} `json:"programmes"`
		}
		r.mustData(t, `{ programmes(where: {code: "TEMP"}) { edges { node { id } } } }`, nil, &temp)
		if resp := r.queryAs(t, k.IOM, fmt.Sprintf(`mutation { deleteProgramme(id: %q) }`, temp.Programmes.Edges[0].Node.ID), nil); len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}

		var feed struct {
			Changes struct {
				TotalCount int `json:"totalCount"`
				Edges      []struct {
					Node struct {
						Operation      string         `json:"operation"`
						RecordType     string         `json:"recordType"`
						RecordID       string         `json:"recordID"`
						OrganisationID *string        `json:"organisationID"`
						Before         map[string]any `json:"before"`
						After          map[string]any `json:"after"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"changes"`
		}
		r.mustData(t, `query($since: Time) { changes(since: $since, first: 10) { totalCount edges { node {
			operation recordType recordID organisationID before after } } } }`, map[string]any{"since": since}, &feed)
		var got []string
		for _, e := range feed.Changes.Edges {
			n := e.Node
			got = append(got, n.Operation+" "+n.RecordType)
			if n.OrganisationID == nil || *n.OrganisationID != id["iom"] {
				t.Errorf("%s %s not attributed to IOM: %v", n.Operation, n.RecordType, n.OrganisationID)
			}
		}
		want := []string{"UPDATE Programme", "CREATE Programme", "DELETE Programme"}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("changes since %s = %v, want %v", since, got, want)
		}
		upd := feed.Changes.Edges[0].Node
		if upd.Before["theme"] != "Community and Economic Development" || upd.After["theme"] != "Migration and Development" {
			t.Errorf("update recorded before %v after %v", upd.Before["theme"], upd.After["theme"])
		}
		if del := feed.Changes.Edges[2].Node; del.Before["code"] != "TEMP" || del.After != nil {
			t.Errorf("delete recorded before %v after %v", del.Before, del.After)
		}

		var hist struct {
			Node struct {
				History struct {
					Edges []struct {
						Node struct{ Operation string } `json:"node"`
					} `json:"edges"`
				} `json:"history"`
			} `json:"node"`
		}
		r.mustData(t, `query($id: ID!) { node(id: $id) { ... on Programme { history { edges { node { operation } } } } } }`,
			map[string]any{"id": id["s72"]}, &hist)
		ops := []string{}
		for _, e := range hist.Node.History.Edges {
			ops = append(ops, e.Node.Operation)
		}
		if strings.Join(ops, ",") != "CREATE,UPDATE" {
			t.Errorf("S72-805 history = %v, want CREATE (demo load), UPDATE", ops)
		}
	})
}

// TestConcurrentUpdates: two agencies update one programme from the same
// read; exactly one wins, the other gets CONFLICT.
func TestConcurrentUpdates(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r *registry) {
		k := makeKeys(t, r)
		id := findIDs(t, r)
		q := `mutation($id: ID!, $at: Time!, $theme: String!) {
			updateProgramme(id: $id, input: {theme: $theme}, expectedUpdatedAt: $at) { updatedAt } }`
		codes := make([]string, 2)
		var wg sync.WaitGroup
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp := r.queryAs(t, k.IOM, q, map[string]any{"id": id["s72"], "at": id["s72UpdatedAt"], "theme": fmt.Sprintf("theme %d", i)})
				codes[i] = resp.code()
			}()
		}
		wg.Wait()
		if !((codes[0] == "" && codes[1] == "CONFLICT") || (codes[0] == "CONFLICT" && codes[1] == "")) {
			t.Fatalf("codes %v, want one success and one CONFLICT", codes)
		}
		var after struct {
			Node struct {
				History struct {
					Edges []struct{ Node struct{ Operation string } } `json:"edges"`
				} `json:"history"`
			} `json:"node"`
		}
		r.mustData(t, `query($id: ID!) { node(id: $id) { ... on Programme { history { edges { node { operation } } } } } }`,
			map[string]any{"id": id["s72"]}, &after)
		if n := len(after.Node.History.Edges); n != 2 {
			t.Errorf("history has %d entries, want the load and exactly one update", n)
		}
	})
}
