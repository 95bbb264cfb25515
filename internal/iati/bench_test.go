package iati

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// generated is an IATI 2.03 activity file made on the fly, n activities
// long, without ever holding more than one activity: an io.Reader for the
// memory test, or written to a file for the benchmark.
type generated struct {
	n, next int
	buf     bytes.Buffer
	done    bool
}

func newGenerated(n int) *generated {
	g := &generated{n: n}
	g.buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<iati-activities version="2.03" generated-datetime="2026-01-01T00:00:00Z">` + "\n")
	return g
}

func (g *generated) Read(p []byte) (int, error) {
	for g.buf.Len() < len(p) && !g.done {
		if g.next < g.n {
			writeGeneratedActivity(&g.buf, g.next)
			g.next++
		} else {
			g.buf.WriteString("</iati-activities>\n")
			g.done = true
		}
	}
	if g.buf.Len() == 0 {
		return 0, io.EOF
	}
	return g.buf.Read(p)
}

var genCountries = []string{"BI", "CD", "RW", "ML", "SO", "ET", "KE", "UG"}

// writeGeneratedActivity writes one activity of about 4 KB, shaped like a
// real one: narratives in two languages, four organisations, countries
// with shares, budgets, six transactions (one a negative correction, one
// in the default currency), a document and related activities.
func writeGeneratedActivity(w *bytes.Buffer, i int) {
	c1, c2 := genCountries[i%len(genCountries)], genCountries[(i+3)%len(genCountries)]
	fmt.Fprintf(w, `  <iati-activity xml:lang="en" default-currency="EUR" last-updated-datetime="2026-01-01T00:00:00Z">
    <iati-identifier>XM-DAC-47066-GEN-%[1]d</iati-identifier>
    <reporting-org ref="XM-DAC-47066" type="40">
      <narrative>International Organization for Migration</narrative>
      <narrative xml:lang="fr">Organisation internationale pour les migrations</narrative>
    </reporting-org>
    <title>
      <narrative>Generated programme number %[1]d for migration and development</narrative>
      <narrative xml:lang="fr">Programme généré numéro %[1]d pour la migration et le développement</narrative>
    </title>
    <description type="1">
      <narrative>A description long enough to look like the ones publishers write, with a sentence or two about diaspora experts returning for short missions to rebuild institutions.</narrative>
      <narrative xml:lang="fr">Une description assez longue pour ressembler à celles des éditeurs, sur les experts de la diaspora qui reviennent pour de courtes missions.</narrative>
    </description>
    <participating-org ref="XM-DAC-2-10" role="1" type="10"><narrative>Government of Belgium</narrative></participating-org>
    <participating-org ref="XM-DAC-47066" role="2" type="40"><narrative>IOM</narrative></participating-org>
    <participating-org ref="XM-DAC-47066" role="3" type="40"><narrative>IOM</narrative></participating-org>
    <participating-org ref="%[4]d" role="4" type="22"><narrative>Local partner %[4]d</narrative></participating-org>
    <activity-status code="%[5]d"/>
    <activity-date iso-date="2008-01-01" type="1"/>
    <activity-date iso-date="2008-02-15" type="2"/>
    <activity-date iso-date="2012-12-31" type="3"/>
    <contact-info type="1">
      <organisation><narrative>IOM</narrative></organisation>
      <person-name><narrative>A. Person</narrative></person-name>
      <email>contact-%[1]d@example.org</email>
    </contact-info>
    <recipient-country code="%[2]s" percentage="60"/>
    <recipient-country code="%[3]s" percentage="40"/>
    <recipient-region code="289" vocabulary="1" percentage="100"/>
    <sector vocabulary="1" code="15190" percentage="100"/>
    <budget type="1" status="1"><period-start iso-date="2008-01-01"/><period-end iso-date="2008-12-31"/><value currency="EUR" value-date="2008-01-01">%[1]d00.00</value></budget>
    <budget type="1" status="1"><period-start iso-date="2009-01-01"/><period-end iso-date="2009-12-31"/><value currency="EUR" value-date="2009-01-01">%[1]d50.00</value></budget>
    <transaction><transaction-type code="2"/><transaction-date iso-date="2008-01-10"/><value currency="EUR" value-date="2008-01-10">%[1]d000.00</value>
      <provider-org ref="XM-DAC-2-10" type="10"><narrative>Government of Belgium</narrative></provider-org>
      <receiver-org ref="XM-DAC-47066" type="40"><narrative>IOM</narrative></receiver-org></transaction>
    <transaction><transaction-type code="3"/><transaction-date iso-date="2008-03-01"/><value currency="EUR" value-date="2008-03-01">250000.50</value>
      <receiver-org ref="%[4]d"><narrative>Local partner %[4]d</narrative></receiver-org></transaction>
    <transaction><transaction-type code="3"/><transaction-date iso-date="2008-06-01"/><value value-date="2008-06-01">125000</value></transaction>
    <transaction><transaction-type code="3"/><transaction-date iso-date="2008-12-31"/><value currency="EUR" value-date="2008-12-31">-12500.25</value></transaction>
    <transaction><transaction-type code="4"/><transaction-date iso-date="2009-03-01"/><value currency="USD" value-date="2009-03-01">99999.99</value></transaction>
    <transaction><transaction-type code="1"/><transaction-date iso-date="2008-01-05"/><value currency="EUR" value-date="2008-01-05">%[1]d000.00</value>
      <provider-org ref="XM-DAC-2-10" type="10"><narrative>Government of Belgium</narrative></provider-org></transaction>
    <document-link format="application/pdf" url="https://example.org/reports/%[1]d.pdf">
      <title><narrative>Annual report</narrative><narrative xml:lang="fr">Rapport annuel</narrative></title>
      <category code="A01"/><language code="en"/><document-date iso-date="2009-02-01"/>
    </document-link>
    <related-activity ref="XM-DAC-47066-GEN-PARENT" type="1"/>
    <related-activity ref="XM-DAC-47066-GEN-%[6]d" type="3"/>
  </iati-activity>
`, i, c1, c2, 1000+i%97, 1+i%6, i+1)
}

// heapSampler keeps the largest HeapAlloc seen.
type heapSampler struct {
	peak uint64
	ms   runtime.MemStats
}

func (h *heapSampler) sample() {
	runtime.ReadMemStats(&h.ms)
	if h.ms.HeapAlloc > h.peak {
		h.peak = h.ms.HeapAlloc
	}
}

// readCounting reads every activity, sampling the heap every 256; it fails
// on an error or a problem.
func readCounting(tb testing.TB, r io.Reader, h *heapSampler) int {
	ar := NewReader(r)
	n := 0
	for {
		a, err := ar.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			tb.Fatalf("after %d activities: %v", n, err)
		}
		if len(a.Problems) > 0 || len(a.Transactions) != 6 {
			tb.Fatalf("%s: %d transactions, problems %v", a.Identifier, len(a.Transactions), a.Problems)
		}
		n++
		if n%256 == 0 {
			h.sample()
		}
	}
}

// TestStreamingMemory reads a generated file of 10,000 activities (about
// 41 MB) straight from the generator. The live heap (after a collection)
// is the same after 1,000 activities as after 10,000, and the peak heap
// stays a few MB: memory does not grow with the file.
func TestStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 41 MB")
	}
	const n = 10000
	live := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := live()
	var h heapSampler
	r := NewReader(newGenerated(n))
	var at1k, atEnd uint64
	for i := 1; ; i++ {
		a, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil || len(a.Problems) > 0 {
			t.Fatalf("activity %d: %v %v", i, err, a)
		}
		switch {
		case i == 1000:
			at1k = live()
		case i == n:
			atEnd = live()
		case i%256 == 0:
			h.sample()
		}
	}
	t.Logf("live heap: %.0f KB before, %.0f KB after 1,000 activities, %.0f KB after %d; peak heap %.1f MB",
		float64(before)/1024, float64(at1k)/1024, float64(atEnd)/1024, n, mb(h.peak))
	if atEnd > at1k+(1<<20) {
		t.Errorf("live heap grows with the file: %.0f KB after 1,000 activities, %.0f KB after %d", float64(at1k)/1024, float64(atEnd)/1024, n)
	}
	if h.peak > 32<<20 {
		t.Errorf("peak heap %.1f MB reading 41 MB; want under 32 MB", mb(h.peak))
	}
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

// BenchmarkReadLargeFile writes a generated activity file of about 10 and
// 100 MB to a temporary file, then reads it b.N times, reporting
// activities per second and the peak heap. The peak is the same for both
// sizes: memory does not grow with the file.
//
//	go test ./internal/iati -run '^$' -bench ReadLargeFile -benchtime 1x
func BenchmarkReadLargeFile(b *testing.B) {
	for _, n := range []int{2500, 25000} {
		b.Run(fmt.Sprintf("activities=%d", n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "large.xml")
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			bw := bufio.NewWriterSize(f, 1<<20)
			size, err := io.Copy(bw, newGenerated(n))
			if err == nil {
				err = bw.Flush()
			}
			if err == nil {
				err = f.Close()
			}
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			var h heapSampler
			runtime.GC()
			b.ResetTimer()
			start := time.Now()
			total := 0
			for i := 0; i < b.N; i++ {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				total += readCounting(b, f, &h)
				f.Close()
			}
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(total)/elapsed.Seconds(), "activities/s")
			b.ReportMetric(mb(h.peak), "peak-heap-MB")
			b.ReportMetric(float64(size)/(1<<20), "file-MB")
		})
	}
}

// BenchmarkWrite writes generated activities to io.Discard.
func BenchmarkWrite(b *testing.B) {
	as := readAll(b, newGenerated(1000))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := NewWriter(io.Discard)
		for _, a := range as {
			if err := w.WriteActivity(a); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(as)*b.N)/b.Elapsed().Seconds(), "activities/s")
}
