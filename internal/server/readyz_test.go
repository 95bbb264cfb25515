package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// TestReadinessFollowsSchemaVersion: /readyz answers 503, saying why, once
// the store records a migration this binary does not know (a newer
// registry migrated it) or lacks one it knows, and 200 again when the
// store is back to this binary's migrations.
func TestReadinessFollowsSchemaVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		srv := httptest.NewServer(server.New(st, server.Options{Logger: quietLogger}))
		defer srv.Close()
		known, err := store.Migrations(st.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		latest := known[len(known)-1]
		ph := "?"
		if st.Dialect == "postgres" {
			ph = "$1"
		}
		steps := []struct {
			name, sql string
			args      []any
			code      int
			reason    string
		}{
			{"current", "", nil, http.StatusOK, ""},
			{"ahead", `INSERT INTO schema_revisions (version, description, hash) VALUES ('29990101000000', 'from_the_future', 'x')`, nil,
				http.StatusServiceUnavailable, "29990101000000"},
			{"current again", `DELETE FROM schema_revisions WHERE version = '29990101000000'`, nil, http.StatusOK, ""},
			{"behind", `DELETE FROM schema_revisions WHERE version = ` + ph, []any{latest.Version},
				http.StatusServiceUnavailable, latest.File},
		}
		for _, s := range steps {
			if s.sql != "" {
				if _, err := st.DB.Exec(s.sql, s.args...); err != nil {
					t.Fatal(err)
				}
			}
			resp, err := http.Get(srv.URL + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			var body struct{ Status, Reason string }
			err = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if err != nil {
				t.Fatalf("%s: body is not JSON: %v", s.name, err)
			}
			if resp.StatusCode != s.code {
				t.Errorf("%s: status %d, want %d (%+v)", s.name, resp.StatusCode, s.code, body)
			}
			if s.reason != "" && (body.Status != "schema not current" || !strings.Contains(body.Reason, s.reason)) {
				t.Errorf("%s: body %+v does not name %s", s.name, body, s.reason)
			}
		}
	})
}
