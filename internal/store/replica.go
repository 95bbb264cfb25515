package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"

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
type Router struct {
	primary  *entsql.Driver
	replica  atomic.Pointer[entsql.Driver]
	prepared prepared
}

var _ dialect.Driver = (*Router)(nil)

// reader is where a query in ctx runs.
func (r *Router) reader(ctx context.Context) *entsql.Driver {
	if IsReadOnly(ctx) {
		if rep := r.replica.Load(); rep != nil {
			return rep
		}
	}
	return r.primary
}

// Exec always runs on the primary.
func (r *Router) Exec(ctx context.Context, query string, args, v any) error {
	return r.primary.Exec(ctx, query, args, v)
}

// Query runs on the replica when ctx is read-only, else on the primary.
func (r *Router) Query(ctx context.Context, query string, args, v any) error {
	return r.reader(ctx).Query(ctx, query, args, v)
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
	return r.prepared.query(ctx, r.reader(ctx).DB(), query, args...)
}

// Dialect is the primary's.
func (r *Router) Dialect() string { return r.primary.Dialect() }

// Close closes the primary and the replica.
func (r *Router) Close() error {
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
