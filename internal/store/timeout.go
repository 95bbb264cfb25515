package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
	"modernc.org/sqlite"
)

// StatementTimeoutError is what a statement stopped by the store's
// statement timeout (SetStatementTimeout) returns; it wraps the driver's
// own error.
type StatementTimeoutError struct {
	Limit time.Duration
	Err   error
}

func (e *StatementTimeoutError) Error() string {
	return fmt.Sprintf("the SQL statement ran longer than the statement timeout of %s", e.Limit)
}

func (e *StatementTimeoutError) Unwrap() error { return e.Err }

// SetStatementTimeout bounds every SQL statement the store's client runs,
// on the primary and the read replica alike, by d (zero or less: no
// bound). Each statement gets its own deadline: SQLite interrupts it, and
// lib/pq sends PostgreSQL a cancel request, so the database stops the
// statement rather than leaving it to finish unread. Migrations run in Open,
// before the bound is set, and are not cut short by it.
func (s *Store) SetStatementTimeout(d time.Duration) {
	s.Counter.stmtTimeout.Store(int64(max(d, 0)))
}

// StatementTimeout is the bound SetStatementTimeout set, zero for none.
func (s *Store) StatementTimeout() time.Duration {
	return time.Duration(s.Counter.stmtTimeout.Load())
}

// Canceled tells whether err is a statement stopped before it finished: a
// context that ended, PostgreSQL's query_canceled (SQLSTATE 57014: a cancel
// request or its own statement_timeout) or SQLite's SQLITE_INTERRUPT.
func Canceled(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "57014" {
		return true
	}
	var liteErr *sqlite.Error
	return errors.As(err, &liteErr) && liteErr.Code()&0xff == sqliteInterrupt
}

// sqliteInterrupt is SQLITE_INTERRUPT, the primary result code of an
// interrupted statement.
const sqliteInterrupt = 9

// bound is one statement's context under the statement timeout.
type bound struct {
	parent, ctx context.Context
	limit       time.Duration
}

// bound gives one statement its deadline. An Exec calls cancel when it
// returns; a Query does only when it fails: its rows are read after it
// returns, under the same deadline, which is released when it passes or
// when the caller's context ends (a request's, when it is answered).
func (c *Counter) bound(ctx context.Context) (bound, context.CancelFunc) {
	d := time.Duration(c.stmtTimeout.Load())
	if d <= 0 {
		return bound{parent: ctx, ctx: ctx}, func() {}
	}
	sctx, cancel := context.WithTimeoutCause(ctx, d, &StatementTimeoutError{Limit: d})
	return bound{parent: ctx, ctx: sctx, limit: d}, cancel
}

// err names the statement timeout in err when it is what stopped the
// statement (and not the caller's own context).
func (b bound) err(err error) error {
	if err == nil || b.limit == 0 || b.ctx.Err() == nil || b.parent.Err() != nil {
		return err
	}
	var te *StatementTimeoutError
	if errors.As(context.Cause(b.ctx), &te) {
		return &StatementTimeoutError{Limit: b.limit, Err: err}
	}
	return err
}
