package store

// Versioned schema migrations.
//
// A store's schema is what the migration files in
// ent/migrate/migrations/<dialect>/ build (Atlas's directory format, with
// atlas.sum), applied in version order, one transaction per file, each
// recorded as a row of schema_revisions. `registry migrate diff NAME`
// writes the next file after a change to ent/schema (migratediff.go).
//
// Open migrates a store with none of the registry's tables (a new SQLite
// file, an empty PostgreSQL database) to the latest version by itself. A
// store that is behind (pending files) is migrated only when asked
// (WithMigrate, `registry serve --migrate`, `registry migrate up`);
// otherwise Open refuses it. A store that is ahead (it records a version
// this binary does not know: a newer registry migrated it) is always
// refused.
//
// The full-text search index (internal/search) is not in the migration
// files: search.Install runs after migrating, on every open, and is
// idempotent. Its objects (the PostgreSQL unaccent extension, text-search
// dictionary and configuration, the FTS5 virtual table) are outside ent's
// schema, have their own layout version (search_meta) and must be rebuilt
// from the data when that layout changes, which is not DDL a migration
// file can hold; keeping them out also keeps the files exactly ent's
// schema, which TestMigrationsMatchEntSchema checks. The SQLite `decimal`
// collation the amount columns are declared with is registered by this
// package (collation.go) before any file runs.
//
// A store made by an older registry with ent's auto-migration
// (Schema.Create) has the tables but no schema_revisions: it counts as
// behind, and migrating it (WithMigrate, `migrate up`) first compares its
// schema with the one the first migration file builds (replayed on a
// scratch in-memory database, or in a rolled-back scratch PostgreSQL
// schema): when they match, the first file is recorded as applied
// ("baseline") without running, and the rest are applied; when they do
// not, it refuses and names the differences.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

	"ariga.io/atlas/sql/migrate"
	atpostgres "ariga.io/atlas/sql/postgres"
	atschema "ariga.io/atlas/sql/schema"
	atsqlite "ariga.io/atlas/sql/sqlite"
	"entgo.io/ent/dialect"

	entmigrate "github.com/aidregistry/registry/ent/migrate"
	"github.com/aidregistry/registry/ent/migrate/migrations"
)

// An Option changes how Open treats the store's schema.
type Option func(*openConfig)

type openConfig struct{ migrate bool }

// WithMigrate(true) makes Open apply every pending migration (registry
// serve --migrate). Without it Open migrates only a store with none of the
// registry's tables, and refuses one that is behind.
func WithMigrate(apply bool) Option {
	return func(c *openConfig) { c.migrate = apply }
}

// RevisionsTable records the migrations applied to a store.
const RevisionsTable = "schema_revisions"

// pgMigrationLock is the PostgreSQL advisory lock key that serialises
// migrations of one database ("registry" in ASCII).
const pgMigrationLock = 0x7265676973747279

// Migration is one migration file this registry knows.
type Migration struct {
	Version     string // a UTC timestamp, YYYYMMDDHHMMSS
	Description string // the file's name after the version
	File        string // VERSION_DESCRIPTION.sql
	Hash        string // base64 SHA-256 of the file
	data        []byte
}

// Revision is one migration recorded as applied in a store.
type Revision struct {
	Version     string
	Description string
	Hash        string
	AppliedAt   string
	Baseline    bool // recorded without running: the store already had its schema
}

// MigrationStatus is where a store stands against this registry's
// migrations.
type MigrationStatus struct {
	Dialect  string
	Latest   string      // this registry's newest migration version
	Applied  []Revision  // what the store records, in version order
	Pending  []Migration // known migrations the store has not applied, in order
	Unknown  []string    // versions the store records that this registry does not know
	Modified []string    // applied versions whose file changed since it was applied
	// Empty: none of the registry's tables and no schema_revisions; Open
	// migrates such a store to the latest version by itself.
	Empty bool
	// Legacy: the registry's tables without schema_revisions, made by an
	// older registry's auto-migration. Migrating it baselines the first
	// file when the schema matches it.
	Legacy bool
}

// Current is the newest version the store records ("" for none).
func (s *MigrationStatus) Current() string {
	if len(s.Applied) == 0 {
		return ""
	}
	return s.Applied[len(s.Applied)-1].Version
}

// Ahead reports whether a newer registry migrated the store.
func (s *MigrationStatus) Ahead() bool { return len(s.Unknown) > 0 }

// Behind reports whether migrations are pending.
func (s *MigrationStatus) Behind() bool { return len(s.Pending) > 0 }

// SchemaError says why a store's schema does not fit this registry.
type SchemaError struct{ Status *MigrationStatus }

func (e *SchemaError) Error() string {
	s := e.Status
	switch {
	case s.Ahead():
		return fmt.Sprintf("the store's schema is newer than this registry: it records migration %s, which this registry does not know (its newest is %s); a newer registry migrated it: run that one",
			strings.Join(s.Unknown, ", "), orNone(s.Latest))
	case s.Legacy:
		return fmt.Sprintf("the store predates versioned migrations (it has the registry's tables but no %s): run `registry migrate up` to record its schema as %s and apply the rest, or pass --migrate to registry serve",
			RevisionsTable, s.Pending[0].File)
	case s.Behind():
		names := make([]string, len(s.Pending))
		for i, m := range s.Pending {
			names[i] = m.File
		}
		return fmt.Sprintf("the store's schema is behind this registry: pending migrations %s; run `registry migrate up` or pass --migrate to registry serve",
			strings.Join(names, ", "))
	}
	return "the store's schema is current"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// migrationFS is where the migration directories are read from; tests
// swap it with useMigrations.
var (
	migrationMu    sync.Mutex
	migrationFS    fs.FS = migrations.FS
	migrationCache       = map[string][]Migration{}
)

// Migrations lists this registry's migrations for an ent dialect, oldest
// first, after checking the directory against its atlas.sum.
func Migrations(d string) ([]Migration, error) {
	migrationMu.Lock()
	defer migrationMu.Unlock()
	if ms, ok := migrationCache[d]; ok {
		return ms, nil
	}
	sub, err := fs.Sub(migrationFS, dirName(d))
	if err != nil {
		return nil, err
	}
	dir := fsDir{sub}
	if err := migrate.Validate(dir); err != nil {
		return nil, fmt.Errorf("embedded %s migrations do not match their atlas.sum: %w", dirName(d), err)
	}
	files, err := dir.Files()
	if err != nil {
		return nil, err
	}
	ms := make([]Migration, len(files))
	for i, f := range files {
		sum := sha256.Sum256(f.Bytes())
		ms[i] = Migration{Version: f.Version(), Description: f.Desc(), File: f.Name(),
			Hash: base64.StdEncoding.EncodeToString(sum[:]), data: f.Bytes()}
	}
	migrationCache[d] = ms
	return ms, nil
}

// fsDir is a read-only Atlas migration directory over an fs.FS (the
// embedded files).
type fsDir struct{ fs.FS }

func (d fsDir) WriteFile(string, []byte) error {
	return errors.New("embedded migrations are read-only")
}

func (d fsDir) Files() ([]migrate.File, error) {
	names, err := fs.Glob(d.FS, "*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	files := make([]migrate.File, len(names))
	for i, n := range names {
		b, err := fs.ReadFile(d.FS, n)
		if err != nil {
			return nil, err
		}
		files[i] = migrate.NewLocalFile(n, b)
	}
	return files, nil
}

func (d fsDir) Checksum() (migrate.HashFile, error) {
	files, err := d.Files()
	if err != nil {
		return nil, err
	}
	return migrate.NewHashFile(files)
}

// stmts splits a file into statements the way Atlas does for the dialect.
func (m Migration) stmts(d string) ([]string, error) {
	var (
		decls []*migrate.Stmt
		err   error
	)
	if d == dialect.Postgres {
		decls, err = (*atpostgres.Driver)(nil).ScanStmts(string(m.data))
	} else {
		decls, err = (*atsqlite.Driver)(nil).ScanStmts(string(m.data))
	}
	if err != nil {
		return nil, fmt.Errorf("migration %s: %w", m.File, err)
	}
	out := make([]string, len(decls))
	for i, s := range decls {
		out[i] = s.Text
	}
	return out, nil
}

// querier is what *sql.DB, *sql.Conn and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tableNames lists the tables of the store's schema.
func tableNames(ctx context.Context, q querier, d string) (map[string]bool, error) {
	query := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if d == dialect.Postgres {
		query = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names[n] = true
	}
	return names, rows.Err()
}

// readStatus compares the store's revisions with the known migrations.
func readStatus(ctx context.Context, q querier, d string) (*MigrationStatus, error) {
	known, err := Migrations(d)
	if err != nil {
		return nil, err
	}
	st := &MigrationStatus{Dialect: d}
	if len(known) > 0 {
		st.Latest = known[len(known)-1].Version
	}
	tables, err := tableNames(ctx, q, d)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	if !tables[RevisionsTable] {
		st.Pending = known
		for _, t := range entmigrate.Tables {
			if tables[t.Name] {
				st.Legacy = true
				break
			}
		}
		st.Empty = !st.Legacy
		return st, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT version, description, hash, applied_at, baseline FROM `+RevisionsTable+` ORDER BY version`)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", RevisionsTable, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Revision
		if err := rows.Scan(&r.Version, &r.Description, &r.Hash, &r.AppliedAt, &r.Baseline); err != nil {
			return nil, fmt.Errorf("read %s: %w", RevisionsTable, err)
		}
		st.Applied = append(st.Applied, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", RevisionsTable, err)
	}
	st.compare(known)
	return st, nil
}

// compare fills Pending, Unknown and Modified from Applied.
func (st *MigrationStatus) compare(known []Migration) {
	applied := map[string]Revision{}
	for _, r := range st.Applied {
		applied[r.Version] = r
	}
	byVersion := map[string]Migration{}
	for _, m := range known {
		byVersion[m.Version] = m
		if _, ok := applied[m.Version]; !ok {
			st.Pending = append(st.Pending, m)
		}
	}
	for _, r := range st.Applied {
		m, ok := byVersion[r.Version]
		switch {
		case !ok:
			st.Unknown = append(st.Unknown, r.Version)
		case m.Hash != r.Hash:
			st.Modified = append(st.Modified, r.Version)
		}
	}
}

// CheckSchema reports whether the store's recorded migrations are exactly
// this registry's, in one query; a *SchemaError says how they differ.
// The readiness probe calls it.
func (s *Store) CheckSchema(ctx context.Context) error {
	known, err := Migrations(s.Dialect)
	if err != nil {
		return err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT version FROM `+RevisionsTable+` ORDER BY version`)
	if err != nil {
		return err
	}
	defer rows.Close()
	st := &MigrationStatus{Dialect: s.Dialect}
	if len(known) > 0 {
		st.Latest = known[len(known)-1].Version
	}
	for rows.Next() {
		var r Revision
		if err := rows.Scan(&r.Version); err != nil {
			return err
		}
		st.Applied = append(st.Applied, r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	st.compare(known)
	st.Modified = nil // hashes were not read
	if st.Ahead() || st.Behind() {
		return &SchemaError{Status: st}
	}
	return nil
}

// SchemaStatus reads where the store at url stands, changing nothing.
func SchemaStatus(ctx context.Context, url string) (*MigrationStatus, error) {
	db, loc, err := connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return readStatus(ctx, db, loc.Dialect)
}

// MigrateUp applies the pending migrations of the store at url, in order,
// up to and including version to (all of them when to is empty), and
// returns what it recorded. It refuses a store that is ahead.
func MigrateUp(ctx context.Context, url, to string) ([]Revision, error) {
	db, loc, err := connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return migrateUp(ctx, db, loc.Dialect, to)
}

// prepareSchema is Open's step: migrate an empty store, or a behind one
// when apply is set; refuse the rest that is not current.
func prepareSchema(ctx context.Context, db *sql.DB, d string, apply bool) ([]Revision, error) {
	st, err := readStatus(ctx, db, d)
	if err != nil {
		return nil, err
	}
	switch {
	case st.Ahead():
		return nil, &SchemaError{Status: st}
	case !st.Behind():
		return nil, nil
	case st.Empty || apply:
		return migrateUp(ctx, db, d, "")
	}
	return nil, &SchemaError{Status: st}
}

func migrateUp(ctx context.Context, db *sql.DB, d, to string) (done []Revision, err error) {
	if to != "" {
		if err := migrate.CheckVersion(to); err != nil {
			return nil, err
		}
	}
	// One connection for the whole run: SQLite's foreign_keys pragma is
	// per connection and cannot change inside a transaction, and a table
	// rebuild (Atlas's way to alter an SQLite table) must run with it off;
	// each file's transaction checks the keys before it commits.
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if d == dialect.SQLite {
		if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = off`); err != nil {
			return nil, err
		}
		defer func() {
			if _, err2 := conn.ExecContext(context.Background(), `PRAGMA foreign_keys = on`); err2 != nil && err == nil {
				err = err2
			}
		}()
	}
	st, err := readStatus(ctx, conn, d)
	if err != nil {
		return nil, err
	}
	if st.Ahead() {
		return nil, &SchemaError{Status: st}
	}
	pending := st.Pending
	if st.Legacy && len(pending) > 0 && (to == "" || pending[0].Version <= to) {
		rev, err := baseline(ctx, conn, d, pending[0])
		if err != nil {
			return nil, err
		}
		done = append(done, rev...)
		pending = pending[1:]
	}
	for _, m := range pending {
		if to != "" && m.Version > to {
			break
		}
		rev, err := applyMigration(ctx, conn, d, m)
		if err != nil {
			return done, err
		}
		done = append(done, rev...)
	}
	return done, nil
}

// ph is the n-th query parameter in the dialect.
func ph(d string, n int) string {
	if d == dialect.Postgres {
		return fmt.Sprintf("$%d", n)
	}
	return "?"
}

// recordTx opens a migration transaction: it takes PostgreSQL's
// migration lock (SQLite's immediate transactions already hold the write
// lock), makes sure the revisions table exists, and reports whether the
// version is recorded already (another process applied it meanwhile).
func recordTx(ctx context.Context, conn *sql.Conn, d, version string) (*sql.Tx, bool, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, false, err
	}
	ddl := `CREATE TABLE IF NOT EXISTS ` + RevisionsTable + ` (version text PRIMARY KEY, description text NOT NULL, hash text NOT NULL, applied_at text NOT NULL DEFAULT CURRENT_TIMESTAMP, baseline boolean NOT NULL DEFAULT false)`
	if d == dialect.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(pgMigrationLock)); err != nil {
			tx.Rollback()
			return nil, false, err
		}
		ddl = `CREATE TABLE IF NOT EXISTS ` + RevisionsTable + ` (version text PRIMARY KEY, description text NOT NULL, hash text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), baseline boolean NOT NULL DEFAULT false)`
	}
	if _, err := tx.ExecContext(ctx, ddl); err != nil {
		tx.Rollback()
		return nil, false, fmt.Errorf("create %s: %w", RevisionsTable, err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+RevisionsTable+` WHERE version = `+ph(d, 1), version).Scan(&n); err != nil {
		tx.Rollback()
		return nil, false, err
	}
	return tx, n > 0, nil
}

func insertRevision(ctx context.Context, tx *sql.Tx, d string, m Migration, baseline bool) (Revision, error) {
	_, err := tx.ExecContext(ctx, `INSERT INTO `+RevisionsTable+` (version, description, hash, baseline) VALUES (`+
		ph(d, 1)+`, `+ph(d, 2)+`, `+ph(d, 3)+`, `+ph(d, 4)+`)`, m.Version, m.Description, m.Hash, baseline)
	if err != nil {
		return Revision{}, fmt.Errorf("record migration %s: %w", m.File, err)
	}
	return Revision{Version: m.Version, Description: m.Description, Hash: m.Hash, Baseline: baseline,
		AppliedAt: time.Now().UTC().Format(time.DateTime)}, nil
}

// applyMigration runs one file in its own transaction and records it.
func applyMigration(ctx context.Context, conn *sql.Conn, d string, m Migration) ([]Revision, error) {
	stmts, err := m.stmts(d)
	if err != nil {
		return nil, err
	}
	tx, applied, err := recordTx(ctx, conn, d, m.Version)
	if err != nil {
		return nil, fmt.Errorf("migration %s: %w", m.File, err)
	}
	defer tx.Rollback()
	if applied {
		return nil, nil
	}
	for i, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return nil, fmt.Errorf("migration %s, statement %d (%s): %w", m.File, i+1, firstLine(s), err)
		}
	}
	if d == dialect.SQLite {
		if err := foreignKeyCheck(ctx, tx); err != nil {
			return nil, fmt.Errorf("migration %s: %w", m.File, err)
		}
	}
	rev, err := insertRevision(ctx, tx, d, m, false)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("migration %s: commit: %w", m.File, err)
	}
	return []Revision{rev}, nil
}

// foreignKeyCheck fails when rows break a foreign key: SQLite does not
// check them while the migration runs with the keys off.
func foreignKeyCheck(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return err
		}
		return fmt.Errorf("row %d of %s breaks its foreign key to %s", rowid.Int64, table, parent)
	}
	return rows.Err()
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// baseline records the first migration as applied to a store made by an
// older registry's auto-migration, after checking that the store's schema
// is the one that file builds.
func baseline(ctx context.Context, conn *sql.Conn, d string, first Migration) ([]Revision, error) {
	diffs, err := compareWithMigration(ctx, conn, d, first)
	if err != nil {
		return nil, fmt.Errorf("compare the store with migration %s: %w", first.File, err)
	}
	if len(diffs) > 0 {
		more := ""
		if len(diffs) > 3 {
			more = fmt.Sprintf(" and %d more", len(diffs)-3)
			diffs = diffs[:3]
		}
		return nil, fmt.Errorf("the store predates versioned migrations and its schema is not the one migration %s builds (%s%s): it cannot be recorded as that version; load its data into a new store instead",
			first.File, strings.Join(diffs, "; "), more)
	}
	tx, applied, err := recordTx(ctx, conn, d, first.Version)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if applied {
		return nil, nil
	}
	rev, err := insertRevision(ctx, tx, d, first, true)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return []Revision{rev}, nil
}

// compareWithMigration builds the schema one migration file makes on a
// scratch database (SQLite: in memory; PostgreSQL: a schema inside a
// transaction that is rolled back) and lists how the store's tables differ
// from it.
func compareWithMigration(ctx context.Context, conn *sql.Conn, d string, m Migration) ([]string, error) {
	stmts, err := m.stmts(d)
	if err != nil {
		return nil, err
	}
	if d == dialect.Postgres {
		return comparePostgres(ctx, conn, stmts)
	}
	dev, err := sql.Open("sqlite", fmt.Sprintf("file:registry-baseline-%d?mode=memory&_pragma=foreign_keys(1)", time.Now().UnixNano()))
	if err != nil {
		return nil, err
	}
	defer dev.Close()
	dev.SetMaxOpenConns(1)
	for _, s := range stmts {
		if _, err := dev.ExecContext(ctx, s); err != nil {
			return nil, fmt.Errorf("replay %s: %w", firstLine(s), err)
		}
	}
	devDrv, err := atsqlite.Open(dev)
	if err != nil {
		return nil, err
	}
	want, err := devDrv.InspectSchema(ctx, "", nil)
	if err != nil {
		return nil, err
	}
	storeDrv, err := atsqlite.Open(conn)
	if err != nil {
		return nil, err
	}
	return diffTables(ctx, storeDrv, "", want)
}

func comparePostgres(ctx context.Context, conn *sql.Conn, stmts []string) ([]string, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() // the scratch schema goes with it
	const scratch = "registry_baseline_check"
	var current string
	if err := tx.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&current); err != nil {
		return nil, err
	}
	for _, s := range []string{`CREATE SCHEMA ` + scratch, `SET LOCAL search_path TO ` + scratch} {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return nil, err
		}
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return nil, fmt.Errorf("replay %s: %w", firstLine(s), err)
		}
	}
	drv, err := atpostgres.Open(tx)
	if err != nil {
		return nil, err
	}
	want, err := drv.InspectSchema(ctx, scratch, nil)
	if err != nil {
		return nil, err
	}
	return diffTables(ctx, drv, current, want)
}

// diffTables inspects the store's tables of the same names as want's (in
// its schema named store; "" for SQLite's main) and describes each
// difference.
func diffTables(ctx context.Context, drv migrate.Driver, store string, want *atschema.Schema) ([]string, error) {
	var names []string
	for _, t := range want.Tables {
		names = append(names, t.Name)
	}
	have, err := drv.InspectSchema(ctx, store, &atschema.InspectOptions{Tables: names})
	if err != nil {
		return nil, err
	}
	want.Name = have.Name
	ReadCollations(have)
	ReadCollations(want)
	changes, err := drv.SchemaDiff(have, want)
	if err != nil {
		return nil, err
	}
	return describeChanges(changes), nil
}

// describeChanges names schema changes in a few words each.
func describeChanges(changes []atschema.Change) []string {
	var out []string
	for _, c := range changes {
		switch c := c.(type) {
		case *atschema.AddTable:
			out = append(out, fmt.Sprintf("table %s is missing", c.T.Name))
		case *atschema.DropTable:
			out = append(out, fmt.Sprintf("table %s is extra", c.T.Name))
		case *atschema.ModifyTable:
			for _, tc := range c.Changes {
				out = append(out, fmt.Sprintf("table %s: %s", c.T.Name, describeTableChange(tc)))
			}
		default:
			out = append(out, fmt.Sprintf("%T", c))
		}
	}
	return out
}

func describeTableChange(c atschema.Change) string {
	switch c := c.(type) {
	case *atschema.AddColumn:
		return "column " + c.C.Name + " is missing"
	case *atschema.DropColumn:
		return "column " + c.C.Name + " is extra"
	case *atschema.ModifyColumn:
		return "column " + c.To.Name + " differs"
	case *atschema.AddIndex:
		return "index " + c.I.Name + " is missing"
	case *atschema.DropIndex:
		return "index " + c.I.Name + " is extra"
	case *atschema.ModifyIndex:
		return "index " + c.To.Name + " differs"
	case *atschema.AddForeignKey:
		return "foreign key " + c.F.Symbol + " is missing"
	case *atschema.DropForeignKey:
		return "foreign key " + c.F.Symbol + " is extra"
	case *atschema.ModifyForeignKey:
		return "foreign key " + c.To.Symbol + " differs"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", c), "*schema.")
}
