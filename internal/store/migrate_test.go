package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"ariga.io/atlas/sql/migrate"
	atpostgres "ariga.io/atlas/sql/postgres"
	atschema "ariga.io/atlas/sql/schema"
	atsqlite "ariga.io/atlas/sql/sqlite"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"

	entmigrate "github.com/aidregistry/registry/ent/migrate"
	"github.com/aidregistry/registry/ent/migrate/migrations"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// TestMigrationsMatchEntSchema: the migration files build exactly the
// schema ent/schema declares. ent replays them on an empty database of each
// kind and plans what would take that schema to ent's, drops of columns and
// indexes included: nothing. It fails when ent/schema changed without a new
// migration file (and then prints the missing statements). Replaying, not
// inspecting a migrated store, is how ent diffs versioned migrations: it
// normalises the declared schema through the database, without which
// SQLite's "text COLLATE decimal" columns would always look changed.
func TestMigrationsMatchEntSchema(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db, d := storetest.RawDB(t, storetest.URL(t, kind))
			dir := migrate.OpenMemDir("match-ent-" + t.Name())
			defer dir.Close()
			sub := map[string]string{dialect.SQLite: "sqlite", dialect.Postgres: "postgres"}[d]
			copyEmbedded(t, sub, dir)
			m, err := schema.NewMigrate(entsql.OpenDB(d, db),
				schema.WithDir(dir),
				schema.WithMigrationMode(schema.ModeReplay),
				schema.WithFormatter(migrate.DefaultFormatter),
				schema.WithDropColumn(true),
				schema.WithDropIndex(true),
				schema.WithErrNoPlan(true),
				schema.WithDiffHook(store.NormalizeCollations),
			)
			if err != nil {
				t.Fatal(err)
			}
			before, _ := dir.Files()
			err = m.NamedDiff(context.Background(), "missing", entmigrate.Tables...)
			if errors.Is(err, migrate.ErrNoPlan) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var missing strings.Builder
			after, _ := dir.Files()
			for _, f := range after[len(before):] {
				missing.Write(f.Bytes())
			}
			t.Fatalf("ent/schema declares changes that no migration file holds; write the next migration with\n"+
				"  go run ./cmd/registry migrate diff NAME\n(DEVELOPERS.md, \"Schema migrations\"). What is missing on %s:\n%s", kind, missing.String())
		})
	}
}

// copyEmbedded copies one embedded migration directory into dir.
func copyEmbedded(t *testing.T, sub string, dir migrate.Dir) {
	t.Helper()
	entries, err := fs.ReadDir(migrations.FS, sub)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(migrations.FS, sub+"/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if err := dir.WriteFile(e.Name(), b); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigrationsBuildWhatSchemaCreateBuilds: the migration files build the
// same tables, columns, indexes, foreign keys and id ranges as ent's
// auto-migration did before versioned migrations.
func TestMigrationsBuildWhatSchemaCreateBuilds(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			migrated := storetest.URL(t, kind)
			s, err := store.Open(ctx, migrated)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			created := storetest.SchemaCreateURL(t, kind)
			mdb, d := storetest.RawDB(t, migrated)
			cdb, _ := storetest.RawDB(t, created)
			// Open adds indexes ent's schema cannot declare; both sides get them.
			if err := store.InstallJoinIndexes(ctx, cdb); err != nil {
				t.Fatal(err)
			}
			if err := store.InstallCoveringIndexes(ctx, cdb, d); err != nil {
				t.Fatal(err)
			}
			have, drv := inspect(t, mdb, d)
			want, _ := inspect(t, cdb, d)
			store.ReadCollations(have) // SQLite: compare collations too
			store.ReadCollations(want)
			changes, err := drv.SchemaDiff(have, want)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range changes {
				t.Errorf("the migrated store differs from Schema.Create's: %T %s", c, describe(c))
			}
			if d == dialect.SQLite {
				// Atlas does not compare AUTOINCREMENT starts: the global
				// id ranges live in sqlite_sequence.
				if a, b := sequences(t, mdb), sequences(t, cdb); a != b {
					t.Errorf("sqlite_sequence differs:\nmigrated: %s\ncreated:  %s", a, b)
				}
			}
		})
	}
}

func inspect(t *testing.T, db *sql.DB, d string) (*atschema.Schema, migrate.Driver) {
	t.Helper()
	var (
		drv migrate.Driver
		err error
	)
	if d == dialect.Postgres {
		drv, err = atpostgres.Open(db)
	} else {
		drv, err = atsqlite.Open(db)
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tbl := range entmigrate.Tables {
		names = append(names, tbl.Name)
	}
	s, err := drv.InspectSchema(context.Background(), "", &atschema.InspectOptions{Tables: names})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tables) != len(names) {
		t.Fatalf("inspected %d tables, want %d", len(s.Tables), len(names))
	}
	return s, drv
}

func describe(c atschema.Change) string {
	if m, ok := c.(*atschema.ModifyTable); ok {
		var parts []string
		for _, tc := range m.Changes {
			parts = append(parts, fmt.Sprintf("%T", tc))
		}
		return m.T.Name + ": " + strings.Join(parts, ", ")
	}
	return ""
}

func sequences(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT name, seq FROM sqlite_sequence ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var name string
		var seq int64
		if err := rows.Scan(&name, &seq); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s=%d ", name, seq)
	}
	return b.String()
}

// TestOpenMigratesEmptyStore: a store with no tables is migrated to the
// latest version by a plain Open, and its schema is then current.
func TestOpenMigratesEmptyStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		known, err := store.Migrations(s.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		if len(known) == 0 {
			t.Fatal("no migrations embedded")
		}
		if len(s.Migrated) != len(known) {
			t.Errorf("Open applied %d migrations, want %d", len(s.Migrated), len(known))
		}
		if err := s.CheckSchema(context.Background()); err != nil {
			t.Errorf("CheckSchema after Open: %v", err)
		}
	})
}

// extraVersion is a migration no real file will reach.
const extraVersion = "29990101000000"

// withExtra is the real migration directories plus one more file per
// dialect (extra maps "sqlite"/"postgres" to its SQL), with atlas.sum
// recomputed.
func withExtra(t *testing.T, name string, extra map[string]string) fs.FS {
	t.Helper()
	out := fstest.MapFS{}
	for _, d := range []string{"sqlite", "postgres"} {
		entries, err := fs.ReadDir(migrations.FS, d)
		if err != nil {
			t.Fatal(err)
		}
		var files []migrate.File
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".sql") {
				continue
			}
			b, err := fs.ReadFile(migrations.FS, d+"/"+e.Name())
			if err != nil {
				t.Fatal(err)
			}
			out[d+"/"+e.Name()] = &fstest.MapFile{Data: b}
			files = append(files, migrate.NewLocalFile(e.Name(), b))
		}
		file := extraVersion + "_" + name + ".sql"
		out[d+"/"+file] = &fstest.MapFile{Data: []byte(extra[d])}
		files = append(files, migrate.NewLocalFile(file, []byte(extra[d])))
		sum, err := migrate.NewHashFile(files)
		if err != nil {
			t.Fatal(err)
		}
		b, err := sum.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		out[d+"/atlas.sum"] = &fstest.MapFile{Data: b}
	}
	return out
}

var addTable = map[string]string{
	"sqlite":   "-- Create \"test_extra\" table\nCREATE TABLE `test_extra` (`id` integer NOT NULL PRIMARY KEY, `note` text NULL);\n",
	"postgres": "-- Create \"test_extra\" table\nCREATE TABLE \"test_extra\" (\"id\" bigint NOT NULL, \"note\" text NULL, PRIMARY KEY (\"id\"));\n",
}

func schemaError(t *testing.T, err error) *store.MigrationStatus {
	t.Helper()
	var se *store.SchemaError
	if !errors.As(err, &se) {
		t.Fatalf("want a *store.SchemaError, got %v", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("the error is more than one line: %q", err)
	}
	return se.Status
}

func hasTable(t *testing.T, url, table string) bool {
	t.Helper()
	db, d := storetest.RawDB(t, url)
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1`
	if d == dialect.Postgres {
		q = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`
	}
	var n int
	if err := db.QueryRow(q, table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// TestBehindAndAheadStores: a store that is behind is refused by a plain
// Open, naming the pending files, and migrated with WithMigrate or
// MigrateUp; a store that is ahead is refused always.
func TestBehindAndAheadStores(t *testing.T) {
	ctx := context.Background()
	extra := extraVersion + "_test_extra.sql"
	cases := []struct {
		name string
		// arrange leaves the store at url in the state under test.
		arrange func(t *testing.T, url string)
		ahead   bool
	}{
		{"behind: a newer binary has one more file", func(t *testing.T, url string) {
			openClose(t, url)
			store.UseMigrations(t, withExtra(t, "test_extra", addTable))
		}, false},
		{"behind: only the first files applied", func(t *testing.T, url string) {
			store.UseMigrations(t, withExtra(t, "test_extra", addTable))
			known, _ := store.Migrations(dialectOf(t, url))
			done, err := store.MigrateUp(ctx, url, known[len(known)-2].Version)
			if err != nil || len(done) != len(known)-1 {
				t.Fatalf("MigrateUp --to: %v, %d applied", err, len(done))
			}
		}, false},
		{"ahead: a revision this binary does not know", func(t *testing.T, url string) {
			openClose(t, url)
			storetest.Exec(t, url, `INSERT INTO schema_revisions (version, description, hash) VALUES ('`+extraVersion+`', 'from_the_future', 'x')`)
		}, true},
		{"ahead: migrated by a newer binary", func(t *testing.T, url string) {
			store.UseMigrations(t, withExtra(t, "test_extra", addTable))
			openClose(t, url)
			store.UseMigrations(t, migrations.FS)
		}, true},
	}
	for _, kind := range storetest.Kinds {
		for _, c := range cases {
			t.Run(string(kind)+"/"+c.name, func(t *testing.T) {
				url := storetest.URL(t, kind)
				c.arrange(t, url)

				_, err := store.Open(ctx, url)
				st := schemaError(t, err)
				if c.ahead {
					if !st.Ahead() || !strings.Contains(err.Error(), extraVersion) || !strings.Contains(err.Error(), "newer") {
						t.Fatalf("want an ahead error naming %s, got %v", extraVersion, err)
					}
					if _, err := store.Open(ctx, url, store.WithMigrate(true)); err == nil {
						t.Fatal("an ahead store opened with WithMigrate(true)")
					}
					if _, err := store.MigrateUp(ctx, url, ""); err == nil {
						t.Fatal("MigrateUp on an ahead store succeeded")
					}
					return
				}
				for _, want := range []string{extra, "registry migrate up", "--migrate"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not say %q", err, want)
					}
				}
				if !st.Behind() || len(st.Pending) != 1 || st.Pending[0].File != extra {
					t.Fatalf("status: pending %v", st.Pending)
				}
				s, err := store.Open(ctx, url, store.WithMigrate(true))
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				if len(s.Migrated) != 1 || s.Migrated[0].Version != extraVersion {
					t.Errorf("migrated %+v, want only %s", s.Migrated, extraVersion)
				}
				if err := s.CheckSchema(ctx); err != nil {
					t.Errorf("CheckSchema: %v", err)
				}
				if !hasTable(t, url, "test_extra") {
					t.Error("the pending file did not run")
				}
			})
		}
	}
}

// TestLegacyStore: a store made by ent's auto-migration, with no
// schema_revisions, is refused by a plain Open; migrating records the first
// file as applied without running it when the schema matches, and refuses,
// naming the differences, when it does not.
func TestLegacyStore(t *testing.T) {
	ctx := context.Background()
	for _, kind := range storetest.Kinds {
		t.Run(string(kind)+"/matching", func(t *testing.T) {
			url := storetest.LegacyURL(t, kind)
			_, err := store.Open(ctx, url)
			st := schemaError(t, err)
			if !st.Legacy || !strings.Contains(err.Error(), "predates versioned migrations") || !strings.Contains(err.Error(), "--migrate") {
				t.Fatalf("want a legacy error, got %v", err)
			}
			s, err := store.Open(ctx, url, store.WithMigrate(true))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			known, _ := store.Migrations(s.Dialect)
			if len(s.Migrated) != len(known) || !s.Migrated[0].Baseline {
				t.Fatalf("migrated %+v: want the first baselined, then the rest", s.Migrated)
			}
			status, err := store.SchemaStatus(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			if status.Behind() || status.Ahead() || !status.Applied[0].Baseline {
				t.Errorf("after baseline: %+v", status)
			}
		})
		t.Run(string(kind)+"/differing", func(t *testing.T) {
			url := storetest.LegacyURL(t, kind)
			storetest.Exec(t, url, `DROP INDEX change_at`)
			_, err := store.MigrateUp(ctx, url, "")
			if err == nil || !strings.Contains(err.Error(), "index change_at is missing") {
				t.Fatalf("want a refusal naming the missing index, got %v", err)
			}
			status, err := store.SchemaStatus(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			if !status.Legacy || len(status.Applied) != 0 {
				t.Errorf("a refused baseline recorded something: %+v", status)
			}
		})
	}
}

// TestSQLiteRebuildRunsWithForeignKeysOff: Atlas alters an SQLite table by
// copying it, dropping it and renaming the copy, which breaks referencing
// rows unless foreign keys are off; a file's transaction still refuses to
// commit rows that break a key, and the keys are on again afterwards.
func TestSQLiteRebuildRunsWithForeignKeysOff(t *testing.T) {
	ctx := context.Background()
	// The copy is made the way Atlas writes it: the same CREATE under a
	// new name, rows copied, the old table dropped, the copy renamed.
	var create string
	probe := storetest.URL(t, storetest.SQLite)
	openClose(t, probe)
	pdb, _ := storetest.RawDB(t, probe)
	if err := pdb.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'countries'`).Scan(&create); err != nil {
		t.Fatal(err)
	}
	create = strings.Replace(create, "`countries`", "`new_countries`", 1)
	rebuild := "PRAGMA foreign_keys = off;\n" +
		create + ";\n" +
		"INSERT INTO `new_countries` SELECT * FROM `countries`;\n" +
		"DROP TABLE `countries`;\n" +
		"ALTER TABLE `new_countries` RENAME TO `countries`;\n" +
		"PRAGMA foreign_keys = on;\n"
	breaks := "DELETE FROM `countries`;\n"
	for _, c := range []struct {
		name, sql, err string
	}{
		{"rebuild keeps rows", rebuild, ""},
		{"broken keys roll back", breaks, "breaks its foreign key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			url := storetest.URL(t, storetest.SQLite)
			openClose(t, url)
			storetest.Exec(t, url,
				`INSERT INTO countries (id, created_at, updated_at, iso2, iso3, name) VALUES (17179869185, '2026-01-01', '2026-01-01', 'GH', 'GHA', 'Ghana')`,
				`INSERT INTO areas (id, created_at, updated_at, name, country_id) VALUES (8589934593, '2026-01-01', '2026-01-01', 'Ashanti', 17179869185)`)
			store.UseMigrations(t, withExtra(t, "test_fk", map[string]string{"sqlite": c.sql, "postgres": "SELECT 1;\n"}))
			done, err := store.MigrateUp(ctx, url, "")
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("want %q, got %v", c.err, err)
				}
				status, err := store.SchemaStatus(ctx, url)
				if err != nil {
					t.Fatal(err)
				}
				if len(status.Pending) != 1 {
					t.Errorf("the failed file was recorded: %+v", status)
				}
			} else if err != nil || len(done) != 1 {
				t.Fatalf("MigrateUp: %v, %+v", err, done)
			}
			db, _ := storetest.RawDB(t, url)
			var n int
			if err := db.QueryRow(`SELECT count(*) FROM areas JOIN countries ON countries.id = areas.country_id`).Scan(&n); err != nil || n != 1 {
				t.Errorf("rows lost: %d joined, %v", n, err)
			}
			s, err := store.Open(ctx, url)
			if c.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				var on int
				if err := s.DB.QueryRow(`PRAGMA foreign_keys`).Scan(&on); err != nil || on != 1 {
					t.Errorf("foreign keys are off after migrating: %d, %v", on, err)
				}
			}
		})
	}
}

func openClose(t *testing.T, url string) {
	t.Helper()
	s, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func dialectOf(t *testing.T, url string) string {
	t.Helper()
	loc, err := store.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	return loc.Dialect
}
