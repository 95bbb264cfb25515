package sqljson

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// seats bound how many answers may grow large at once. An answer is held
// whole until it is written (a backward page is turned round, pageInfo may
// come before the edges), so under many clients the process holds as many
// large answers as it runs requests: 16 pages of 7 MB are more than the
// rest of the server. Past its first small bytes an answer waits for a
// seat, leaving the rest of its rows in the database's socket, and gives
// the seat back once written. A request holds one seat at most, whatever
// its number of root fields: a field whose request already holds or awaits
// one goes on without, so no request holds a seat while it waits for
// another. One without a seat holds no more than small and waits on
// nothing but a seat, and the seated wait on nothing: they finish, and the
// seats come back.
type seats struct {
	small int
	free  chan struct{}
	mu    sync.Mutex
	// claimed are the requests (their operations) holding or awaiting a seat.
	claimed map[*graphql.OperationContext]bool
}

func newSeats(n, small int) *seats {
	if n <= 0 {
		return nil
	}
	return &seats{small: small, free: make(chan struct{}, n), claimed: map[*graphql.OperationContext]bool{}}
}

// ticket is one answer's claim on the seats (nil seats: no bound).
type ticket struct {
	s       *seats
	ctx     context.Context
	op      *graphql.OperationContext
	held    int
	done    bool // it has a seat, or goes on without one
	release func()
}

// ticket opens the claim of an answer to a field of the request op (nil: a
// request of its own).
func (s *seats) ticket(ctx context.Context, op *graphql.OperationContext) *ticket {
	return &ticket{s: s, ctx: ctx, op: op, release: func() {}}
}

// grow counts n more bytes held, taking a seat when they pass small; it
// fails only when the request ends first.
func (t *ticket) grow(n int) error {
	t.held += n
	if t.s == nil || t.done || t.held <= t.s.small {
		return nil
	}
	return t.take()
}

// first takes a seat before anything is held, for an answer expected to be
// large (its statement's last one was): waiting for it before the statement
// runs, the request holds neither rows nor the driver's buffer of the row
// that would have passed small, which is a whole record (1.5 MB for some
// of Q6's). It fails only when the request ends first.
func (t *ticket) first() error {
	if t.s == nil || t.done {
		return nil
	}
	return t.take()
}

// large reports whether the answer has held more than small.
func (t *ticket) large() bool { return t.s != nil && t.held > t.s.small }

// take takes the request's seat, or goes on without one when another field
// of the request holds or awaits it.
func (t *ticket) take() error {
	t.done = true
	if !t.s.claim(t.op) {
		return nil // another field of the request has the request's seat
	}
	select {
	case t.s.free <- struct{}{}:
	case <-t.ctx.Done():
		t.s.unclaim(t.op)
		return context.Cause(t.ctx)
	}
	var once sync.Once
	t.release = func() {
		once.Do(func() {
			<-t.s.free
			t.s.unclaim(t.op)
		})
	}
	// An answer that is never written (data null after another field's
	// error, a failed scan) gives its seat back when the request ends.
	context.AfterFunc(t.ctx, t.release)
	return nil
}

// claim marks op as holding or awaiting a seat; false when it already is.
func (s *seats) claim(op *graphql.OperationContext) bool {
	if op == nil {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.claimed[op] {
		return false
	}
	s.claimed[op] = true
	return true
}

func (s *seats) unclaim(op *graphql.OperationContext) {
	if op == nil {
		return
	}
	s.mu.Lock()
	delete(s.claimed, op)
	s.mu.Unlock()
}
