package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"entgo.io/ent/dialect"
)

// coveringIndexes let PostgreSQL answer the read path's commonest filters
// and joins from an index alone. Without them each matching row is fetched
// from the heap, where a generated or imported store keeps it in the order
// it was written (by programme), so the rows of one country or one
// organisation lie on as many pages as there are rows.
var coveringIndexes = []string{
	// A summary filtered by programme (Q4: the fundings of every programme
	// in a country) reads the columns a summary by funder, country or
	// currency needs: 54 ms of backend CPU before it, 22 ms with it. Other
	// dimensions still go to the heap. Its key ends in id so that a
	// programme's fundings list (Q3) comes in the list's order, unsorted.
	`CREATE INDEX IF NOT EXISTS "fundings_summary_by_programme_in_id_order"
	ON "fundings" ("programme_id", "id") INCLUDE ("funder_id", "value_currency", "value_amount")`,
	// The programmes of a country (hasCountriesWith, Q2 and Q4's filter):
	// Q2's 3,949 Somali rows were on 1,192 heap pages.
	`CREATE INDEX IF NOT EXISTS "programme_countries_programmes_by_country"
	ON "programme_countries" ("country_id", "role") INCLUDE ("programme_id")`,
	// The programmes of an organisation (hasParticipationsWith, Q2's other
	// half): 3,044 rows of ORG0001 on 515 heap pages.
	`CREATE INDEX IF NOT EXISTS "participations_programmes_by_organisation"
	ON "participations" ("organisation_id", "role") INCLUDE ("programme_id")`,
	// An organisation's participations list (Q6), whose rows then come in
	// the list's order (by id) and need no sort.
	`CREATE INDEX IF NOT EXISTS "participations_by_organisation_in_id_order"
	ON "participations" ("organisation_id", "id") INCLUDE ("role", "programme_id")`,
	// The countries of a programme with their shares (a summary's country
	// split, a programme's countries list).
	`CREATE INDEX IF NOT EXISTS "programme_countries_shares_by_programme"
	ON "programme_countries" ("programme_id", "role") INCLUDE ("country_id", "share_percent")`,
	// The lists of a programme (Q3) read in id order from an index, not
	// sorted: in the SQL JSON statement each list is a subplan run once per
	// programme, and its sort, even of no or a few rows, cost more than its
	// scan. With these, the fundings index above ending in id and the join
	// tables' (second, first) index, Q3's statement ran at 5,700-6,840 tps
	// under pgbench -M prepared -c 16 against 4,330-5,510 (3 alternated
	// runs each), and the server's Q3 cost PostgreSQL 199-273 µs of CPU a
	// request against 265-340.
	`CREATE INDEX IF NOT EXISTS "programme_countries_by_programme_in_id_order"
	ON "programme_countries" ("programme_id", "id") INCLUDE ("role", "country_id", "share_percent")`,
	`CREATE INDEX IF NOT EXISTS "participations_by_programme_in_id_order"
	ON "participations" ("programme_id", "id") INCLUDE ("role", "organisation_id")`,
	`CREATE INDEX IF NOT EXISTS "programmes_children_in_id_order"
	ON "programmes" ("parent_id", "id")`,
	`CREATE INDEX IF NOT EXISTS "agreement_parties_in_id_order"
	ON "agreement_parties" ("agreement_parties", "id") INCLUDE ("signatory_name", "organisation_agreement_parties")`,
	// A country looked up by id (every programme's countries list): on its
	// own heap of a few pages the planner chose to scan all 250 rows per
	// lookup over the primary key; from this index it reads one entry.
	`CREATE INDEX IF NOT EXISTS "countries_names_by_id"
	ON "countries" ("id") INCLUDE ("iso2", "iso3", "name")`,
}

// replacedIndexes are covering indexes that an index above took over;
// stores opened before it still have them, and each costs every write.
var replacedIndexes = []string{
	`DROP INDEX IF EXISTS "fundings_summary_by_programme_id"`,
}

// InstallCoveringIndexes adds coveringIndexes on PostgreSQL, idempotently
// and, like the join tables' indexes, outside the migration files. SQLite
// has no INCLUDE, and reads its small stores well enough without.
func InstallCoveringIndexes(ctx context.Context, db *sql.DB, d string) error {
	if d != dialect.Postgres {
		return nil
	}
	for _, stmt := range slices.Concat(coveringIndexes, replacedIndexes) {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("covering index: %w", err)
		}
	}
	return nil
}
