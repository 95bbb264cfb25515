// Command soak drives mixed load at a running registry for a fixed time
// (scripts/soak.sh starts it): reads of every shape from many clients,
// writes at a steady rate from several API keys, an IATI import now and
// then, and PostgreSQL connections killed with pg_terminate_backend twice
// on the way. It then counts the acknowledged writes in the database and
// prints its figures. Traffic goes only to the URLs it is given.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/lib/pq"
)

var reads = []string{
	`{ programmes(first: 20) { totalCount edges { node { code title status startDate } } } }`,
	`{ programmes(first: 5) { edges { node { code participations { role organisation { name acronym } } countries { country { name } } } } } }`,
	`{ organisations(first: 50) { totalCount edges { node { name acronym kind } } } }`,
	`{ countries(first: 10) { totalCount edges { node { iso2 name } } } }`,
	`{ fundingSummary(groupBy: [YEAR, FUNDER]) { year funder { name } count totals { amount currency } } }`,
	`{ search(query: "migration", first: 5) { totalCount } }`,
	`{ changes(first: 20) { edges { cursor } } }`,
	`{ __typename }`,
}

type tally struct {
	mu     sync.Mutex
	byCode map[string]int
}

func (t *tally) add(k string) { t.mu.Lock(); t.byCode[k]++; t.mu.Unlock() }

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "registry base URL (127.0.0.1 only)")
	db := flag.String("db", "", "an administrative PostgreSQL URL, to kill the registry's connections")
	storeURL := flag.String("store", "", "the registry's own PostgreSQL URL, to count the writes in")
	dbName := flag.String("dbname", "", "database whose connections are killed")
	duration := flag.Duration("duration", 10*time.Minute, "how long to run")
	clients := flag.Int("clients", 32, "concurrent readers")
	rate := flag.Int("writes", 20, "writes per second")
	keyList := flag.String("keys", "", "comma-separated API keys (admin) to write with")
	run := flag.String("run", fmt.Sprint(time.Now().Unix()), "tag for this run's records")
	flag.Parse()
	if !strings.HasPrefix(*base, "http://127.0.0.1:") {
		fmt.Fprintln(os.Stderr, "soak: only a registry on 127.0.0.1")
		os.Exit(2)
	}
	keys := strings.Split(*keyList, ",")
	pg, err := sql.Open("postgres", *db)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer pg.Close()

	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	hc := &http.Client{Timeout: 70 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	t := &tally{byCode: map[string]int{}}
	var requests atomic.Int64
	var ackMu sync.Mutex
	var acked []string
	var ambiguous atomic.Int64

	post := func(key, ct string, body io.Reader) (int, []byte, error) {
		req, _ := http.NewRequest(http.MethodPost, *base+"/query", body)
		req.Header.Set("Content-Type", ct)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := hc.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}
	classify := func(status int, body []byte, err error) (string, bool) {
		requests.Add(1)
		if err != nil {
			t.add("transport error")
			return "transport error", false
		}
		var out struct {
			Errors []struct {
				Extensions struct{ Code string } `json:"extensions"`
			} `json:"errors"`
		}
		_ = json.Unmarshal(body, &out)
		key := fmt.Sprintf("%d", status)
		if len(out.Errors) > 0 {
			key += " " + out.Errors[0].Extensions.Code
		} else {
			key += " ok"
		}
		t.add(key)
		return key, status == 200 && len(out.Errors) == 0
	}

	var wg sync.WaitGroup
	for i := range *clients {
		wg.Go(func() {
			for n := i; ctx.Err() == nil; n++ {
				body, _ := json.Marshal(map[string]any{"query": reads[n%len(reads)]})
				st, b, err := post("", "application/json", bytes.NewReader(body))
				if ctx.Err() != nil {
					return
				}
				classify(st, b, err)
			}
		})
	}
	wg.Go(func() {
		tick := time.NewTicker(time.Second / time.Duration(*rate))
		defer tick.Stop()
		var inflight sync.WaitGroup
		defer inflight.Wait()
		for n := 0; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			code := fmt.Sprintf("SOAK-%s-%d", *run, n)
			key := keys[n%len(keys)]
			inflight.Go(func() {
				q := fmt.Sprintf(`mutation { createProgramme(input: {code: %q, title: "Soak %d"}) { id } }`, code, n)
				body, _ := json.Marshal(map[string]any{"query": q})
				st, b, err := post(key, "application/json", bytes.NewReader(body))
				k, ok := classify(st, b, err)
				if ok {
					ackMu.Lock()
					acked = append(acked, code)
					ackMu.Unlock()
				} else if strings.Contains(k, "UNAVAILABLE") || err != nil {
					ambiguous.Add(1)
				}
			})
		}
	})
	wg.Go(func() { // an import every 45 s
		tick := time.NewTicker(45 * time.Second)
		defer tick.Stop()
		for n := 0; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			_ = mw.WriteField("operations", `{"query":"mutation($f: Upload!) { importIati(file: $f) { __typename } }","variables":{"f":null}}`)
			_ = mw.WriteField("map", `{"0":["variables.f"]}`)
			fw, _ := mw.CreateFormFile("0", "soak.xml")
			fmt.Fprintf(fw, `<iati-activities version="2.03"><iati-activity default-currency="USD"><iati-identifier>XM-SOAK-%s-%d</iati-identifier><reporting-org ref="XM-SOAK" type="10"><narrative>Soak</narrative></reporting-org><title><narrative>Soak import %d</narrative></title><activity-status code="2"/></iati-activity></iati-activities>`, *run, n, n)
			mw.Close()
			st, b, err := post(keys[0], mw.FormDataContentType(), &buf)
			classify(st, b, err)
		}
	})

	type sample struct {
		at              string
		rss, goroutines float64
	}
	var samples []sample
	metric := func(at string) {
		resp, err := hc.Get(*base + "/metrics")
		if err != nil {
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		s := sample{at: at}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "process_resident_memory_bytes "); ok {
				fmt.Sscan(v, &s.rss)
			}
			if v, ok := strings.CutPrefix(line, "go_goroutines "); ok {
				fmt.Sscan(v, &s.goroutines)
			}
		}
		samples = append(samples, s)
	}
	kill := func() {
		var n int
		err := pg.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, *dbName).Scan(&n)
		fmt.Printf("%s killed %d connections (%v)\n", time.Now().Format(time.TimeOnly), n, err)
	}
	start := time.Now()
	time.Sleep(5 * time.Second)
	metric("start")
	wait := func(frac float64) bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(time.Until(start.Add(time.Duration(frac * float64(*duration))))):
			return true
		}
	}
	if wait(0.33) {
		kill()
	}
	if wait(0.5) {
		metric("middle")
	}
	if wait(0.66) {
		kill()
	}
	<-ctx.Done()
	wg.Wait()
	metric("end")

	found := map[string]bool{}
	st, err := sql.Open("postgres", *storeURL)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer st.Close()
	rows, err := st.Query(`SELECT code FROM programmes WHERE code LIKE $1`, "SOAK-"+*run+"-%")
	if err == nil {
		for rows.Next() {
			var c string
			_ = rows.Scan(&c)
			found[c] = true
		}
		rows.Close()
	} else {
		fmt.Println("count writes:", err)
	}
	lost := 0
	for _, c := range acked {
		if !found[c] {
			lost++
		}
	}
	fmt.Printf("requests: %d in %s\n", requests.Load(), time.Since(start).Round(time.Second))
	var codes []string
	for k := range t.byCode {
		codes = append(codes, k)
	}
	sort.Strings(codes)
	for _, k := range codes {
		fmt.Printf("  %-40s %d\n", k, t.byCode[k])
	}
	fmt.Printf("writes acknowledged: %d, found in the database: %d of them (lost %d); programmes written in all: %d; unacknowledged (UNAVAILABLE or cut): %d\n",
		len(acked), len(acked)-lost, lost, len(found), ambiguous.Load())
	for _, s := range samples {
		fmt.Printf("  %-6s RSS %.1f MiB, goroutines %.0f\n", s.at, s.rss/(1<<20), s.goroutines)
	}
	bad := lost > 0 || err != nil
	for _, k := range codes {
		if strings.HasPrefix(k, "5") && !strings.HasSuffix(k, "UNAVAILABLE") {
			bad = true
		}
	}
	if bad {
		fmt.Println("SOAK FAILED: a lost write, or a 5xx that is not UNAVAILABLE")
		os.Exit(1)
	}
	fmt.Println("SOAK PASSED")
}
