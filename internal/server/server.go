// Package server assembles the registry's HTTP service: the GraphQL
// endpoint with its transports, limits and error presenter, and GraphiQL.
package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/aidregistry/registry/graph"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/metrics"
	"github.com/aidregistry/registry/internal/readcache"
	"github.com/aidregistry/registry/internal/store"
)

// MaxBodyBytes bounds a GraphQL request body; real queries are a few KiB.
const MaxBodyBytes = 1 << 20

// Options configure the handler. The zero value is a public, open server
// with the default limits.
type Options struct {
	Logger *slog.Logger
	// Playground, when set, serves GraphiQL at "/graphiql" and its files
	// under "/graphiql/".
	Playground http.Handler
	// Dashboard, when set, serves the pages for people: "/",
	// "/programmes/{code}", "/organisations/{id}" and their files under
	// "/static/" (internal/dashboard).
	Dashboard http.Handler
	// Private makes every request, reads too, need an API key.
	Private bool
	// Limits bound query depth and cost; zero fields take DefaultLimits.
	Limits Limits
	// Bounds limit the query text before it is parsed and validated
	// (tokens, fields per selection, root fields); zero fields take
	// DefaultBounds, negative ones turn a bound off.
	Bounds Bounds
	// NoIntrospection turns schema introspection off.
	NoIntrospection bool
	// CORSOrigins are the browser origins allowed to call the API; none by
	// default ("*" allows any).
	CORSOrigins []string
	// APQCacheSize bounds the automatic persisted query cache (entries).
	APQCacheSize int
	// PersistedQueries are registered operations, keyed by QueryHash:
	// clients may send only extensions.persistedQuery.sha256Hash (see
	// ReadPersistedQueries).
	PersistedQueries map[string]string
	// PersistedOnly runs nothing but the PersistedQueries: other query
	// texts, unknown hashes and automatic registration are refused with
	// PERSISTED_QUERY_ONLY.
	PersistedOnly bool
	// Timeouts bound query and mutation operations; zero fields take the
	// defaults.
	Timeouts Timeouts
	// Metrics, when set, counts requests and serves /metrics.
	Metrics *metrics.Metrics
	// NoSQLJSON answers programme lists and summaries through gqlgen's
	// resolvers only, without the SQL JSON paths (to compare them).
	NoSQLJSON bool
	// MaxInFlight bounds how many GraphQL requests run at once (the rest
	// wait their turn); 0 takes DefaultInFlight per processor.
	MaxInFlight int
	// AnalyticsCacheSize bounds how many analytics answers are kept until
	// the data changes (internal/readcache); 0 takes 16, negative keeps none.
	AnalyticsCacheSize int
}

// New builds the HTTP handler over an open store.
func New(st *store.Store, opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	mux := http.NewServeMux()
	withKey := auth.Middleware(st.Client, opts.Private, opts.Logger)
	mux.Handle("/query", cors(opts.CORSOrigins, withKey(requireJSON(limitInFlight(opts.MaxInFlight, GraphQL(st, opts))))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	})
	mux.HandleFunc("GET /readyz", readiness(st))
	mountExports(mux, st, opts.Logger, withKey)
	if opts.Metrics != nil {
		if attached, _, _ := st.ReplicaState(); attached {
			opts.Metrics.WatchReplica(func() (bool, int64) {
				_, up, n := st.ReplicaState()
				return up, n
			})
		}
		mux.Handle("GET /metrics", opts.Metrics.Handler())
	}
	if opts.Playground != nil {
		mux.Handle("/graphiql", opts.Playground)
		mux.Handle("/graphiql/", opts.Playground)
	}
	if opts.Dashboard != nil {
		mux.Handle("/{$}", opts.Dashboard)
		mux.Handle("/programmes/", opts.Dashboard)
		mux.Handle("/organisations/", opts.Dashboard)
		mux.Handle("/static/", opts.Dashboard)
	}
	return requestLog(opts.Logger, mux)
}

// GraphQL is the GraphQL endpoint alone.
func GraphQL(st *store.Store, opts Options) http.Handler {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	limits := opts.Limits
	if limits.MaxDepth == 0 {
		limits.MaxDepth = DefaultLimits.MaxDepth
	}
	if limits.MaxCost == 0 {
		limits.MaxCost = DefaultLimits.MaxCost
	}
	limits.measured = newMeasuredOps()
	apqSize := opts.APQCacheSize
	if apqSize <= 0 {
		apqSize = 1000
	}
	schema := graph.NewSchema(st.Client, graph.WithDialect(st.Dialect))
	srv := handler.New(schema)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(overHTTP{known: newKnownBodies()})
	srv.AddTransport(codedMultipart{})
	queryCache := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(queryCache)
	if !opts.NoIntrospection {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(refuseIntrospection{})
	}
	srv.Use(persistedQueries(opts.PersistedQueries, opts.PersistedOnly, lru.New[string](apqSize)))
	srv.Use(queryBounds{Bounds: opts.Bounds, cache: queryCache})
	srv.Use(limits)
	srv.AroundOperations(requireKeyForMutations)
	srv.AroundOperations(operationDeadlines(st, opts.Timeouts.read(), opts.Timeouts.write()))
	srv.AroundOperations(readsToReplica)
	if opts.Metrics != nil {
		srv.AroundResponses(opts.Metrics.Operations)
	}
	srv.AroundResponses(ensureCodes)
	srv.Use(entgql.Transactioner{TxOpener: st.Client})
	srv.AroundFields(pageLimits)
	srv.AroundFields(connectionSelections)
	srv.AroundFields(linkSelections(schema.Schema()))
	srv.AroundRootFields(streamRaw) // outermost: it sees what every other gives
	if !opts.NoSQLJSON {
		srv.AroundRootFields(sqlJSON(st, schema.Schema(), logger))
	}
	if size := opts.AnalyticsCacheSize; size >= 0 {
		if size == 0 {
			size = 16
		}
		srv.AroundRootFields(readcache.New(st.TableVersions, summaryReads(schema.Schema()), size,
			"fundingSummary", "programmeSummary").Middleware)
	}
	srv.AroundRootFields(limitSummaries("fundingSummary", "programmeSummary"))
	if !opts.NoSQLJSON {
		srv.AroundRootFields(summariesJSON("fundingSummary", "programmeSummary"))
	}
	srv.SetErrorPresenter(errorPresenter(logger))
	srv.SetRecoverFunc(recoverPanic(logger))
	return srv
}

// requireJSON answers requests gqlgen would answer badly: a POST body that is
// not JSON gets a 400 with a coded JSON error instead of an echo of the
// body, and bodies are capped at MaxBodyBytes.
func requireJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		mt := mediaType(r.Header.Get("Content-Type"))
		if mt == "multipart/form-data" {
			next.ServeHTTP(w, r) // file uploads (importIati): the multipart transport bounds their size
			return
		}
		if mt != "application/json" {
			apperr.WriteHTTP(w, http.StatusUnsupportedMediaType, apperr.BadRequest, "send GraphQL requests as JSON (Content-Type: application/json), or uploads as multipart/form-data")
			return
		}
		body, err := readBody(w, r)
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			apperr.WriteHTTP(w, http.StatusRequestEntityTooLarge, apperr.BadRequest, fmt.Sprintf("request body is larger than the limit of %d bytes", MaxBodyBytes))
			return
		case err != nil:
			apperr.WriteHTTP(w, http.StatusBadRequest, apperr.BadRequest, "request body could not be read")
			return
		case !(overHTTP{}).Supports(r) && !json.Valid(body):
			// The JSON transport decodes the body, which checks it, and
			// says the same of one that is not JSON: a second scan here
			// was a few per cent of a small query's time.
			badJSON(w)
			return
		}
		r.Body = checkedBody{Reader: bytes.NewReader(body), data: body}
		next.ServeHTTP(w, r)
	})
}

// badJSON answers a POST body that is not JSON.
func badJSON(w http.ResponseWriter) {
	apperr.WriteHTTP(w, http.StatusBadRequest, apperr.BadRequest, "request body is not valid JSON")
}

// mediaType is the media type of a Content-Type or Accept entry, lower
// case and without parameters. The plain forms clients send are taken as
// they are: mime.ParseMediaType builds a map of parameters on every call,
// two or three times a request.
func mediaType(v string) string {
	switch v {
	case mediaJSON, mediaGraphQLReply, "multipart/form-data":
		return v
	}
	mt, _, _ := mime.ParseMediaType(v)
	return mt
}

// readBody reads a request body up to MaxBodyBytes, into one buffer of its
// declared length when it declares one (io.ReadAll grows and copies from
// 512 bytes on).
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	var buf bytes.Buffer
	if n := r.ContentLength; n > 0 && n <= MaxBodyBytes {
		buf.Grow(int(n) + bytes.MinRead) // ReadFrom wants MinRead free bytes to see the end
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	return buf.Bytes(), err
}

// checkedBody is a JSON body requireJSON has read and checked: the JSON
// transport takes its bytes instead of reading them into a copy.
type checkedBody struct {
	*bytes.Reader
	data []byte
}

func (checkedBody) Close() error { return nil }
