package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aidregistry/registry/ent/country"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/demo"
	"github.com/aidregistry/registry/internal/gid"
	"github.com/aidregistry/registry/internal/metrics"
	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// TestReadReplicaRouting runs the server over a PostgreSQL primary and a
// second PostgreSQL database standing in for its read replica, each with
// different content, and checks where each kind of work goes: GraphQL
// queries (ent's and hand-written SQL) read the replica; mutations, their
// own reads and returned objects included, and API keys use the primary.
func TestReadReplicaRouting(t *testing.T) {
	ctx := context.Background()
	sys := auth.AsSystem(ctx)
	primaryURL := storetest.URL(t, storetest.Postgres)
	replicaURL := storetest.URL(t, storetest.Postgres)

	// The "replica": the schema and one organisation the primary lacks.
	rep, err := store.Open(ctx, replicaURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rep.Client.Organisation.Create().SetName("Replica Only Fund").SetAcronym("ROF").
		SetKind(organisation.KindFOUNDATION).Save(sys); err != nil {
		t.Fatal(err)
	}
	rep.Close()

	st, err := store.Open(ctx, primaryURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := demo.Seed(ctx, st.Client); err != nil {
		t.Fatal(err)
	}
	admin, err := auth.CreateKey(sys, st.Client, "UNITAR", auth.Admin, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.UseReplica(ctx, replicaURL); err != nil {
		t.Fatal(err)
	}
	meter := metrics.New(st.DB)
	st.Counter.Observe(meter.ObserveStatement)
	meter.WatchPool(st.Replica, "registry_replica")
	ts := httptest.NewServer(server.New(st, server.Options{Logger: quietLogger, Metrics: meter}))
	t.Cleanup(ts.Close)
	r := &registry{URL: ts.URL, Store: st}

	count := func(acronym string) int {
		t.Helper()
		var out struct {
			Organisations struct{ TotalCount int } `json:"organisations"`
		}
		r.mustData(t, `query($a: String) { organisations(where: {acronym: $a}) { totalCount } }`, map[string]any{"a": acronym}, &out)
		return out.Organisations.TotalCount
	}

	before := st.Counter.Count()
	if n := count("ROF"); n != 1 {
		t.Errorf("a query found %d organisations ROF, want 1: queries should read the replica", n)
	}
	if n := count("UNDP"); n != 0 {
		t.Errorf("a query found %d organisations UNDP, want 0: only the primary holds the demo data", n)
	}
	if st.Counter.Count() == before {
		t.Error("the replica's statements were not counted")
	}
	var found struct {
		Search struct{ TotalCount int } `json:"search"`
	}
	r.mustData(t, `{ search(query: "Replica Only Fund") { totalCount } }`, nil, &found)
	if found.Search.TotalCount != 1 {
		t.Errorf("search found %d records, want the replica's organisation", found.Search.TotalCount)
	}

	// A mutation: its input's country, its transaction and its returned
	// object (with an edge) are the primary's; the replica has no countries.
	ch, err := st.Client.Country.Query().Where(country.Iso2("CH")).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp := r.queryAs(t, admin.Secret, `mutation($hq: ID!) {
		createOrganisation(input: {name: "Primary Only Fund", acronym: "POF", kind: FOUNDATION, headquartersID: $hq}) {
			name headquarters { name } } }`, map[string]any{"hq": gid.Encode(ch.ID)})
	if len(resp.Errors) > 0 {
		t.Fatalf("mutation failed: %+v", resp.Errors)
	}
	var created struct {
		CreateOrganisation struct {
			Name         string
			Headquarters *struct{ Name string }
		} `json:"createOrganisation"`
	}
	if err := json.Unmarshal(resp.Data, &created); err != nil {
		t.Fatal(err)
	}
	if hq := created.CreateOrganisation.Headquarters; hq == nil || hq.Name != ch.Name {
		t.Errorf("the mutation's returned headquarters = %+v, want %s from the primary", hq, ch.Name)
	}
	if n, err := st.Client.Organisation.Query().Where(organisation.Acronym("POF")).Count(ctx); err != nil || n != 1 {
		t.Errorf("the primary holds %d organisations POF (%v), want 1", n, err)
	}
	if n := count("POF"); n != 0 {
		t.Errorf("a query found %d organisations POF on the replica, want 0 (nothing replicates between these two databases)", n)
	}

	for path, want := range map[string]string{"/readyz": `"ready"`, "/metrics": `db_name="registry_replica"`} {
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: status %d, want 200 with %s", path, res.StatusCode, want)
		}
	}
}

// TestReplicaNeedsPostgres: an SQLite store has no read replica, and an
// unreachable replica is refused at start.
func TestReplicaNeedsPostgres(t *testing.T) {
	ctx := context.Background()
	lite := storetest.Open(t, storetest.SQLite)
	if err := lite.UseReplica(ctx, storetest.URL(t, storetest.Postgres)); err == nil {
		t.Error("an SQLite store accepted a read replica")
	}
	pg := storetest.Open(t, storetest.Postgres)
	err := pg.UseReplica(ctx, "postgres://postgres@127.0.0.1:1/registry?sslmode=disable")
	if err == nil || !strings.Contains(err.Error(), "read replica") {
		t.Errorf("an unreachable replica gave %v, want an error naming the read replica", err)
	}
	if pg.Replica != nil {
		t.Error("a refused replica was kept")
	}
}
