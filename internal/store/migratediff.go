package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
	"time"

	"ariga.io/atlas/sql/migrate"
	atschema "ariga.io/atlas/sql/schema"
	atsqlite "ariga.io/atlas/sql/sqlite"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"

	entmigrate "github.com/aidregistry/registry/ent/migrate"
)

// DiffOptions says where `registry migrate diff` writes and which
// PostgreSQL server lends it a scratch database.
type DiffOptions struct {
	// Dir holds one migration directory per dialect (sqlite/, postgres/):
	// ent/migrate/migrations in the source tree.
	Dir string
	// Name labels the new files: VERSION_NAME.sql.
	Name string
	// DevPostgres is a PostgreSQL URL whose user may create databases;
	// a scratch database is created on that server and dropped after.
	DevPostgres string
	// Version overrides the new files' version (a UTC timestamp
	// YYYYMMDDHHMMSS by default); tests use it.
	Version string
}

// DiffResult is one migration file written by WriteMigrations.
type DiffResult struct {
	Dialect string
	Path    string
}

var migrationName = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)

// WriteMigrations writes the next migration for every dialect: for each,
// it replays the existing directory on an empty dev database (an in-memory
// SQLite database; a scratch PostgreSQL database) and has ent plan the
// statements that take that schema to the one ent/schema declares now.
// Dropped columns and indexes are planned too, so the files always end at
// exactly ent's schema (TestMigrationsMatchEntSchema holds them to that).
// Every plan is made before any file is written: on an error nothing
// changes. A dialect whose schema did not change gets no file; with no
// change at all, the result is empty.
func WriteMigrations(ctx context.Context, o DiffOptions) ([]DiffResult, error) {
	if !migrationName.MatchString(o.Name) {
		return nil, fmt.Errorf("migration name %q: use lower-case letters, digits and _ (e.g. add_programme_code_index)", o.Name)
	}
	version := o.Version
	if version == "" {
		v, err := nextVersion(o.Dir)
		if err != nil {
			return nil, err
		}
		version = v
	} else if err := migrate.CheckVersion(version); err != nil {
		return nil, err
	}
	type planned struct {
		dialect string
		path    string
		mem     *migrate.MemDir
	}
	var plans []planned
	for _, d := range []string{dialect.SQLite, dialect.Postgres} {
		path := filepath.Join(o.Dir, dirName(d))
		if err := os.MkdirAll(path, 0o755); err != nil {
			return nil, err
		}
		local, err := migrate.NewLocalDir(path)
		if err != nil {
			return nil, err
		}
		if err := migrate.Validate(local); err != nil {
			return nil, fmt.Errorf("%s: %w (a file was edited, added or removed by hand: check it, then run `registry migrate hash`)", path, err)
		}
		mem := migrate.OpenMemDir(fmt.Sprintf("registry-diff-%s-%d", d, time.Now().UnixNano()))
		defer mem.Close()
		if err := copyDir(local, mem); err != nil {
			return nil, err
		}
		changed, err := planMigration(ctx, d, mem, version, o)
		if err != nil {
			return nil, fmt.Errorf("plan %s migration: %w", dirName(d), err)
		}
		if changed {
			plans = append(plans, planned{d, path, mem})
		}
	}
	var out []DiffResult
	for _, p := range plans {
		files, err := p.mem.Files()
		if err != nil {
			return nil, err
		}
		name := files[len(files)-1].Name()
		for _, n := range []string{name, migrate.HashFileName} {
			b, err := fs.ReadFile(p.mem, n)
			if err != nil {
				return nil, err
			}
			if err := os.WriteFile(filepath.Join(p.path, n), b, 0o644); err != nil {
				return nil, err
			}
		}
		out = append(out, DiffResult{Dialect: p.dialect, Path: filepath.Join(p.path, name)})
	}
	return out, nil
}

// planMigration plans one dialect's next file into dir; it reports
// whether there was anything to plan.
func planMigration(ctx context.Context, d string, dir *migrate.MemDir, version string, o DiffOptions) (bool, error) {
	dev, done, err := devDatabase(ctx, d, o.DevPostgres)
	if err != nil {
		return false, err
	}
	defer done()
	format, err := migrate.NewTemplateFormatter(
		template.Must(template.New("name").Parse(version+"{{ with .Name }}_{{ . }}{{ end }}.sql")),
		migrate.DefaultFormatter[0].C,
	)
	if err != nil {
		return false, err
	}
	m, err := schema.NewMigrate(entsql.OpenDB(d, dev),
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithFormatter(format),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
		schema.WithErrNoPlan(true),
		schema.WithDiffHook(NormalizeCollations),
	)
	if err != nil {
		return false, err
	}
	err = m.NamedDiff(ctx, o.Name, entmigrate.Tables...)
	if errors.Is(err, migrate.ErrNoPlan) {
		return false, nil
	}
	return err == nil, err
}

// NormalizeCollations is an ent diff hook for SQLite. ent/schema declares
// SQLite's amount columns with the type "text COLLATE decimal"
// (decimalSchemaType), but Atlas reads no collation back from SQLite: the
// column it inspects is plain text, so without this hook every plan would
// rebuild every table with an amount column (as ent's auto-migration did on
// every start), and a plan could never see a collation change. The hook
// reads each current column's collation from its table's CREATE statement
// and spells its type the way ent declares it, so the two compare equal
// exactly when type and collation match.
func NormalizeCollations(next schema.Differ) schema.Differ {
	return schema.DiffFunc(func(current, desired *atschema.Schema) ([]atschema.Change, error) {
		ReadCollations(current)
		return next.Diff(current, desired)
	})
}

// ReadCollations rewrites the type of every column of an inspected SQLite
// schema that its CREATE TABLE statement declares with a collation to
// "TYPE collate NAME" (lower case), as ent declares such columns.
func ReadCollations(s *atschema.Schema) {
	for _, t := range s.Tables {
		var create string
		for _, a := range t.Attrs {
			if c, ok := a.(*atsqlite.CreateStmt); ok {
				create = c.S
			}
		}
		if create == "" {
			continue
		}
		for _, c := range t.Columns {
			re := regexp.MustCompile("(?i)[`\"\\[]" + regexp.QuoteMeta(c.Name) + "[`\"\\]]\\s+([^,()]*?)\\bcollate\\s+[`\"]?(\\w+)")
			m := re.FindStringSubmatch(create)
			if m == nil {
				continue
			}
			base := strings.Fields(m[1])
			if len(base) == 0 {
				continue
			}
			c.Type.Type = &atsqlite.UserDefinedType{T: strings.ToLower(base[0] + " collate " + m[2])}
		}
	}
}

// devDatabase opens an empty database of dialect d for Atlas to replay
// migrations on; done drops it.
func devDatabase(ctx context.Context, d, adminURL string) (*sql.DB, func(), error) {
	if d == dialect.SQLite {
		// A private in-memory database: one connection, so it lives
		// exactly as long as the pool.
		db, err := sql.Open("sqlite", fmt.Sprintf("file:registry-dev-%d?mode=memory&_pragma=foreign_keys(1)", time.Now().UnixNano()))
		if err != nil {
			return nil, nil, err
		}
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
		return db, func() { db.Close() }, nil
	}
	if adminURL == "" {
		return nil, nil, errors.New("no PostgreSQL server for the dev database (--dev-postgres)")
	}
	admin, err := sql.Open("postgres", adminURL)
	if err != nil {
		return nil, nil, err
	}
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		return nil, nil, fmt.Errorf("PostgreSQL at %s lends the dev database and does not answer (start it with scripts/postgres.sh): %w", redact(adminURL), err)
	}
	name := fmt.Sprintf("registry_migrate_dev_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return nil, nil, fmt.Errorf("create dev database: %w", err)
	}
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		drop()
		return nil, nil, err
	}
	u.Path = "/" + name
	db, err := sql.Open("postgres", u.String())
	if err != nil {
		drop()
		return nil, nil, err
	}
	return db, func() { db.Close(); drop() }, nil
}

// redact hides a URL's password.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "the PostgreSQL URL"
	}
	return u.Redacted()
}

// nextVersion is now as an Atlas version (UTC YYYYMMDDHHMMSS), or one
// second after the newest file of either dialect if the clock is behind it.
func nextVersion(root string) (string, error) {
	v := migrate.NewVersion()
	for _, d := range []string{dialect.SQLite, dialect.Postgres} {
		names, err := filepath.Glob(filepath.Join(root, dirName(d), "*.sql"))
		if err != nil {
			return "", err
		}
		for _, n := range names {
			last := migrate.NewLocalFile(filepath.Base(n), nil).Version()
			if last >= v {
				t, err := time.Parse("20060102150405", last)
				if err != nil {
					return "", fmt.Errorf("%s: version %q is not a timestamp", n, last)
				}
				v = t.Add(time.Second).Format("20060102150405")
			}
		}
	}
	return v, nil
}

// copyDir copies a migration directory's files and sum into an empty one.
func copyDir(from migrate.Dir, to migrate.Dir) error {
	files, err := from.Files()
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := to.WriteFile(f.Name(), f.Bytes()); err != nil {
			return err
		}
	}
	sum, err := fs.ReadFile(from, migrate.HashFileName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return to.WriteFile(migrate.HashFileName, sum)
}

// RehashMigrations rewrites atlas.sum in every dialect's directory under
// root after a migration file was edited by hand.
func RehashMigrations(root string) ([]string, error) {
	var written []string
	for _, d := range []string{dialect.SQLite, dialect.Postgres} {
		path := filepath.Join(root, dirName(d))
		dir, err := migrate.NewLocalDir(path)
		if err != nil {
			return nil, err
		}
		sum, err := dir.Checksum()
		if err != nil {
			return nil, err
		}
		if err := migrate.WriteSumFile(dir, sum); err != nil {
			return nil, err
		}
		written = append(written, filepath.Join(path, migrate.HashFileName))
	}
	return written, nil
}

// dirName is the migration directory of an ent dialect.
func dirName(d string) string {
	if d == dialect.SQLite {
		return "sqlite"
	}
	return strings.ToLower(d)
}
