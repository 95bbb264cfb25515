package storetest

import (
	"context"
	"database/sql"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/aidregistry/registry/ent"

	"github.com/aidregistry/registry/internal/store"
)

// RawDB opens the database behind a --db URL with no migration and no
// hooks, for tests that arrange a store's schema by hand; it is closed
// when the test ends.
func RawDB(t testing.TB, url string) (*sql.DB, string) {
	t.Helper()
	loc, err := store.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	driver := "sqlite"
	if loc.Dialect == dialect.Postgres {
		driver = "postgres"
	}
	db, err := sql.Open(driver, loc.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, loc.Dialect
}

// Exec runs statements on the database behind a --db URL.
func Exec(t testing.TB, url string, stmts ...string) {
	t.Helper()
	db, _ := RawDB(t, url)
	for _, s := range stmts {
		if _, err := db.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// LegacyURL is an empty database of the given kind with the schema that
// ent's auto-migration (Schema.Create) built before versioned migrations:
// the first migration's tables, and no schema_revisions. (Schema.Create
// today would build the latest schema, which no old registry made.)
func LegacyURL(t testing.TB, kind Kind) string {
	t.Helper()
	url := URL(t, kind)
	loc, err := store.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	known, err := store.Migrations(loc.Dialect)
	if err != nil || len(known) == 0 {
		t.Fatalf("migrations of %s: %v", kind, err)
	}
	if _, err := store.MigrateUp(context.Background(), url, known[0].Version); err != nil {
		t.Fatalf("migrate %s to %s: %v", kind, known[0].Version, err)
	}
	Exec(t, url, "DROP TABLE "+store.RevisionsTable)
	return url
}

// SchemaCreateURL is an empty database of the given kind with the schema
// ent's auto-migration (Schema.Create) builds from today's ent/schema, for
// comparing it with what the migration files build.
func SchemaCreateURL(t testing.TB, kind Kind) string {
	t.Helper()
	url := URL(t, kind)
	db, d := RawDB(t, url)
	client := ent.NewClient(ent.Driver(entsql.OpenDB(d, db)))
	if err := client.Schema.Create(context.Background()); err != nil {
		t.Fatalf("Schema.Create on %s: %v", kind, err)
	}
	return url
}
