// Package metrics exposes the registry's Prometheus metrics: GraphQL
// requests by operation and outcome with their latency, SQL statements
// with their duration, and the database pool.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds one registry of collectors per server.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	statements prometheus.Histogram
}

// New registers the collectors, including the pool statistics of db.
func New(db *sql.DB) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "registry_graphql_requests_total",
			Help: "GraphQL operations by operation name and outcome (ok or the first error code).",
		}, []string{"operation", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "registry_graphql_request_duration_seconds",
			Help:    "Time to answer a GraphQL operation.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"operation"}),
		statements: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "registry_sql_statement_duration_seconds",
			Help:    "Time each SQL statement took; its count is the number of statements run.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.statements,
		collectors.NewDBStatsCollector(db, "registry"),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// WatchPool adds the pool statistics of another database, such as the read
// replica, labelled db_name=name.
func (m *Metrics) WatchPool(db *sql.DB, name string) {
	m.reg.MustRegister(collectors.NewDBStatsCollector(db, name))
}

// WatchReplica adds registry_read_replica_up (1 while reads go to the read
// replica, 0 while they fall back to the primary because it cannot be
// reached) and registry_read_replica_fallbacks_total (reads that found it
// unreachable and ran on the primary), read from state at each scrape.
//
// A second call (another handler over the same metrics) keeps the first.
func (m *Metrics) WatchReplica(state func() (up bool, fallbacks int64)) {
	for _, c := range []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "registry_read_replica_up",
			Help: "1 while reads go to the read replica, 0 while it cannot be reached and reads go to the primary.",
		}, func() float64 {
			if up, _ := state(); up {
				return 1
			}
			return 0
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "registry_read_replica_fallbacks_total",
			Help: "Reads that found the read replica unreachable and ran on the primary.",
		}, func() float64 {
			_, n := state()
			return float64(n)
		}),
	} {
		_ = m.reg.Register(c)
	}
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// ObserveStatement records one SQL statement's duration.
func (m *Metrics) ObserveStatement(d time.Duration) { m.statements.Observe(d.Seconds()) }

// Operations is a gqlgen response interceptor counting and timing each
// operation. Anonymous operations are counted under "anonymous" so that
// client-chosen names cannot grow the label set without bound beyond what
// clients send as names.
func (m *Metrics) Operations(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	rsp := next(ctx)
	name := "anonymous"
	if graphql.HasOperationContext(ctx) {
		if oc := graphql.GetOperationContext(ctx); oc.OperationName != "" {
			name = oc.OperationName
		} else if oc.Operation != nil && oc.Operation.Name != "" {
			name = oc.Operation.Name
		}
	}
	outcome := "ok"
	if rsp != nil && len(rsp.Errors) > 0 {
		outcome = "error"
		if c, ok := rsp.Errors[0].Extensions["code"].(string); ok {
			outcome = c
		}
	}
	m.requests.WithLabelValues(name, outcome).Inc()
	m.latency.WithLabelValues(name).Observe(time.Since(start).Seconds())
	return rsp
}
