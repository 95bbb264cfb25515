package store

import (
	"context"
	"database/sql"
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

type countingDriver struct {
	dialect.Driver
	c *Counter
}

func (d *countingDriver) Exec(ctx context.Context, query string, args, v any) error {
	b, cancel := d.c.bound(ctx)
	defer cancel()
	defer d.c.track(time.Now())
	return b.err(d.Driver.Exec(b.ctx, query, args, v))
}

func (d *countingDriver) Query(ctx context.Context, query string, args, v any) error {
	b, cancel := d.c.bound(ctx)
	defer d.c.track(time.Now())
	if err := d.Driver.Query(b.ctx, query, args, v); err != nil {
		err = b.err(err)
		cancel()
		return err
	}
	return nil // the rows are read under b's deadline: see bound
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
}

func (t *countingTx) Exec(ctx context.Context, query string, args, v any) error {
	b, cancel := t.c.bound(ctx)
	defer cancel()
	defer t.c.track(time.Now())
	return b.err(t.Tx.Exec(b.ctx, query, args, v))
}

func (t *countingTx) Query(ctx context.Context, query string, args, v any) error {
	b, cancel := t.c.bound(ctx)
	defer t.c.track(time.Now())
	if err := t.Tx.Query(b.ctx, query, args, v); err != nil {
		err = b.err(err)
		cancel()
		return err
	}
	return nil // the rows are read under b's deadline: see bound
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
	ex, ok := d.Driver.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	})
	if !ok {
		return nil, fmt.Errorf("driver %T does not run raw SQL", d.Driver)
	}
	b, cancel := d.c.bound(ctx)
	defer cancel()
	defer d.c.track(time.Now())
	res, err := ex.ExecContext(b.ctx, query, args...)
	return res, b.err(err)
}

// QueryContext: see ExecContext.
func (d *countingDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q, ok := d.Driver.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	})
	if !ok {
		return nil, fmt.Errorf("driver %T does not run raw SQL", d.Driver)
	}
	b, cancel := d.c.bound(ctx)
	defer d.c.track(time.Now())
	rows, err := q.QueryContext(b.ctx, query, args...)
	if err != nil {
		err = b.err(err)
		cancel()
		return nil, err
	}
	return rows, nil // read under b's deadline: see bound
}

// ExecContext: see countingDriver.ExecContext.
func (t *countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ex, ok := t.Tx.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	})
	if !ok {
		return nil, fmt.Errorf("transaction %T does not run raw SQL", t.Tx)
	}
	b, cancel := t.c.bound(ctx)
	defer cancel()
	defer t.c.track(time.Now())
	res, err := ex.ExecContext(b.ctx, query, args...)
	return res, b.err(err)
}

// QueryContext: see countingDriver.ExecContext.
func (t *countingTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q, ok := t.Tx.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	})
	if !ok {
		return nil, fmt.Errorf("transaction %T does not run raw SQL", t.Tx)
	}
	b, cancel := t.c.bound(ctx)
	defer t.c.track(time.Now())
	rows, err := q.QueryContext(b.ctx, query, args...)
	if err != nil {
		err = b.err(err)
		cancel()
		return nil, err
	}
	return rows, nil // read under b's deadline: see bound
}
