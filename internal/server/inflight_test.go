package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestLimitInFlight: with every slot taken, a request waits for one; when
// its own deadline comes first it gets a coded 503, and the held request
// still finishes.
func TestLimitInFlight(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	h := limitInFlight(1, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-release
		_, _ = w.Write([]byte("done"))
	}))
	first := httptest.NewRecorder()
	finished := make(chan struct{})
	go func() {
		h.ServeHTTP(first, httptest.NewRequest(http.MethodPost, "/query", nil))
		close(finished)
	}()
	<-started

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	waiting := httptest.NewRecorder()
	h.ServeHTTP(waiting, httptest.NewRequest(http.MethodPost, "/query", nil).WithContext(ctx))
	if waiting.Code != http.StatusServiceUnavailable || !strings.Contains(waiting.Body.String(), `"TIMEOUT"`) {
		t.Errorf("waiting request: %d %s", waiting.Code, waiting.Body)
	}

	close(release)
	<-finished
	if first.Body.String() != "done" {
		t.Errorf("held request answered %q", first.Body)
	}
	next := httptest.NewRecorder()
	h.ServeHTTP(next, httptest.NewRequest(http.MethodPost, "/query", nil))
	if next.Body.String() != "done" {
		t.Errorf("the slot was not given back: %d %q", next.Code, next.Body)
	}
}
