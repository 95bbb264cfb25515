package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// readOnlyKey marks a context whose statements may be answered by the read
// replica.
type readOnlyKey struct{}

// ReadOnly marks ctx as read-only work: its queries outside a transaction
// may go to the read replica, when the store has one. Writes and
// transactions go to the primary whatever the mark.
func ReadOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, readOnlyKey{}, true)
}

// IsReadOnly tells whether ctx was marked by ReadOnly.
func IsReadOnly(ctx context.Context) bool {
	ro, _ := ctx.Value(readOnlyKey{}).(bool)
	return ro
}

// Router is the store's ent driver: Exec, transactions and unmarked queries
// go to the primary; queries in a context marked by ReadOnly go to the read
// replica once one is attached. Without a replica it is the primary alone.
//
// While the replica cannot be reached, reads fall back to the primary: a
// read that finds it unreachable (see Unavailable) marks it down and runs
// again on the primary, and a probe pings it every ReplicaProbeInterval
// until it answers, when reads go back to it.
type Router struct {
	primary  *entsql.Driver
	replica  atomic.Pointer[entsql.Driver]
	prepared prepared

	replicaDown atomic.Bool
	fallbacks   atomic.Int64
	closed      chan struct{}
	closeOnce   sync.Once
}

var _ dialect.Driver = (*Router)(nil)

// ReplicaProbeInterval is how often a replica that is down is pinged.
var ReplicaProbeInterval = 2 * time.Second

// reader is where a query in ctx runs, and whether that is the replica.
func (r *Router) reader(ctx context.Context) (*entsql.Driver, bool) {
	if IsReadOnly(ctx) && !r.replicaDown.Load() {
		if rep := r.replica.Load(); rep != nil {
			return rep, true
		}
	}
	return r.primary, false
}

// onReplica runs a read on the replica when ctx allows it, and again on the
// primary when the replica turns out to be unreachable.
func (r *Router) onReplica(ctx context.Context, read func(*entsql.Driver) error) error {
	d, replica := r.reader(ctx)
	err := read(d)
	if !replica || err == nil || ctx.Err() != nil || !Unavailable(err) {
		return err
	}
	r.markReplicaDown()
	r.fallbacks.Add(1)
	return read(r.primary)
}

// markReplicaDown sends reads to the primary and starts the probe that
// brings them back once the replica answers.
func (r *Router) markReplicaDown() {
	if !r.replicaDown.CompareAndSwap(false, true) {
		return
	}
	go func() {
		t := time.NewTicker(ReplicaProbeInterval)
		defer t.Stop()
		for {
			select {
			case <-r.closed:
				return
			case <-t.C:
			}
			rep := r.replica.Load()
			if rep == nil {
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			err := rep.DB().PingContext(ctx)
			cancel()
			if err == nil {
				r.replicaDown.Store(false)
				return
			}
		}
	}()
}

// Exec always runs on the primary.
func (r *Router) Exec(ctx context.Context, query string, args, v any) error {
	return r.primary.Exec(ctx, query, args, v)
}

// Query runs on the replica when ctx is read-only, else on the primary.
func (r *Router) Query(ctx context.Context, query string, args, v any) error {
	return r.onReplica(ctx, func(d *entsql.Driver) error { return d.Query(ctx, query, args, v) })
}

// Tx always opens on the primary, so a transaction's reads see its writes.
func (r *Router) Tx(ctx context.Context) (dialect.Tx, error) { return r.primary.Tx(ctx) }

// BeginTx: see Tx.
func (r *Router) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	return r.primary.BeginTx(ctx, opts)
}

// ExecContext runs hand-written SQL on the primary.
func (r *Router) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.primary.ExecContext(ctx, query, args...)
}

// QueryContext runs hand-written SQL where Query would, as a prepared
// statement (prepared.go).
func (r *Router) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	var rows *sql.Rows
	err := r.onReplica(ctx, func(d *entsql.Driver) (err error) {
		rows, err = r.prepared.query(ctx, d.DB(), query, args...)
		return err
	})
	return rows, err
}

// Dialect is the primary's.
func (r *Router) Dialect() string { return r.primary.Dialect() }

// Close closes the primary and the replica.
func (r *Router) Close() error {
	r.closeOnce.Do(func() {
		if r.closed != nil {
			close(r.closed)
		}
	})
	r.prepared.close()
	err := r.primary.Close()
	if rep := r.replica.Load(); rep != nil {
		err = errors.Join(err, rep.Close())
	}
	return err
}

// UseReplica sends read-only queries (contexts marked by ReadOnly) to the
// PostgreSQL read replica at url, a streaming copy of the primary; it is
// pinged but never migrated. Call it before the store serves requests.
func (s *Store) UseReplica(ctx context.Context, url string) error {
	if s.Dialect != dialect.Postgres {
		return fmt.Errorf("a read replica needs a PostgreSQL store, not %s", s.Dialect)
	}
	loc, err := Parse(url)
	if err != nil {
		return fmt.Errorf("read replica: %w", err)
	}
	if loc.Dialect != dialect.Postgres {
		return errors.New("the read replica must be a postgres:// URL")
	}
	if s.router == nil {
		return errors.New("this store cannot route reads to a replica")
	}
	db, _, err := connect(ctx, url)
	if err != nil {
		return fmt.Errorf("read replica: %w", err)
	}
	if !s.router.replica.CompareAndSwap(nil, entsql.OpenDB(dialect.Postgres, db)) {
		db.Close()
		return errors.New("the store already has a read replica")
	}
	s.Replica = db
	return nil
}

// ReplicaUnreachable sends reads to the primary until the replica answers a
// ping again, for a caller that found it unreachable on its own (/readyz).
func (s *Store) ReplicaUnreachable() {
	if s.router != nil && s.router.replica.Load() != nil {
		s.router.markReplicaDown()
	}
}

// ReplicaState says whether the store has a read replica, whether reads go
// to it now (up) or to the primary because it could not be reached, and
// how many reads have fallen back to the primary so far.
func (s *Store) ReplicaState() (attached, up bool, fallbacks int64) {
	if s.router == nil || s.router.replica.Load() == nil {
		return false, false, 0
	}
	return true, !s.router.replicaDown.Load(), s.router.fallbacks.Load()
}
