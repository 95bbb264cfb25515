package sqljson

import (
	"context"
	"sync"
)

// seats bound how many answers may grow large at once. An answer is held
// whole until it is written (a backward page is turned round, pageInfo may
// come before the edges), so under many clients the process holds as many
// large answers as it runs requests: 16 pages of 7 MB are more than the
// rest of the server. Past its first small bytes an answer waits for a
// seat, leaving the rest of its rows in the database's socket, and gives
// the seat back once written. One without a seat holds no more than small
// and waits on nothing but a seat, and the seated wait on nothing: they
// finish, and the seats come back.
type seats struct {
	small int
	free  chan struct{}
}

func newSeats(n, small int) *seats {
	if n <= 0 {
		return nil
	}
	return &seats{small: small, free: make(chan struct{}, n)}
}

// ticket is one answer's claim on the seats (nil seats: no bound).
type ticket struct {
	s       *seats
	ctx     context.Context
	held    int
	seated  bool
	release func()
}

func (s *seats) ticket(ctx context.Context) *ticket {
	return &ticket{s: s, ctx: ctx, release: func() {}}
}

// grow counts n more bytes held, taking a seat when they pass small; it
// fails only when the request ends first.
func (t *ticket) grow(n int) error {
	t.held += n
	if t.s == nil || t.seated || t.held <= t.s.small {
		return nil
	}
	select {
	case t.s.free <- struct{}{}:
	case <-t.ctx.Done():
		return context.Cause(t.ctx)
	}
	t.seated = true
	var once sync.Once
	t.release = func() { once.Do(func() { <-t.s.free }) }
	// An answer that is never written (data null after another field's
	// error, a failed scan) gives its seat back when the request ends.
	context.AfterFunc(t.ctx, t.release)
	return nil
}
