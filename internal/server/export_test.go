package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/demo"
	"github.com/aidregistry/registry/internal/interchange"
	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// ixServer is a running registry holding the demo data and an imported
// IATI file, for the export and import tests (its own helper, apart from
// the other tests' eachRegistry).
type ixServer struct {
	URL   string
	Store *store.Store
}

func ixEach(t *testing.T, fn func(t *testing.T, s *ixServer)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, st.Client); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join("..", "interchange", "testdata", "elements.xml"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := interchange.Import(auth.AsSystem(ctx), st.Client, f, interchange.Options{}); err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(server.New(st, server.Options{Logger: quietLogger}))
		t.Cleanup(ts.Close)
		fn(t, &ixServer{URL: ts.URL, Store: st})
	})
}

// gql posts a query with variables and decodes data into v.
func (s *ixServer) gql(t testing.TB, query string, vars map[string]any, v any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(s.URL+"/query", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []any           `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) > 0 {
		t.Fatalf("query failed: %v", out.Errors)
	}
	if err := json.Unmarshal(out.Data, v); err != nil {
		t.Fatal(err)
	}
}

func (s *ixServer) get(t testing.TB, path string, where string) (*http.Response, []byte) {
	t.Helper()
	u := s.URL + path
	if where != "" {
		u += "?where=" + url.QueryEscape(where)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// The GraphQL side of each table: the same fields, turned into the same
// cells as the CSV export writes.
type gqlOrg struct {
	IatiRef *string `json:"iatiRef"`
	Acronym *string `json:"acronym"`
	Name    string  `json:"name"`
}

func (o *gqlOrg) key() string {
	switch {
	case o == nil:
		return ""
	case o.IatiRef != nil:
		return *o.IatiRef
	case o.Acronym != nil:
		return *o.Acronym
	}
	return o.Name
}

type gqlMoney struct{ Amount, Currency string }

func opt(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func utc(t testing.TB, s string) string {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm.UTC().Format(time.RFC3339Nano)
}

const orgFields = `iatiRef acronym name`

var tableQueries = map[interchange.Table]string{
	interchange.Programmes: `query($where: ProgrammeWhereInput, $after: Cursor) { c: programmes(where: $where, first: 100, after: $after) {
		pageInfo { hasNextPage endCursor }
		edges { node { id code title description status theme startDate endDate coverage region budget { amount currency } language
			parent { code } countries { role sharePercent country { iso2 } } participations { role organisation { ` + orgFields + ` } }
			createdAt updatedAt sectors { vocabulary code percentage } } } } }`,
	interchange.Fundings: `query($where: FundingWhereInput, $after: Cursor) { c: fundings(where: $where, first: 100, after: $after) {
		pageInfo { hasNextPage endCursor }
		edges { node { id programme { code } kind date value { amount currency } funder { ` + orgFields + ` }
			recipient { ` + orgFields + ` } agreement { reference } note createdAt updatedAt
			transactionType sectors { vocabulary code percentage } } } } }`,
	interchange.Organisations: `query($where: OrganisationWhereInput, $after: Cursor) { c: organisations(where: $where, first: 100, after: $after) {
		pageInfo { hasNextPage endCursor }
		edges { node { id name acronym kind iatiRef website headquarters { iso2 } parent { ` + orgFields + ` } createdAt updatedAt } } } }`,
}

// graphQLRows pages through the table's connection and renders each node
// as the CSV export does.
func (s *ixServer) graphQLRows(t testing.TB, table interchange.Table, where string) [][]string {
	t.Helper()
	vars := map[string]any{}
	if where != "" {
		var w any
		if err := json.Unmarshal([]byte(where), &w); err != nil {
			t.Fatal(err)
		}
		vars["where"] = w
	}
	var rows [][]string
	for {
		var data struct {
			C struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
				Edges []struct{ Node json.RawMessage }
			}
		}
		s.gql(t, tableQueries[table], vars, &data)
		for _, e := range data.C.Edges {
			rows = append(rows, renderNode(t, table, e.Node))
		}
		if !data.C.PageInfo.HasNextPage {
			return rows
		}
		vars["after"] = data.C.PageInfo.EndCursor
	}
}

func renderNode(t testing.TB, table interchange.Table, raw json.RawMessage) []string {
	t.Helper()
	switch table {
	case interchange.Programmes:
		var n struct {
			ID, Code, Title                                string
			Description, Status, Theme, StartDate, EndDate *string
			Coverage, Region, Language                     *string
			Budget                                         *gqlMoney
			Parent                                         *struct{ Code string }
			Countries                                      []struct {
				Role         string
				SharePercent *string
				Country      struct{ Iso2 string }
			}
			Participations []struct {
				Role         string
				Organisation gqlOrg
			}
			CreatedAt, UpdatedAt string
			Sectors              []gqlSector
		}
		if err := json.Unmarshal(raw, &n); err != nil {
			t.Fatal(err)
		}
		var amount, currency, parent string
		if n.Budget != nil {
			amount, currency = n.Budget.Amount, n.Budget.Currency
		}
		if n.Parent != nil {
			parent = n.Parent.Code
		}
		var cs, ps []string
		for _, c := range n.Countries {
			s := c.Role + ":" + c.Country.Iso2
			if c.SharePercent != nil {
				s += ":" + *c.SharePercent
			}
			cs = append(cs, s)
		}
		for _, p := range n.Participations {
			ps = append(ps, p.Role+":"+p.Organisation.key())
		}
		sort.Strings(cs)
		sort.Strings(ps)
		return []string{n.ID, n.Code, n.Title, opt(n.Description), opt(n.Status), opt(n.Theme), opt(n.StartDate), opt(n.EndDate),
			opt(n.Coverage), opt(n.Region), amount, currency, opt(n.Language), parent,
			strings.Join(cs, interchange.ListSeparator), strings.Join(ps, interchange.ListSeparator),
			utc(t, n.CreatedAt), utc(t, n.UpdatedAt), sectorsCell(n.Sectors)}
	case interchange.Fundings:
		var n struct {
			ID                   string
			Programme            struct{ Code string }
			Kind, Date, Note     *string
			Value                *gqlMoney
			Funder, Recipient    *gqlOrg
			Agreement            *struct{ Reference *string }
			CreatedAt, UpdatedAt string
			TransactionType      *string
			Sectors              []gqlSector
		}
		if err := json.Unmarshal(raw, &n); err != nil {
			t.Fatal(err)
		}
		var amount, currency, agreement string
		if n.Value != nil {
			amount, currency = n.Value.Amount, n.Value.Currency
		}
		if n.Agreement != nil {
			agreement = opt(n.Agreement.Reference)
		}
		return []string{n.ID, n.Programme.Code, opt(n.Kind), opt(n.Date), amount, currency, n.Funder.key(), n.Recipient.key(),
			agreement, opt(n.Note), utc(t, n.CreatedAt), utc(t, n.UpdatedAt), opt(n.TransactionType), sectorsCell(n.Sectors)}
	default:
		var n struct {
			ID, Name, Kind            string
			Acronym, IatiRef, Website *string
			Headquarters              *struct{ Iso2 string }
			Parent                    *gqlOrg
			CreatedAt, UpdatedAt      string
		}
		if err := json.Unmarshal(raw, &n); err != nil {
			t.Fatal(err)
		}
		var hq string
		if n.Headquarters != nil {
			hq = n.Headquarters.Iso2
		}
		return []string{n.ID, n.Name, opt(n.Acronym), n.Kind, opt(n.IatiRef), opt(n.Website), hq, n.Parent.key(),
			utc(t, n.CreatedAt), utc(t, n.UpdatedAt)}
	}
}

type gqlSector struct {
	Vocabulary, Code string
	Percentage       *string
}

// sectorsCell renders sectors as the CSV does: VOCABULARY:CODE[:PERCENTAGE],
// sorted, joined by the list separator.
func sectorsCell(ss []gqlSector) string {
	var out []string
	for _, s := range ss {
		x := s.Vocabulary + ":" + s.Code
		if s.Percentage != nil {
			x += ":" + *s.Percentage
		}
		out = append(out, x)
	}
	sort.Strings(out)
	return strings.Join(out, interchange.ListSeparator)
}

// A CSV export read back with encoding/csv is the GraphQL answer to the
// same filter, row for row.
func TestExportCSVEqualsGraphQL(t *testing.T) {
	cases := []struct {
		table interchange.Table
		where string
	}{
		{interchange.Programmes, ""},
		{interchange.Programmes, `{"and": [{"hasParticipationsWith": {"role": "FUNDING", "hasOrganisationWith": {"acronym": "UNDP"}}},
			{"hasParticipationsWith": {"role": "IMPLEMENTING", "hasOrganisationWith": {"acronym": "IOM"}}}]}`},
		{interchange.Programmes, `{"or": [{"startDateHasPrefix": "2007"}, {"hasCountriesWith": {"hasCountryWith": {"iso2": "RW"}}}]}`},
		{interchange.Fundings, ""},
		{interchange.Fundings, `{"hasFunderWith": {"iatiRef": "XM-DAC-2-10"}}`},
		{interchange.Organisations, ""},
		{interchange.Organisations, `{"kindIn": ["MULTILATERAL", "GOVERNMENT"], "not": {"acronymIsNil": true}}`},
	}
	ixEach(t, func(t *testing.T, s *ixServer) {
		for _, c := range cases {
			resp, body := s.get(t, "/export/"+string(c.table)+".csv", c.where)
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("%s %s: %d %s", c.table, c.where, resp.StatusCode, body)
			}
			rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", c.table, err)
			}
			if !slices.Equal(rows[0], interchange.Columns[c.table]) {
				t.Errorf("%s header %v", c.table, rows[0])
			}
			want := s.graphQLRows(t, c.table, c.where)
			if len(want) == 0 {
				t.Errorf("%s %s: the filter matches nothing; the case proves little", c.table, c.where)
			}
			if got := rows[1:]; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s where %s:\nCSV     %q\nGraphQL %q", c.table, c.where, got, want)
			}

			// NDJSON: the same records, one object a line, keys in column order.
			resp, body = s.get(t, "/export/"+string(c.table)+".ndjson", c.where)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			sc := bufio.NewScanner(bytes.NewReader(body))
			sc.Buffer(nil, 1<<20)
			var ids []string
			for sc.Scan() {
				var m map[string]any
				if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
					t.Fatalf("line %q: %v", sc.Text(), err)
				}
				if !strings.HasPrefix(sc.Text(), `{"id":`) {
					t.Errorf("line does not start with the id: %s", sc.Text())
				}
				ids = append(ids, m["id"].(string))
			}
			var wantIDs []string
			for _, r := range want {
				wantIDs = append(wantIDs, r[0])
			}
			if !slices.Equal(ids, wantIDs) {
				t.Errorf("%s NDJSON ids %v, want %v", c.table, ids, wantIDs)
			}
		}
	})
}

func TestExportBadFilter(t *testing.T) {
	ixEach(t, func(t *testing.T, s *ixServer) {
		for _, where := range []string{`{"nope": true}`, `not json`, `{"id": "bogus"}`} {
			resp, body := s.get(t, "/export/programmes.csv", where)
			var e struct {
				Errors []struct{ Extensions struct{ Code string } }
			}
			_ = json.Unmarshal(body, &e)
			if resp.StatusCode != http.StatusBadRequest || len(e.Errors) == 0 || e.Errors[0].Extensions.Code != "BAD_USER_INPUT" {
				t.Errorf("where %s: %d %s", where, resp.StatusCode, body)
			}
		}
	})
}

func TestExportIATIOverHTTP(t *testing.T) {
	ixEach(t, func(t *testing.T, s *ixServer) {
		resp, body := s.get(t, "/export/iati.xml", "")
		if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("<iati-identifier>XM-DAC-47066-MIDA-GL</iati-identifier>")) {
			t.Fatalf("%d %.300s", resp.StatusCode, body)
		}
		if resp.Trailer.Get("X-Export-Skipped") == "" {
			t.Errorf("no X-Export-Skipped trailer")
		}
		xmllintValidates(t, body)

		_, body = s.get(t, "/export/iati.xml", `{"code": "XM-DAC-47066-MIDA"}`)
		if n := bytes.Count(body, []byte("<iati-activity")); n != 1 {
			t.Errorf("filtered export has %d activities", n)
		}
	})
}

// xmllintValidates checks a document against ../shared/iati's official
// schema; missing either fails under CI=true and skips otherwise.
func xmllintValidates(t *testing.T, doc []byte) {
	t.Helper()
	need := func(err error, what string) {
		if err == nil {
			return
		}
		if os.Getenv("CI") == "true" {
			t.Fatalf("this test needs %s: %v", what, err)
		}
		t.Skipf("this test needs %s: %v", what, err)
	}
	schema, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "iati", "schema", "iati-activities-schema.xsd"))
	_, err := os.Stat(schema)
	need(err, "../shared/iati (the IATI schema)")
	lint, err := exec.LookPath("xmllint")
	need(err, "xmllint (libxml2-utils)")
	file := filepath.Join(t.TempDir(), "iati.xml")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(lint, "--noout", "--schema", schema, file).CombinedOutput(); err != nil {
		t.Fatalf("the export does not validate: %v\n%s", err, out)
	}
}

// importIati uploads a file as the GraphQL multipart request spec says.
func importIati(t *testing.T, endpoint, key, name string, file []byte) (summary map[string]any, code string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("operations", `{"query": "mutation($file: Upload!) { importIati(file: $file) { created updated unchanged skipped { record element reason } qualityNotes { code count } } }", "variables": {"file": null}}`)
	_ = mw.WriteField("map", `{"0": ["variables.file"]}`)
	fw, _ := mw.CreateFormFile("0", name)
	_, _ = fw.Write(file)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, endpoint, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   map[string]map[string]any `json:"data"`
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%d %s", resp.StatusCode, raw)
	}
	if len(out.Errors) > 0 {
		return nil, out.Errors[0].Extensions.Code
	}
	return out.Data["importIati"], ""
}

// importIati over the GraphQL endpoint (server.GraphQL behind the key
// middleware: the full server's /query takes JSON bodies only so far).
func TestImportIatiMutation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, st.Client); err != nil {
			t.Fatal(err)
		}
		sys := auth.AsSystem(ctx)
		admin, err := auth.CreateKey(sys, st.Client, "UNITAR", auth.Admin, "test")
		if err != nil {
			t.Fatal(err)
		}
		editor, err := auth.CreateKey(sys, st.Client, "IOM", auth.Editor, "test")
		if err != nil {
			t.Fatal(err)
		}
		// The whole server, as clients reach it: /query takes multipart uploads.
		ts := httptest.NewServer(server.New(st, server.Options{Logger: quietLogger}))
		t.Cleanup(ts.Close)
		file, err := os.ReadFile(filepath.Join("..", "interchange", "testdata", "elements.xml"))
		if err != nil {
			t.Fatal(err)
		}

		if _, code := importIati(t, ts.URL+"/query", "", "elements.xml", file); code != "UNAUTHENTICATED" {
			t.Errorf("without a key: %q", code)
		}
		if _, code := importIati(t, ts.URL+"/query", editor.Secret, "elements.xml", file); code != "FORBIDDEN" {
			t.Errorf("with an editor key: %q", code)
		}
		sum, code := importIati(t, ts.URL+"/query", admin.Secret, "elements.xml", file)
		if code != "" || sum["created"] != 2.0 || len(sum["skipped"].([]any)) != 0 || len(sum["qualityNotes"].([]any)) != 1 {
			t.Fatalf("admin import: %q %v", code, sum)
		}
		sum, _ = importIati(t, ts.URL+"/query", admin.Secret, "elements.xml", file)
		if sum["unchanged"] != 2.0 || sum["created"] != 0.0 || sum["updated"] != 0.0 {
			t.Errorf("again: %v", sum)
		}
		// A file cut short imports nothing: the mutation is one transaction.
		cut, _ := os.ReadFile(filepath.Join("..", "interchange", "testdata", "truncated.xml"))
		if _, code := importIati(t, ts.URL+"/query", admin.Secret, "truncated.xml", cut); code != "BAD_USER_INPUT" {
			t.Errorf("a truncated file: %q", code)
		}
		var data struct {
			Programmes struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Code              string
						TitleTranslations []struct{ Lang, Text string }
						Parent            struct{ Code string }
						History           struct{ TotalCount int }
					}
				}
			}
		}
		s := &ixServer{URL: ts.URL, Store: st}
		s.gql(t, `{ programmes(where: {codeHasPrefix: "XM-DAC-47066-MIDA-GL"}) { totalCount edges { node {
			code titleTranslations { lang text } parent { code } history { totalCount } } } } }`, nil, &data)
		if data.Programmes.TotalCount != 1 {
			t.Fatalf("%+v", data)
		}
		n := data.Programmes.Edges[0].Node
		if n.Parent.Code != "XM-DAC-47066-MIDA" || len(n.TitleTranslations) != 1 || n.TitleTranslations[0].Lang != "fr" {
			t.Errorf("%+v", n)
		}
		if _, code := importIati(t, ts.URL+"/query", admin.Secret, "cut.xml", []byte(`<iati-activities version="2.03"><iati-activity><iati-identifier>XX-NOPE</iati-identifier>`)); code != "BAD_USER_INPUT" {
			t.Errorf("cut: %q", code)
		}
		for _, code := range []string{"XX-NOPE", "XX-CUT-1"} {
			if n := st.Client.Programme.Query().Where(programme.Code(code)).CountX(ctx); n != 0 {
				t.Errorf("%s was kept from a file that could not be read", code)
			}
		}
	})
}
