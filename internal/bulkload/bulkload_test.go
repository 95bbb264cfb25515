package bulkload_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/bulkload"
	"github.com/aidregistry/registry/internal/countries"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// smallDataset generates the benchmark dataset at 1/50 scale with the
// shared generator.
func smallDataset(t *testing.T) string {
	t.Helper()
	gen := filepath.Join("..", "..", "..", "shared", "bench", "gen")
	if _, err := os.Stat(gen); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("../shared/bench/gen is missing: %v", err)
		}
		t.Skip("../shared/bench is not beside the project")
	}
	dir := t.TempDir()
	cmd := exec.Command("go", "run", ".", "-out", dir, "-scale", "small")
	cmd.Dir = gen
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generate dataset: %v\n%s", err, out)
	}
	return dir
}

func lines(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		n++
	}
	return n
}

// TestLoadIsCompleteAndIdempotent loads the dataset twice on each store: the
// first load holds every record of the files, the second adds nothing.
func TestLoadIsCompleteAndIdempotent(t *testing.T) {
	dir := smallDataset(t)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := countries.Load(auth.AsSystem(ctx), st.Client); err != nil {
			t.Fatal(err)
		}
		first, err := bulkload.New(st.DB, st.Dialect, nil).Load(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]func() (int, error){
			"organisations.jsonl":       func() (int, error) { return st.Client.Organisation.Query().Count(ctx) },
			"programmes.jsonl":          func() (int, error) { return st.Client.Programme.Query().Count(ctx) },
			"participations.jsonl":      func() (int, error) { return st.Client.Participation.Query().Count(ctx) },
			"programme_countries.jsonl": func() (int, error) { return st.Client.ProgrammeCountry.Query().Count(ctx) },
			"fundings.jsonl":            func() (int, error) { return st.Client.Funding.Query().Count(ctx) },
			"agreements.jsonl":          func() (int, error) { return st.Client.Agreement.Query().Count(ctx) },
		}
		for file, count := range counts {
			got, err := count()
			if err != nil {
				t.Fatal(err)
			}
			if want := lines(t, filepath.Join(dir, file)); got != want {
				t.Errorf("%s: %d rows stored, %d in the file", file, got, want)
			}
		}
		withParent, err := st.Client.Programme.Query().QueryParent().Count(ctx)
		if err != nil || withParent == 0 {
			t.Errorf("no programme got its parent (%v)", err)
		}
		second, err := bulkload.New(st.DB, st.Dialect, nil).Load(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if second.Inserted != 0 {
			t.Errorf("second load inserted %d rows; first inserted %d", second.Inserted, first.Inserted)
		}
	})
}
