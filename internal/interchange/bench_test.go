package interchange_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aidregistry/registry/internal/interchange"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// writeLargeFile writes an IATI 2.03 file of n activities of about 4 KB
// each, shaped like a real publisher's: two languages, five organisations
// (one by a publisher's own code), three countries with shares, a region,
// budgets by year with a revision, six transactions (a negative correction,
// one in the default currency, one of a type the registry has no kind
// for), a contact, a document, a parent that comes at the end and a
// sibling. It is written as it is generated, never held whole.
func writeLargeFile(t testing.TB, n int) (string, int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("generated-%d.xml", n))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<iati-activities version="2.03">`+"\n")
	countries := []string{"BI", "CD", "RW", "ML", "SO", "ET", "KE", "UG", "SN", "NE"}
	for i := 0; i < n; i++ {
		writeGeneratedActivity(w, i, countries)
	}
	fmt.Fprint(w, `  <iati-activity xml:lang="en"><iati-identifier>XM-DAC-47066-GEN</iati-identifier>
    <title><narrative>The generated programmes' parent</narrative></title>
  </iati-activity>
</iati-activities>
`)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, fi.Size()
}

func writeGeneratedActivity(w io.Writer, i int, cs []string) {
	c1, c2, c3 := cs[i%len(cs)], cs[(i+3)%len(cs)], cs[(i+7)%len(cs)]
	fmt.Fprintf(w, `  <iati-activity xml:lang="en" default-currency="EUR" last-updated-datetime="2026-01-01T00:00:00Z">
    <iati-identifier>XM-DAC-47066-GEN-%[1]d</iati-identifier>
    <reporting-org ref="XM-DAC-47066" type="40">
      <narrative>International Organization for Migration</narrative>
      <narrative xml:lang="fr">Organisation internationale pour les migrations</narrative>
    </reporting-org>
    <title>
      <narrative>Generated programme %[1]d for migration and development</narrative>
      <narrative xml:lang="fr">Programme généré %[1]d pour la migration et le développement</narrative>
    </title>
    <description type="1">
      <narrative>Diaspora experts return for short missions to rebuild the institutions of their countries of origin; generated activity number %[1]d.</narrative>
      <narrative xml:lang="fr">Des experts de la diaspora reviennent pour de courtes missions; activité générée numéro %[1]d.</narrative>
    </description>
    <participating-org ref="XM-DAC-2-10" role="1" type="10"><narrative>Government of Belgium</narrative></participating-org>
    <participating-org ref="XM-DAC-47066" role="2" type="40"><narrative>IOM</narrative></participating-org>
    <participating-org ref="XM-DAC-47066" role="3" type="40"><narrative>IOM</narrative></participating-org>
    <participating-org ref="%[5]d" role="4" type="22"><narrative>Local partner %[5]d</narrative></participating-org>
    <participating-org role="4"><narrative>Ministry of Planning %[5]d</narrative></participating-org>
    <activity-status code="%[6]d"/>
    <activity-date iso-date="2008-01-01" type="1"/>
    <activity-date iso-date="2008-02-15" type="2"/>
    <activity-date iso-date="2012-12-31" type="3"/>
    <contact-info type="1">
      <organisation><narrative>IOM</narrative></organisation>
      <person-name><narrative>A. Person</narrative></person-name>
      <email>contact-%[1]d@example.org</email>
    </contact-info>
    <recipient-country code="%[2]s" percentage="50"/>
    <recipient-country code="%[3]s" percentage="30"/>
    <recipient-country code="%[4]s" percentage="20"/>
    <recipient-region code="289" vocabulary="1" percentage="100"/>
    <sector vocabulary="1" code="15190" percentage="100"/>
    <budget type="1" status="1"><period-start iso-date="2008-01-01"/><period-end iso-date="2008-12-31"/><value currency="EUR" value-date="2008-01-01">%[1]d00.00</value></budget>
    <budget type="2" status="2"><period-start iso-date="2008-01-01"/><period-end iso-date="2008-12-31"/><value currency="EUR" value-date="2008-06-01">%[1]d10.00</value></budget>
    <budget type="1" status="1"><period-start iso-date="2009-01-01"/><period-end iso-date="2009-12-31"/><value currency="EUR" value-date="2009-01-01">%[1]d50.00</value></budget>
    <transaction><transaction-type code="2"/><transaction-date iso-date="2008-01-10"/><value currency="EUR" value-date="2008-01-10">%[1]d000.00</value>
      <provider-org ref="XM-DAC-2-10" type="10"><narrative>Government of Belgium</narrative></provider-org>
      <receiver-org ref="XM-DAC-47066" type="40"><narrative>IOM</narrative></receiver-org></transaction>
    <transaction><transaction-type code="3"/><transaction-date iso-date="2008-03-01"/><value currency="EUR" value-date="2008-03-01">250000.50</value>
      <receiver-org ref="%[5]d"><narrative>Local partner %[5]d</narrative></receiver-org></transaction>
    <transaction><transaction-type code="3"/><transaction-date iso-date="2008-06-01"/><value value-date="2008-06-01">125000</value></transaction>
    <transaction><transaction-type code="3"/><transaction-date iso-date="2008-12-31"/><value currency="EUR" value-date="2008-12-31">-12500.25</value></transaction>
    <transaction><transaction-type code="4"/><transaction-date iso-date="2009-03-01"/><value currency="USD" value-date="2009-03-01">99999.99</value></transaction>
    <transaction><transaction-type code="6"/><transaction-date iso-date="2009-04-01"/><value currency="EUR" value-date="2009-04-01">10.00</value></transaction>
    <document-link format="application/pdf" url="https://example.org/reports/%[1]d.pdf">
      <title><narrative>Annual report</narrative><narrative xml:lang="fr">Rapport annuel</narrative></title>
      <category code="A01"/><language code="en"/><document-date iso-date="2009-02-01"/>
    </document-link>
    <related-activity ref="XM-DAC-47066-GEN" type="1"/>
    <related-activity ref="XM-DAC-47066-GEN-%[7]d" type="3"/>
  </iati-activity>
`, i, c1, c2, c3, 1000+i%97, 1+i%6, i+1)
}

// peakHeap samples the heap in use while an import runs and keeps the
// largest figure.
type peakHeap struct {
	mu   sync.Mutex
	peak uint64
	stop chan struct{}
	done chan struct{}
}

func watchHeap() *peakHeap {
	runtime.GC()
	h := &peakHeap{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		var ms runtime.MemStats
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			h.mu.Lock()
			h.peak = max(h.peak, ms.HeapAlloc)
			h.mu.Unlock()
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

func (h *peakHeap) end() uint64 {
	close(h.stop)
	<-h.done
	return h.peak
}

// peakRSS is the process's peak resident set (VmHWM, Linux), 0 where it
// cannot be read: what the whole test process needed at most, the store's
// driver (SQLite runs in process) included.
func peakRSS() uint64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

func benchActivities() int {
	if n, err := strconv.Atoi(os.Getenv("IX_BENCH_ACTIVITIES")); err == nil && n > 0 {
		return n
	}
	return 2000
}

// BenchmarkImport imports a generated file (IX_BENCH_ACTIVITIES activities,
// 2000 by default, about 4 KB each) into a fresh SQLite store, or
// PostgreSQL with IX_BENCH_STORE=postgres, and reports activities per
// second, statements an activity, the peak heap in use during the import
// and the process's peak resident set. Like registry import, it runs with
// the collector at GCPercent.
//
//	go test ./internal/interchange -run '^$' -bench Import -benchtime 1x
func BenchmarkImport(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(interchange.GCPercent))
	n := benchActivities()
	path, size := writeLargeFile(b, n)
	kind := storetest.SQLite
	if os.Getenv("IX_BENCH_STORE") == "postgres" {
		kind = storetest.Postgres
	}
	b.ResetTimer()
	var elapsed time.Duration
	var peak uint64
	var statements int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := storetest.Open(b, kind)
		if err := loadCountries(st); err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		h := watchHeap()
		before := st.Counter.Count()
		b.StartTimer()
		start := time.Now()
		sum, err := interchange.Import(system, st.Client, f, interchange.Options{Dialect: st.Dialect})
		elapsed += time.Since(start)
		b.StopTimer()
		statements += st.Counter.Count() - before
		peak = max(peak, h.end())
		f.Close()
		if err != nil || sum.Created != n+1 {
			b.Fatalf("import: %v, %d created of %d", err, sum.Created, n+1)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "activities/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-rss-MB")
	b.ReportMetric(float64(statements)/float64(n*b.N), "statements/activity")
	b.ReportMetric(float64(size)/(1<<20), "file-MB")
}

// BenchmarkImportRealFiles imports each real file of ../shared/iati into
// a fresh store (SQLite, or PostgreSQL with IX_BENCH_STORE=postgres),
// then again, when nothing changes: activities per second, statements an
// activity and the peak heap in use, for each import, with the collector
// at GCPercent as in registry import.
//
//	go test ./internal/interchange -run '^$' -bench ImportRealFiles -benchtime 1x
func BenchmarkImportRealFiles(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(interchange.GCPercent))
	kind := storetest.SQLite
	if os.Getenv("IX_BENCH_STORE") == "postgres" {
		kind = storetest.Postgres
	}
	for _, rf := range realFiles {
		path := filepath.Join(sharedIATI(b), "examples", rf.name)
		for _, again := range []bool{false, true} {
			name := rf.name
			if again {
				name += "/again"
			}
			b.Run(name, func(b *testing.B) { benchImportFile(b, kind, path, again) })
		}
	}
}

func benchImportFile(b *testing.B, kind storetest.Kind, path string, again bool) {
	var elapsed time.Duration
	var peak uint64
	var statements int64
	n := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := storetest.Open(b, kind)
		if err := loadCountries(st); err != nil {
			b.Fatal(err)
		}
		if again {
			importStore(b, st, path)
		}
		h := watchHeap()
		before, start := st.Counter.Count(), time.Now()
		b.StartTimer()
		sum := importStore(b, st, path)
		b.StopTimer()
		elapsed += time.Since(start)
		statements += st.Counter.Count() - before
		peak = max(peak, h.end())
		if again && sum.Created+sum.Updated > 0 {
			b.Fatalf("a second import wrote: %+v", sum)
		}
		n += sum.Created + sum.Updated + sum.Unchanged
		b.StartTimer()
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "activities/s")
	b.ReportMetric(float64(statements)/float64(n), "statements/activity")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-rss-MB")
}

// importStore imports a file as the command line does, its dialect given.
func importStore(b *testing.B, st *store.Store, path string) interchange.Summary {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sum, err := interchange.Import(system, st.Client, f, interchange.Options{Dialect: st.Dialect})
	if err != nil {
		b.Fatal(err)
	}
	return sum
}

// The heap an import needs does not grow with the file: four times the
// activities, about the same peak.
func TestImportMemoryDoesNotGrowWithTheFile(t *testing.T) {
	if testing.Short() {
		t.Skip("imports two generated files")
	}
	peaks := map[int]uint64{}
	for _, n := range []int{150, 600} {
		path, _ := writeLargeFile(t, n)
		st := storetest.Open(t, storetest.SQLite)
		if err := loadCountries(st); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		h := watchHeap()
		sum, err := interchange.Import(system, st.Client, f, interchange.Options{Dialect: st.Dialect})
		peaks[n] = h.end()
		f.Close()
		if err != nil || sum.Created != n+1 {
			t.Fatalf("%d activities: %v, %+v created", n, err, sum.Created)
		}
	}
	t.Logf("peak heap: %.1f MB for 150 activities, %.1f MB for 600", float64(peaks[150])/(1<<20), float64(peaks[600])/(1<<20))
	if peaks[600] > peaks[150]+16<<20 {
		t.Errorf("peak heap grew from %d to %d bytes with four times the activities", peaks[150], peaks[600])
	}
}
