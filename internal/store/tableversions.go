package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"

	"github.com/aidregistry/registry/ent/migrate"
)

// Table versions let caches of answers (internal/readcache) be invalidated
// by what changed rather than by any commit: a write to contacts or events
// leaves a cached funding summary valid.
//
// Every table of the schema (but those no answer is read from, below) has a
// trigger that bumps its row of table_versions in the writing statement's
// own transaction, so the new version becomes visible exactly when the
// write does, to every process and on every replica (the table replicates
// like any other). Triggers rather than ent hooks: imports, `registry load`
// and a person with psql write past ent's hooks, and must invalidate too.
//
// On PostgreSQL a statement trigger only notes the table in a
// transaction-local setting; the versions are bumped at commit, by one
// deferred trigger, all the transaction's tables at once and in name order.
// Bumping in the statement would lock a version row from the first write
// to the commit: writers of one table would queue for whole transactions
// (an import batch lasts seconds), and two transactions writing two tables
// in opposite orders would deadlock. SQLite has row triggers only, and a
// single writer anyway.
//
// Like the search index, this is not in the migration files: Open installs
// it, idempotently, after migrating.

// unversioned are tables no cached answer reads; writes to them must not
// queue behind one another on a version row (every mutation writes a
// change).
var unversioned = map[string]bool{"changes": true, "api_keys": true}

// VersionedTables lists the tables whose writes bump a version.
func VersionedTables() []string {
	var out []string
	for _, t := range migrate.Tables {
		if !unversioned[t.Name] {
			out = append(out, t.Name)
		}
	}
	slices.Sort(out)
	return out
}

// pgVersionSQL installs the PostgreSQL side. registry_bump_table_version
// is the statement trigger every versioned table calls (its name is kept so
// stores installed before the deferred bump get it by CREATE OR REPLACE).
// Its first note in a transaction inserts a mark whose deferred constraint
// trigger does the bumping at commit. A savepoint rolled back takes its
// notes and its mark with it, as it takes its writes.
var pgVersionSQL = []string{
	`CREATE TABLE IF NOT EXISTS table_version_marks (id BIGSERIAL PRIMARY KEY)`,
	`CREATE OR REPLACE FUNCTION registry_bump_table_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  touched text := coalesce(current_setting('registry.touched_tables', true), '');
BEGIN
  IF position(',' || TG_TABLE_NAME || ',' IN touched) = 0 THEN
    IF touched = '' THEN
      INSERT INTO table_version_marks DEFAULT VALUES;
      touched := ',';
    END IF;
    PERFORM set_config('registry.touched_tables', touched || TG_TABLE_NAME || ',', true);
  END IF;
  RETURN NULL;
END $$`,
	`CREATE OR REPLACE FUNCTION registry_bump_table_versions_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  touched text[] := string_to_array(trim(BOTH ',' FROM coalesce(current_setting('registry.touched_tables', true), '')), ',');
BEGIN
  -- Rows locked in name order: two committing transactions cannot wait on each other in a cycle.
  PERFORM 1 FROM table_versions WHERE name = ANY(touched) ORDER BY name FOR UPDATE;
  UPDATE table_versions SET version = version + 1 WHERE name = ANY(touched);
  DELETE FROM table_version_marks WHERE id = NEW.id;
  PERFORM set_config('registry.touched_tables', '', true);
  RETURN NULL;
END $$`,
	`DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'registry_table_versions_at_commit'
      AND tgrelid = 'table_version_marks'::regclass) THEN
    CREATE CONSTRAINT TRIGGER registry_table_versions_at_commit AFTER INSERT ON table_version_marks
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION registry_bump_table_versions_at_commit();
  END IF;
END $$`,
}

// installTableVersions creates table_versions with a row per versioned
// table and the triggers that bump them, where missing.
func installTableVersions(ctx context.Context, db *sql.DB, d string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("table versions: %w", err)
	}
	defer tx.Rollback()
	stmts := []string{`CREATE TABLE IF NOT EXISTS table_versions (name TEXT PRIMARY KEY, version BIGINT NOT NULL DEFAULT 0)`}
	if d == dialect.Postgres {
		// Servers starting together install one after the other (SQLite's
		// write transaction is exclusive already).
		stmts = append([]string{`SELECT pg_advisory_xact_lock(7340124)`}, append(stmts, pgVersionSQL...)...)
	}
	if err := execAll(ctx, tx, stmts); err != nil {
		return err
	}
	have, err := versionTriggers(ctx, tx, d)
	if err != nil {
		return err
	}
	stmts = nil
	for _, t := range VersionedTables() {
		stmts = append(stmts, `INSERT INTO table_versions (name, version) VALUES ('`+t+`', 0) ON CONFLICT (name) DO NOTHING`)
		if !have[t] {
			stmts = append(stmts, triggerSQL(d, t)...)
		}
	}
	if err := execAll(ctx, tx, stmts); err != nil {
		return err
	}
	return tx.Commit()
}

func execAll(ctx context.Context, tx *sql.Tx, stmts []string) error {
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("table versions: %s: %w", firstLine(s), err)
		}
	}
	return nil
}

// triggerSQL bumps table t's version on every write to it.
func triggerSQL(d, t string) []string {
	if d == dialect.Postgres {
		return []string{`CREATE TRIGGER registry_table_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "` + t +
			`" FOR EACH STATEMENT EXECUTE FUNCTION registry_bump_table_version()`}
	}
	var out []string
	for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
		out = append(out, `CREATE TRIGGER IF NOT EXISTS "registry_table_version_`+t+`_`+strings.ToLower(op)+`" AFTER `+op+
			` ON "`+t+`" BEGIN UPDATE table_versions SET version = version + 1 WHERE name = '`+t+`'; END`)
	}
	return out
}

// versionTriggers lists the tables that have their version trigger.
func versionTriggers(ctx context.Context, db *sql.Tx, d string) (map[string]bool, error) {
	query := `SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'registry_table_version_%'
		GROUP BY tbl_name HAVING COUNT(*) = 3`
	if d == dialect.Postgres {
		query = `SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
			WHERE t.tgname = 'registry_table_version' AND c.relnamespace = current_schema()::regnamespace`
	}
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("table versions: %w", err)
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("table versions: %w", err)
		}
		have[t] = true
	}
	return have, rows.Err()
}

// TableVersions returns a token that changes whenever a write to one of
// the named tables is committed, by this process or any other; with no
// tables named, a write to any versioned table. One statement, read from
// the store that ctx's reads go to (the replica when routed there), so a
// replica's cache follows its own replay. Read it before computing what it
// guards: a commit in between only makes the cached answer newer than its
// token.
func (s *Store) TableVersions(ctx context.Context, tables ...string) (string, error) {
	rows, err := s.Client.QueryContext(ctx, `SELECT name, version FROM table_versions ORDER BY name`)
	if err != nil {
		return "", fmt.Errorf("read table versions: %w", err)
	}
	defer rows.Close()
	var b strings.Builder
	found := 0
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			return "", fmt.Errorf("read table versions: %w", err)
		}
		if len(tables) > 0 && !slices.Contains(tables, name) {
			continue
		}
		found++
		b.WriteString(name + "=" + strconv.FormatInt(v, 10) + ";")
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("read table versions: %w", err)
	}
	if found < len(tables) {
		return "", fmt.Errorf("read table versions: some of %v have none", tables)
	}
	return b.String(), nil
}
