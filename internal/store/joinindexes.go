package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aidregistry/registry/ent/migrate"
)

// ent gives the join table of a many-to-many edge a primary key on both
// columns, (agreement_id, programme_id) say, which serves reading the edge
// from its first side only: from the other (a programme's agreements, in
// every programme lookup) the database reads the whole table. ent's schema
// has no place for an index on a join table, so, like the search index and
// the table versions, Open adds one on the second column, idempotently,
// outside the migration files (a migration's diff replays those files, not
// the store, and so never proposes to drop it).
func InstallJoinIndexes(ctx context.Context, db *sql.DB) error {
	for _, t := range migrate.Tables {
		if len(t.PrimaryKey) != 2 {
			continue
		}
		col := t.PrimaryKey[1].Name
		stmt := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS "%s_by_%s" ON "%s" ("%s")`, t.Name, col, t.Name, col)
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("index %s by %s: %w", t.Name, col, err)
		}
	}
	return nil
}
