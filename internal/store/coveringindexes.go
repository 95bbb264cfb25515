package store

import (
	"context"
	"database/sql"
	"fmt"

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
	// dimensions still go to the heap.
	`CREATE INDEX IF NOT EXISTS "fundings_summary_by_programme_id"
	ON "fundings" ("programme_id") INCLUDE ("funder_id", "value_currency", "value_amount")`,
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
}

// InstallCoveringIndexes adds coveringIndexes on PostgreSQL, idempotently
// and, like the join tables' indexes, outside the migration files. SQLite
// has no INCLUDE, and reads its small stores well enough without.
func InstallCoveringIndexes(ctx context.Context, db *sql.DB, d string) error {
	if d != dialect.Postgres {
		return nil
	}
	for _, stmt := range coveringIndexes {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("covering index: %w", err)
		}
	}
	return nil
}
