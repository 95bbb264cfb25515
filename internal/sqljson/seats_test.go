package sqljson

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// TestSeatsBoundLargeAnswers: answers grow freely up to small; past it only
// n at once, the next waiting until one is written, or until its request
// ends; a seat taken by an answer never written comes back when its
// request ends.
func TestSeatsBoundLargeAnswers(t *testing.T) {
	s := newSeats(2, 100)
	ctx := context.Background()
	a, b := s.ticket(ctx, nil), s.ticket(ctx, nil)
	for _, tk := range []*ticket{a, b} {
		if err := tk.grow(150); err != nil {
			t.Fatal(err)
		}
	}
	small := s.ticket(ctx, nil)
	if err := small.grow(100); err != nil {
		t.Fatalf("an answer within small waited: %v", err)
	}

	// A third large answer waits until its request ends.
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := s.ticket(short, nil).grow(101); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a third large answer did not wait for a seat: %v", err)
	}

	// It takes a seat once one is given back, and not before.
	got := make(chan error, 1)
	go func() { got <- s.ticket(ctx, nil).grow(500) }()
	select {
	case err := <-got:
		t.Fatalf("took a seat while both were held: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	a.release()
	a.release() // written twice (a retried marshal): one seat given back, not two
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if len(s.free) != 2 {
		t.Fatalf("%d seats held, want 2", len(s.free))
	}

	// A seat whose answer is never written comes back with its request.
	b.release()
	ended, end := context.WithCancel(ctx)
	if err := s.ticket(ended, nil).grow(101); err != nil {
		t.Fatal(err)
	}
	end()
	deadline := time.Now().Add(10 * time.Second)
	for len(s.free) != 1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if len(s.free) != 1 {
		t.Fatalf("%d seats held after the request ended, want 1", len(s.free))
	}
}

func TestNoSeatsNeverWait(t *testing.T) {
	s := newSeats(0, 100)
	if err := s.ticket(context.Background(), nil).grow(1 << 30); err != nil {
		t.Fatal(err)
	}
}

// TestSeatsOnePerRequest: a request's second large field goes on without a
// seat while its first holds one, even when none is free, so no request
// holds a seat while waiting for another (which, with every seat held that
// way, would wait until the requests' deadlines); the seat comes back when
// the field holding it is written.
func TestSeatsOnePerRequest(t *testing.T) {
	s := newSeats(1, 100)
	ctx := context.Background()
	op := &graphql.OperationContext{}
	first, second := s.ticket(ctx, op), s.ticket(ctx, op)
	if err := first.grow(150); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := s.ticket(short, op).grow(150); err != nil {
		t.Fatalf("a second field of a seated request waited: %v", err)
	}
	if err := second.grow(150); err != nil {
		t.Fatal(err)
	}
	other, cancel2 := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel2()
	if err := s.ticket(other, &graphql.OperationContext{}).grow(150); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("another request took the one seat while it was held: %v", err)
	}
	second.release() // not the seat's holder: nothing given back
	if len(s.free) != 1 {
		t.Fatalf("%d seats held after a field without one was written, want 1", len(s.free))
	}
	first.release()
	if err := s.ticket(ctx, &graphql.OperationContext{}).grow(150); err != nil {
		t.Fatalf("the seat did not come back with the holder's answer: %v", err)
	}
}
