package store

import (
	"io/fs"
	"testing"
)

// UseMigrations makes the store read its migration directories (sqlite/,
// postgres/) from fsys until the test ends. Tests that call it must not
// run in parallel.
func UseMigrations(t testing.TB, fsys fs.FS) {
	migrationMu.Lock()
	old := migrationFS
	migrationFS = fsys
	migrationCache = map[string][]Migration{}
	migrationMu.Unlock()
	t.Cleanup(func() {
		migrationMu.Lock()
		migrationFS = old
		migrationCache = map[string][]Migration{}
		migrationMu.Unlock()
	})
}
