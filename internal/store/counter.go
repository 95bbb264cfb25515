package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"
)

// Counter counts the SQL statements sent through a driver, so tests can
// prove a query's statement count does not grow with the rows it returns.
type Counter struct {
	n       atomic.Int64
	observe atomic.Pointer[func(time.Duration)]
	// stmtTimeout bounds each statement (see Store.SetStatementTimeout).
	stmtTimeout atomic.Int64
}

// track counts a statement that started at start and reports its duration.
func (c *Counter) track(start time.Time) {
	c.n.Add(1)
	if f := c.observe.Load(); f != nil {
		(*f)(time.Since(start))
	}
}

// Observe sets a function told each statement's duration (metrics).
func (c *Counter) Observe(f func(time.Duration)) { c.observe.Store(&f) }

// Count is the number of statements run so far.
func (c *Counter) Count() int64 { return c.n.Load() }

// Wrap returns a driver that counts every Exec and Query, inside
// transactions too, and bounds each by the statement timeout.
func (c *Counter) Wrap(d dialect.Driver) dialect.Driver {
	return &countingDriver{Driver: d, c: c}
}

// finish counts and bounds a statement that is done when do returns (an
// Exec).
func (c *Counter) finish(ctx context.Context, do func(context.Context) error) error {
	b, cancel := c.bound(ctx)
	defer cancel()
	defer c.track(time.Now())
	return b.err(do(b.ctx))
}

// open counts and bounds a statement whose rows are read after do returns
// (a Query): its deadline is released here only when it fails, and
// otherwise goes on bounding the reading (see bound).
func (c *Counter) open(ctx context.Context, do func(context.Context) error) error {
	b, cancel := c.bound(ctx)
	defer c.track(time.Now())
	if err := do(b.ctx); err != nil {
		err = b.err(err) // before cancel, which would hide the timeout's cause
		cancel()
		return err
	}
	return nil
}

// execRaw and queryRaw run hand-written SQL on x (a driver or a
// transaction, named by what in errors), counted and bounded.
func (c *Counter) execRaw(ctx context.Context, x any, what, query string, args []any) (sql.Result, error) {
	ex, ok := x.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	})
	if !ok {
		return nil, fmt.Errorf("%s %T does not run raw SQL", what, x)
	}
	var res sql.Result
	err := c.finish(ctx, func(ctx context.Context) (err error) {
		res, err = ex.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

func (c *Counter) queryRaw(ctx context.Context, x any, what, query string, args []any) (*sql.Rows, error) {
	q, ok := x.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	})
	if !ok {
		return nil, fmt.Errorf("%s %T does not run raw SQL", what, x)
	}
	var rows *sql.Rows
	err := c.open(ctx, func(ctx context.Context) (err error) {
		rows, err = q.QueryContext(ctx, query, args...)
		return err
	})
	return rows, err
}

type countingDriver struct {
	dialect.Driver
	c *Counter
}

func (d *countingDriver) Exec(ctx context.Context, query string, args, v any) error {
	return d.c.finish(ctx, func(ctx context.Context) error { return d.Driver.Exec(ctx, query, args, v) })
}

func (d *countingDriver) Query(ctx context.Context, query string, args, v any) error {
	return d.c.open(ctx, func(ctx context.Context) error { return d.Driver.Query(ctx, query, args, v) })
}

func (d *countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, c: d.c}, nil
}

type countingTx struct {
	dialect.Tx
	c *Counter
	// behind is the COPY running behind the transaction's caller
	// (CopiesBehind), waited for before anything else is sent.
	behind behind
}

func (t *countingTx) Exec(ctx context.Context, query string, args, v any) error {
	if err := t.behind.wait(); err != nil {
		return err
	}
	return t.c.finish(ctx, func(ctx context.Context) error { return t.Tx.Exec(ctx, query, args, v) })
}

func (t *countingTx) Query(ctx context.Context, query string, args, v any) error {
	if err := t.behind.wait(); err != nil {
		return err
	}
	return t.c.open(ctx, func(ctx context.Context) error { return t.Tx.Query(ctx, query, args, v) })
}

// Commit commits once the COPY behind is done, and rolls back when it
// failed (and no statement has said so yet).
func (t *countingTx) Commit() error {
	if err := t.behind.wait(); err != nil {
		return errors.Join(err, t.Tx.Rollback())
	}
	return t.Tx.Commit()
}

// Rollback rolls back once the COPY behind is done, whatever it did.
func (t *countingTx) Rollback() error {
	_ = t.behind.wait() // the rollback undoes it either way
	return t.Tx.Rollback()
}

// BeginTx keeps transaction options (isolation, read-only) working through
// the wrapper.
func (d *countingDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	b, ok := d.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return d.Tx(ctx)
	}
	tx, err := b.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, c: d.c}, nil
}

// ExecContext and QueryContext let hand-written SQL (analytics, search)
// go through ent's client, inside its transactions, and be counted too.
func (d *countingDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if isWaitMark(args) {
		return nil, nil // no transaction, nothing behind
	}
	if _, ok := asCopier(args); ok {
		return nil, fmt.Errorf("copy: %s needs a transaction", query)
	}
	return d.c.execRaw(ctx, d.Driver, "driver", query, args)
}

// QueryContext: see ExecContext.
func (d *countingDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.c.queryRaw(ctx, d.Driver, "driver", query, args)
}

// ExecContext: see countingDriver.ExecContext. Under CopiesBehind a COPY
// runs behind the caller; WaitBehind's mark only waits for it.
func (t *countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := t.behind.wait(); err != nil || isWaitMark(args) {
		return nil, err
	}
	if cp, ok := asCopier(args); ok {
		if copiesBehind(ctx) {
			t.behind.start(func() error {
				_, err := t.c.copyIn(ctx, t.Tx, cp)
				return err
			})
			return nil, nil
		}
		return t.c.copyIn(ctx, t.Tx, cp)
	}
	return t.c.execRaw(ctx, t.Tx, "transaction", query, args)
}

// QueryContext: see countingDriver.ExecContext.
func (t *countingTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := t.behind.wait(); err != nil {
		return nil, err
	}
	return t.c.queryRaw(ctx, t.Tx, "transaction", query, args)
}
