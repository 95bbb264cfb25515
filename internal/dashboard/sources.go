package dashboard

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/biter777/countries"
)

// appSources is everything `vite build` reads, so that a binary built
// without the app (`go run ./cmd/registry serve` on a fresh clone) can build
// it at its first start, as GraphiQL installs itself. It is about 100 KB.
//
//go:embed web/package.json web/package-lock.json web/index.html web/vite.config.ts web/tsconfig.json web/src operations
var appSources embed.FS

// fixedSources are the files of appSources outside its directories.
var fixedSources = []string{"web/package.json", "web/package-lock.json", "web/index.html", "web/vite.config.ts", "web/tsconfig.json"}

// isBuildSource tells whether the build reads the file: tests and files the
// build itself generates are left out, so they change no stamp.
func isBuildSource(name string) bool {
	return !strings.Contains(name, ".test.") && !strings.Contains(name, ".gen.")
}

// SourceFiles lists the files of fsys (laid out as this directory) that the
// build reads, sorted.
func SourceFiles(fsys fs.FS) ([]string, error) {
	files := append([]string(nil), fixedSources...)
	for _, dir := range []string{"web/src", "operations"} {
		err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && isBuildSource(p) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(files)
	return files, nil
}

// SourceStamp identifies a build's inputs: the same stamp, the same app.
// gen_assets compares it with the one written beside dist/app; a first-start
// build names its cache directory after it.
func SourceStamp(fsys fs.FS) (string, error) {
	files, err := SourceFiles(fsys)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, name := range files {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)[:8]), nil
}

// CountryCodesPath is where the build expects CountryCodesJSON's output.
const CountryCodesPath = "web/src/iso-numeric.gen.json"

// CountryCodesJSON maps ISO 3166-1 numeric codes to alpha-2, which the map
// needs (world-atlas keys countries by numeric code), from the same
// maintained list the registry's countries come from.
func CountryCodesJSON() []byte {
	m := map[string]string{}
	for _, c := range countries.All() {
		a2 := c.Alpha2()
		if len(a2) != 2 || c.Info() == nil {
			continue
		}
		m[fmt.Sprintf("%03d", int(c))] = a2
	}
	b, err := json.Marshal(m) // map keys are sorted: the same bytes each time
	if err != nil {
		panic(err) // cannot happen: strings only
	}
	return append(b, '\n')
}
