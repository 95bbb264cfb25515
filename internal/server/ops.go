package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aidregistry/registry/internal/store"
)

// readiness answers 200 when the store answers and its schema migrations
// are exactly this binary's, 503 with the reason otherwise, so a load
// balancer stops sending requests to a replica that lost its database or
// whose store was migrated by a newer registry.
func readiness(st *store.Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		// One query proves both that the store answers and that its
		// schema is the one this binary's migrations build: a replica whose
		// store a newer registry migrated stops taking requests.
		if err := st.CheckSchema(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			var schemaErr *store.SchemaError
			switch {
			case errors.As(err, &schemaErr):
				body, _ := json.Marshal(map[string]string{"status": "schema not current", "reason": schemaErr.Error()})
				_, _ = w.Write(body)
			case st.DB.PingContext(ctx) != nil:
				_, _ = w.Write([]byte(`{"status":"store unreachable"}`))
			default:
				_, _ = w.Write([]byte(`{"status":"schema revisions unreadable"}`))
			}
			return
		}
		// A read replica that cannot be reached does not make the server
		// unready: reads go to the primary until it answers again (every
		// server behind the balancer shares it, so turning them all away
		// would help no one). The answer says so.
		if attached, up, _ := st.ReplicaState(); attached {
			if err := st.Replica.PingContext(ctx); err != nil || !up {
				if err != nil {
					st.ReplicaUnreachable()
				}
				_, _ = w.Write([]byte(`{"status":"ready","readReplica":"unreachable: reads go to the primary until it answers"}`))
				return
			}
			_, _ = w.Write([]byte(`{"status":"ready","readReplica":"up"}`))
			return
		}
		_, _ = w.Write([]byte(`{"status":"ready"}`))
	}
}

// RequestIDHeader carries a request's id back to the client, and from a
// proxy in, so one id follows a request through every log.
const RequestIDHeader = "X-Request-ID"

// requestLog writes one line per request: method, path, status, duration
// and request id. Bodies, variables and keys are never logged.
func requestLog(logger *slog.Logger, next http.Handler) http.Handler {
	handler := logger.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if id == "" || len(id) > 64 {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		next.ServeHTTP(rec, r)
		ctx := r.Context()
		if !handler.Enabled(ctx, slog.LevelInfo) {
			return
		}
		// The record handed to the handler as Logger.LogAttrs would hand
		// it, without the caller's program counter, which LogAttrs looks
		// up on every request for a source line no handler here writes.
		end := time.Now()
		line := slog.NewRecord(end, slog.LevelInfo, "request", 0)
		line.AddAttrs(
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Duration("duration", end.Sub(start)),
			slog.String("request_id", id),
		)
		_ = handler.Handle(ctx, line) // as LogAttrs: a line that cannot be written is dropped
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the real writer (to flush a
// streamed export).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush passes streaming flushes through.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// cors lets the configured browser origins call the API. With none
// configured, browsers on other origins are refused by their own rules.
func cors(origins []string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && (slices.Contains(origins, "*") || slices.Contains(origins, origin)) {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Add("Vary", "Origin")
			h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, "+RequestIDHeader)
			h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			h.Set("Access-Control-Max-Age", "600")
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// WithTimeout gives every request a deadline, an upper bound over the
// operation deadlines (Options.ReadTimeout, WriteTimeout) for the whole
// request; the store's statements run under the request's context, so a
// slow query is cancelled with it.
// Bulk exports stream for as long as they need and are left out.
func WithTimeout(d time.Duration, next http.Handler) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/export/") {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeoutCause(r.Context(), d, &TimeoutError{Limit: LimitRequest, After: d})
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
