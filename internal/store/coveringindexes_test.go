package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aidregistry/registry/internal/storetest"
)

// TestCoveringIndexesAnswerTheReadPathsFilters: on an opened PostgreSQL
// store (opened twice: the second open must keep working), each filter or
// join the read path leans on is answered by an index-only scan of its
// covering index, never a visit to the table. The planner is told to shun
// the other plans, as the test store is too small for it to choose an
// index on its own.
func TestCoveringIndexesAnswerTheReadPathsFilters(t *testing.T) {
	ctx := context.Background()
	st := openedAgain(t, storetest.URL(t, storetest.Postgres))
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, set := range []string{"SET enable_seqscan = off", "SET enable_bitmapscan = off"} {
		if _, err := conn.ExecContext(ctx, set); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name, query, index string
		ordered            bool // the index gives the rows in the query's order: no sort
	}{
		{"a summary's fundings of programmes",
			`SELECT funder_id, value_currency, value_amount FROM fundings WHERE programme_id = 1`,
			"fundings_summary_by_programme_in_id_order", false},
		{"the programmes of a country",
			`SELECT programme_id FROM programme_countries WHERE country_id = 1 AND role = 'BENEFICIARY'`,
			"programme_countries_programmes_by_country", false},
		{"the programmes an organisation funds",
			`SELECT programme_id FROM participations WHERE organisation_id = 1 AND role = 'FUNDING'`,
			"participations_programmes_by_organisation", false},
		{"an organisation's participations in id order",
			`SELECT id, role, programme_id FROM participations WHERE organisation_id = 1 ORDER BY id`,
			"participations_by_organisation_in_id_order", true},
		{"a programme's countries and shares",
			`SELECT country_id, share_percent FROM programme_countries WHERE programme_id = 1 AND role = 'BENEFICIARY'`,
			"programme_countries_shares_by_programme", false},
		{"a programme's countries list in id order",
			`SELECT role, share_percent, country_id FROM programme_countries WHERE programme_id = 1 ORDER BY id`,
			"programme_countries_by_programme_in_id_order", true},
		{"a programme's participations in id order",
			`SELECT role, organisation_id FROM participations WHERE programme_id = 1 ORDER BY id`,
			"participations_by_programme_in_id_order", true},
		{"a programme's fundings in id order",
			`SELECT id, funder_id FROM fundings WHERE programme_id = 1 ORDER BY id`,
			"fundings_summary_by_programme_in_id_order", true},
		{"a programme's children in id order",
			`SELECT id FROM programmes WHERE parent_id = 1 ORDER BY id`,
			"programmes_children_in_id_order", true},
		{"an agreement's parties in id order",
			`SELECT signatory_name, organisation_agreement_parties FROM agreement_parties WHERE agreement_parties = 1 ORDER BY id`,
			"agreement_parties_in_id_order", true},
		{"a country by id",
			`SELECT iso2, iso3, name FROM countries WHERE id = 1`,
			"countries_names_by_id", false},
		{"a programme's agreements in id order",
			`SELECT agreement_id FROM agreement_programmes WHERE programme_id = 1 ORDER BY agreement_id`,
			"agreement_programmes_by_programme_id_then_agreement_id", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var plan strings.Builder
			rows, err := conn.QueryContext(ctx, "EXPLAIN (COSTS OFF) "+c.query)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					t.Fatal(err)
				}
				plan.WriteString(line + "\n")
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if want := "Index Only Scan using " + c.index; !strings.Contains(plan.String(), want) {
				t.Errorf("%s: want %q, the plan is\n%s", c.query, want, plan.String())
			}
			if c.ordered && strings.Contains(plan.String(), "Sort") {
				t.Errorf("%s: sorted although the index gives the order:\n%s", c.query, plan.String())
			}
		})
	}
}
