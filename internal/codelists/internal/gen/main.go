// Command gen turns the IATI codelist XML files into the compact data files
// that package codelists embeds, and writes the source commits into the
// package's doc.go. scripts/codelists.sh runs it; see there for the inputs.
//
//	go run ./internal/codelists/internal/gen -out internal/codelists \
//	    -src 'IATI/IATI-Codelists|version-2.03|COMMIT|DIR' \
//	    -src 'IATI/IATI-Codelists-NonEmbedded|master|COMMIT|DIR'
//
// Each DIR holds one repository's xml/*.xml files. For every list it writes
// OUT/data/NAME.tsv: a header line, then one line per item in the source's
// order with four tab-separated fields: code, English name, category, and
// "1" when the item is withdrawn (status="withdrawn" or a withdrawal-date
// attribute) or "" otherwise. Runs of white space in a field become one
// space, so no field holds a tab or a line break. An item repeated exactly
// is written once; a code given twice with different fields is an error.
package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// header is the first line of every data file; codelists.go checks it.
const header = "code\tname\tcategory\twithdrawn"

const (
	beginMark = "// BEGIN SOURCES"
	endMark   = "// END SOURCES"
)

type source struct {
	repo, ref, commit, dir string
	lists                  []string
}

type sources []*source

func (s *sources) String() string { return fmt.Sprint(len(*s)) }

func (s *sources) Set(v string) error {
	f := strings.Split(v, "|")
	if len(f) != 4 || f[0] == "" || f[2] == "" || f[3] == "" {
		return errors.New("want REPO|REF|COMMIT|DIR")
	}
	*s = append(*s, &source{repo: f[0], ref: f[1], commit: f[2], dir: f[3]})
	return nil
}

// The parts of a codelist file the registry needs.
type xmlCodelist struct {
	Name  string    `xml:"name,attr"`
	Items []xmlItem `xml:"codelist-items>codelist-item"`
}

type xmlItem struct {
	Status         string         `xml:"status,attr"`
	WithdrawalDate string         `xml:"withdrawal-date,attr"`
	Code           string         `xml:"code"`
	Names          []xmlNarrative `xml:"name>narrative"`
	Category       string         `xml:"category"`
}

type xmlNarrative struct {
	Lang string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Text string `xml:",chardata"`
}

func main() {
	var srcs sources
	out := flag.String("out", "", "the codelists package directory")
	flag.Var(&srcs, "src", "REPO|REF|COMMIT|DIR (repeat)")
	flag.Parse()
	if *out == "" || len(srcs) == 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*out, srcs); err != nil {
		fmt.Fprintln(os.Stderr, "codelists gen:", err)
		os.Exit(1)
	}
}

func run(out string, srcs sources) error {
	files := map[string][]byte{} // data file name → contents
	from := map[string]string{}  // list name → repository
	items := 0
	for _, s := range srcs {
		paths, err := filepath.Glob(filepath.Join(s.dir, "*.xml"))
		if err != nil {
			return err
		}
		if len(paths) == 0 {
			return fmt.Errorf("%s: no xml files in %s", s.repo, s.dir)
		}
		sort.Strings(paths)
		for _, p := range paths {
			name, data, n, err := convert(p)
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			if prev, dup := from[name]; dup {
				return fmt.Errorf("list %s is in both %s and %s", name, prev, s.repo)
			}
			from[name] = s.repo
			files[name+".tsv"] = data
			s.lists = append(s.lists, name)
			items += n
		}
	}

	dataDir := filepath.Join(out, "data")
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dataDir, "*.tsv"))
	if err != nil {
		return err
	}
	for _, p := range old {
		if _, keep := files[filepath.Base(p)]; !keep {
			if err := os.Remove(p); err != nil {
				return err
			}
		}
	}
	size := 0
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dataDir, name), data, 0o644); err != nil {
			return err
		}
		size += len(data)
	}
	if err := writeSources(filepath.Join(out, "doc.go"), srcs); err != nil {
		return err
	}
	fmt.Printf("codelists gen: %d lists, %d items, %d bytes of data\n", len(files), items, size)
	return nil
}

// convert reads one codelist file and returns its name and data file.
func convert(path string) (string, []byte, int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", nil, 0, err
	}
	var cl xmlCodelist
	if err := xml.Unmarshal(raw, &cl); err != nil {
		return "", nil, 0, err
	}
	if cl.Name == "" || strings.ContainsAny(cl.Name, "/\\. \t") {
		return "", nil, 0, fmt.Errorf("bad codelist name %q", cl.Name)
	}
	if len(cl.Items) == 0 {
		return "", nil, 0, fmt.Errorf("list %s has no items", cl.Name)
	}
	var b bytes.Buffer
	b.WriteString(header + "\n")
	seen := map[string]string{} // code → its line
	n := 0
	for _, it := range cl.Items {
		code := clean(it.Code)
		if code == "" {
			return "", nil, 0, fmt.Errorf("list %s: an item without a code", cl.Name)
		}
		withdrawn := ""
		if it.Status == "withdrawn" || strings.TrimSpace(it.WithdrawalDate) != "" {
			withdrawn = "1"
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%s\n", code, clean(english(it.Names)), clean(it.Category), withdrawn)
		if prev, dup := seen[code]; dup {
			// A repeated identical item (FileFormat has some) is dropped;
			// two different items with one code need a person to decide.
			if prev != line {
				return "", nil, 0, fmt.Errorf("list %s: code %q twice, with different fields", cl.Name, code)
			}
			fmt.Fprintf(os.Stderr, "codelists gen: %s: dropped a repeat of code %q\n", cl.Name, code)
			continue
		}
		seen[code] = line
		b.WriteString(line)
		n++
	}
	return cl.Name, b.Bytes(), n, nil
}

// english picks the English narrative: one marked xml:lang="en", else the
// first without a language (the files declare English as their default).
func english(ns []xmlNarrative) string {
	for _, n := range ns {
		if n.Lang == "en" {
			return n.Text
		}
	}
	for _, n := range ns {
		if n.Lang == "" {
			return n.Text
		}
	}
	return ""
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// writeSources replaces the lines between the BEGIN and END SOURCES marks
// of doc.go with the repositories and commits the data came from.
func writeSources(path string, srcs sources) error {
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(doc)
	i := strings.Index(s, beginMark)
	j := strings.Index(s, endMark)
	if i < 0 || j < i {
		return fmt.Errorf("%s: no %q … %q block", path, beginMark, endMark)
	}
	i += strings.IndexByte(s[i:], '\n') + 1

	var b strings.Builder
	b.WriteString("\n// The repositories and commits the embedded data files were generated\n// from, and how many lists each gave.\n//\n")
	for _, src := range srcs {
		fmt.Fprintf(&b, "//   - %s, %s at %s: %d lists\n", src.repo, src.ref, src.commit, len(src.lists))
	}
	b.WriteString("const (\n")
	for _, src := range srcs {
		fmt.Fprintf(&b, "\t%s = %q\n", constName(src.repo), src.commit)
	}
	b.WriteString(")\n\n")

	res, err := format.Source([]byte(s[:i] + b.String() + s[j:]))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, res, 0o644)
}

// constName names the commit constant of a repository:
// IATI/IATI-Codelists-NonEmbedded → NonEmbeddedCommit.
func constName(repo string) string {
	base := repo[strings.LastIndexByte(repo, '/')+1:]
	base = strings.TrimPrefix(base, "IATI-")
	if base == "Codelists" {
		return "CodelistsCommit"
	}
	base = strings.TrimPrefix(base, "Codelists-")
	return strings.ReplaceAll(base, "-", "") + "Commit"
}
