package server

import (
	"net/http"
	"runtime"

	"github.com/aidregistry/registry/internal/apperr"
)

// DefaultInFlight is how many GraphQL requests run at once per processor
// when Options.MaxInFlight is zero.
const DefaultInFlight = 8

// limitInFlight runs at most n requests at a time; the others wait for a
// turn until their own deadline. The work is CPU and database bound, so
// running more at once does not answer sooner: it only holds more answers
// in memory together (a funding summary can be megabytes), and resident
// memory is what a replica is sized by.
func limitInFlight(n int, next http.Handler) http.Handler {
	if n <= 0 {
		n = DefaultInFlight * runtime.GOMAXPROCS(0)
	}
	slots := make(chan struct{}, n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
		case <-r.Context().Done():
			apperr.WriteHTTP(w, http.StatusServiceUnavailable, apperr.Timeout,
				"the server was busy and the request's time ran out before it could start; retry later")
			return
		}
		defer func() { <-slots }()
		next.ServeHTTP(w, r)
	})
}
