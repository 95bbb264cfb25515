package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/internal/server"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// TestHardening shows every limit the server puts on a request by a request
// it refuses, and checks the refusal's code and message, and that the same
// server answers an ordinary query right after.
func TestHardening(t *testing.T) {
	const ordinary = "{ countries(first: 1) { totalCount } }"
	deep := "{ programmes(first: 1) { edges { node { " + strings.Repeat("parent { ", 14) + "code" + strings.Repeat(" }", 14) + " } } } }"
	costly := `{ programmes(first: 1000) { edges { node { participations { organisation {
		participations { programme { countries { country { name } } } } } } } } } }`
	// An organisation's possible duplicates have a resolver of their own, so this goes
	// through ent, whose interceptor slowDown hooks; the SQL JSON path (root
	// connections, history, changes, node) reads no ent interceptor.
	slowQuery := "query Slow { organisations(first: 1) { edges { node { possibleDuplicates { id } } } } }"
	slowMutation := `mutation Slow { createProgramme(input: {code: "SLOW-1", title: "Slow"}) { id } }`
	unregistered := "{ programmes(first: 1) { totalCount } }"
	registered := map[string]string{server.QueryHash(ordinary): ordinary}
	persistedOnly := server.Options{PersistedOnly: true, PersistedQueries: registered}
	pad := strings.Repeat("x", server.MaxBodyBytes)
	playground := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "GraphiQL") })

	eachRegistry(t, func(t *testing.T, r *registry) {
		admin := makeKeys(t, r).Admin
		slowDown(r.Store)
		cases := []struct {
			name string
			opts server.Options
			// statement is the store's statement timeout during the case.
			statement time.Duration
			send      func(c *client) reply
			status    int
			code      string
			says      []string          // in the message
			ext       map[string]string // more extensions
			check     func(t *testing.T, rep reply)
		}{{
			name: "depth", send: func(c *client) reply { return c.gql("", deep, nil) },
			status: 200, code: "DEPTH_LIMIT", says: []string{"the query nests 18 levels deep, 3 more than the limit of 15"},
		}, {
			name: "complexity", send: func(c *client) reply { return c.gql("", costly, nil) },
			status: 200, code: "COMPLEXITY_LIMIT", says: []string{`~could return about \d+ values and run about \d+ SQL statements \(cost \d+ at 1000 a statement\), \d+ more than the limit of 1000000`},
			ext: map[string]string{"limit": "cost"},
		}, {
			name: "first above the maximum page", send: func(c *client) reply { return c.gql("", "{ programmes(first: 1001) { totalCount } }", nil) },
			status: 200, code: "BAD_USER_INPUT", says: []string{"`first` must be between 0 and 1000"}, ext: map[string]string{"field": "first"},
		}, {
			name: "last above the maximum page", send: func(c *client) reply { return c.gql("", "{ organisations(last: 5000) { totalCount } }", nil) },
			status: 200, code: "BAD_USER_INPUT", says: []string{"`last` must be between 0 and 1000"}, ext: map[string]string{"field": "last"},
		}, {
			name: "body too large",
			send: func(c *client) reply {
				body, _ := json.Marshal(map[string]any{"query": ordinary, "variables": map[string]any{"pad": pad}})
				return c.post("application/json", body, nil)
			},
			status: 413, code: "BAD_REQUEST", says: []string{"request body is larger than the limit of 1048576 bytes"},
		}, {
			name: "read timeout", opts: server.Options{Timeouts: server.Timeouts{Read: 300 * time.Millisecond}},
			send:   func(c *client) reply { return c.gql("", slowQuery, nil) },
			status: 200, code: "TIMEOUT", says: []string{"the query ran longer than the read timeout of 300ms and was stopped"},
			ext: map[string]string{"limit": "read", "timeout": "300ms"},
		}, {
			name: "write timeout", opts: server.Options{Timeouts: server.Timeouts{Write: 300 * time.Millisecond}},
			send:   func(c *client) reply { return c.gql(admin, slowMutation, nil) },
			status: 200, code: "TIMEOUT", says: []string{"the mutation ran longer than the write timeout of 300ms and was stopped; nothing was written"},
			ext: map[string]string{"limit": "write", "timeout": "300ms"},
			check: func(t *testing.T, _ reply) {
				written, err := r.Store.Client.Programme.Query().Where(programme.Code("SLOW-1")).Exist(context.Background())
				if err != nil || written {
					t.Errorf("the timed-out mutation wrote its programme (%v)", err)
				}
			},
		}, {
			name: "statement timeout", statement: 200 * time.Millisecond,
			send:   func(c *client) reply { return c.gql("", slowQuery, nil) },
			status: 200, code: "TIMEOUT", says: []string{"an SQL statement ran longer than the statement timeout of 200ms and was cancelled"},
			ext: map[string]string{"limit": "statement", "timeout": "200ms"},
		}, {
			name: "unknown persisted query hash", send: func(c *client) reply { return c.persisted("", hashOf("{ areas(first: 1) { totalCount } }")) },
			status: 200, code: "PERSISTED_QUERY_NOT_FOUND", says: []string{"PersistedQueryNotFound"},
		}, {
			name: "persisted-only: ad-hoc query", opts: persistedOnly,
			send:   func(c *client) reply { return c.gql("", unregistered, nil) },
			status: 200, code: "PERSISTED_QUERY_ONLY", says: []string{"runs only registered operations", "this query is not registered"},
		}, {
			name: "persisted-only: unknown hash", opts: persistedOnly,
			send:   func(c *client) reply { return c.persisted("", hashOf(unregistered)) },
			status: 200, code: "PERSISTED_QUERY_ONLY", says: []string{"no registered operation has the sha256Hash " + hashOf(unregistered)},
		}, {
			name: "persisted-only: registering a new query", opts: persistedOnly,
			send:   func(c *client) reply { return c.persisted(unregistered, hashOf(unregistered)) },
			status: 200, code: "PERSISTED_QUERY_ONLY", says: []string{"does not register new ones"},
		}, {
			name: "persisted-only: a registered hash runs", opts: persistedOnly,
			send:   func(c *client) reply { return c.persisted("", hashOf(ordinary)) },
			status: 200, check: hasData,
		}, {
			name: "introspection off", opts: server.Options{NoIntrospection: true},
			send:   func(c *client) reply { return c.gql("", "{ __schema { queryType { name } } }", nil) },
			status: 200, code: "GRAPHQL_VALIDATION_FAILED", says: []string{"introspection is turned off on this server: __schema and __type are refused"},
		}, {
			name: "introspection on", send: func(c *client) reply { return c.gql("", "{ __schema { queryType { name } } }", nil) },
			status: 200, check: hasData,
		}, {
			name: "GraphiQL off", send: func(c *client) reply { return c.get("/graphiql", nil) },
			status: 404,
		}, {
			name: "GraphiQL on", opts: server.Options{Playground: playground},
			send:   func(c *client) reply { return c.get("/graphiql", nil) },
			status: 200,
		}, {
			name: "CORS: origin not allowed", opts: server.Options{CORSOrigins: []string{"https://dash.example.org"}},
			send:   func(c *client) reply { return c.preflight("https://elsewhere.example.com") },
			status: 200,
			check: func(t *testing.T, rep reply) {
				if got := rep.header.Get("Access-Control-Allow-Origin"); got != "" {
					t.Errorf("an origin not configured is allowed: %q", got)
				}
			},
		}, {
			name: "CORS: origin allowed", opts: server.Options{CORSOrigins: []string{"https://dash.example.org"}},
			send:   func(c *client) reply { return c.preflight("https://dash.example.org") },
			status: 204,
			check: func(t *testing.T, rep reply) {
				if got := rep.header.Get("Access-Control-Allow-Origin"); got != "https://dash.example.org" {
					t.Errorf("the configured origin is not allowed: %q", got)
				}
			},
		}}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tc.opts.Logger = quietLogger
				ts := httptest.NewServer(server.New(r.Store, tc.opts))
				defer ts.Close()
				c := &client{t: t, url: ts.URL}
				r.Store.SetStatementTimeout(tc.statement)
				defer r.Store.SetStatementTimeout(0)

				start := time.Now()
				rep := tc.send(c)
				if took := time.Since(start); took > 5*time.Second {
					t.Errorf("the refusal took %s", took)
				}
				if rep.status != tc.status {
					t.Errorf("status %d, want %d: %s", rep.status, tc.status, rep.body)
				}
				if tc.code != "" {
					if rep.resp.code() != tc.code {
						t.Fatalf("code %q, want %q: %s", rep.resp.code(), tc.code, rep.body)
					}
					e := rep.resp.Errors[0]
					for _, s := range tc.says {
						if re, ok := strings.CutPrefix(s, "~"); ok {
							if !regexp.MustCompile(re).MatchString(e.Message) {
								t.Errorf("message %q does not match %q", e.Message, re)
							}
						} else if !strings.Contains(e.Message, s) {
							t.Errorf("message %q does not say %q", e.Message, s)
						}
					}
					for k, v := range tc.ext {
						if got, _ := e.Extensions[k].(string); got != v {
							t.Errorf("extensions.%s = %q, want %q", k, got, v)
						}
					}
				}
				if tc.check != nil {
					tc.check(t, rep)
				}
				after := c.gql("", ordinary, nil)
				if after.status != http.StatusOK || len(after.resp.Errors) > 0 || !strings.Contains(string(after.resp.Data), `"totalCount"`) {
					t.Errorf("an ordinary query afterwards failed (status %d): %s", after.status, after.body)
				}
			})
		}
	})
}

// slowDown makes the operations named Slow run a statement that takes
// seconds: a query before it reads, a mutation inside its transaction.
func slowDown(st *store.Store) {
	slow := storetest.SlowStatement(st.Dialect)
	isSlow := func(ctx context.Context) bool {
		return graphql.HasOperationContext(ctx) && graphql.GetOperationContext(ctx).Operation.Name == "Slow"
	}
	st.Client.Intercept(ent.InterceptFunc(func(next ent.Querier) ent.Querier {
		return ent.QuerierFunc(func(ctx context.Context, q ent.Query) (ent.Value, error) {
			if isSlow(ctx) {
				rows, err := st.Client.QueryContext(ctx, slow)
				if err != nil {
					return nil, err
				}
				for rows.Next() {
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return nil, err
				}
			}
			return next.Query(ctx, q)
		})
	}))
	st.Client.Use(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if c, ok := m.(interface{ Client() *ent.Client }); ok && isSlow(ctx) {
				if _, err := c.Client().ExecContext(ctx, slow); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, m)
		})
	})
}

// client sends the requests of TestHardening to one server.
type client struct {
	t   *testing.T
	url string
}

// reply is a raw HTTP answer, decoded when it is JSON.
type reply struct {
	status int
	header http.Header
	body   []byte
	resp   response
}

func (c *client) do(method, path, contentType string, body []byte, header map[string]string) reply {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	rep := reply{status: resp.StatusCode, header: resp.Header, body: raw}
	if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "application/graphql-response+json") {
		if err := json.Unmarshal(raw, &rep.resp); err != nil {
			c.t.Fatalf("response is not JSON (status %d): %s", resp.StatusCode, raw)
		}
	}
	return rep
}

func (c *client) post(contentType string, body []byte, header map[string]string) reply {
	c.t.Helper()
	return c.do(http.MethodPost, "/query", contentType, body, header)
}

func (c *client) get(path string, header map[string]string) reply {
	c.t.Helper()
	return c.do(http.MethodGet, path, "", nil, header)
}

// gql posts a query with an API key ("" for none).
func (c *client) gql(key, query string, vars map[string]any) reply {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	header := map[string]string{}
	if key != "" {
		header["Authorization"] = "Bearer " + key
	}
	return c.post("application/json", body, header)
}

// persisted posts extensions.persistedQuery with the hash, and the query
// text unless it is "".
func (c *client) persisted(query, hash string) reply {
	c.t.Helper()
	req := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}}
	if query != "" {
		req["query"] = query
	}
	body, _ := json.Marshal(req)
	return c.post("application/json", body, nil)
}

func (c *client) preflight(origin string) reply {
	c.t.Helper()
	return c.do(http.MethodOptions, "/query", "", nil, map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST"})
}

func hashOf(query string) string { return server.QueryHash(query) }

func hasData(t *testing.T, rep reply) {
	t.Helper()
	if len(rep.resp.Errors) > 0 || len(rep.resp.Data) == 0 || string(rep.resp.Data) == "null" {
		t.Errorf("no data: %s", rep.body)
	}
}
