package interchange

import (
	"context"
	"errors"
	"fmt"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/audit"
)

// units run each record of an import as one all-or-nothing step: its own
// transaction, or a savepoint when the import runs inside a transaction
// someone else opened (a GraphQL mutation's).
type units interface {
	run(ctx context.Context, fn func(ctx context.Context, c *ent.Client) error) error
	// finish ends the import's own work: commits what is pending.
	finish() error
	// abort rolls back what is pending.
	abort() error
}

// errFatal marks an error after which the import cannot go on (a
// transaction that cannot be rolled back).
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }
func (e *fatalError) Unwrap() error { return e.err }

func isFatal(err error) bool {
	var f *fatalError
	return errors.As(err, &f)
}

// batchSize is how many records an import writes in one transaction:
// committing (and, on PostgreSQL, taking the change-sequence lock) once a
// batch rather than once a record, while a savepoint each still keeps one
// failing record from undoing the others.
const batchSize = 50

// batchUnits runs steps under savepoints of a transaction of its own,
// committed every batchSize steps and by finish.
type batchUnits struct {
	client  *ent.Client
	dialect string
	tx      *ent.Tx
	txCtx   context.Context
	steps   *savepointUnits
	n       int
}

func (u *batchUnits) run(ctx context.Context, fn func(ctx context.Context, c *ent.Client) error) error {
	if u.tx == nil {
		tx, err := u.client.Tx(ctx)
		if err != nil {
			return &fatalError{fmt.Errorf("begin transaction: %w", err)}
		}
		u.tx, u.steps = tx, &savepointUnits{client: tx.Client()}
		if u.txCtx, err = audit.HoldLock(ctx, tx.Client(), u.dialect); err != nil {
			return &fatalError{errors.Join(err, tx.Rollback())}
		}
	}
	err := u.steps.run(u.txCtx, fn)
	if isFatal(err) {
		return &fatalError{errors.Join(err, u.abort())}
	}
	if u.n++; u.n >= batchSize {
		if cerr := u.finish(); cerr != nil {
			return cerr
		}
	}
	return err
}

// finish commits the batch under way.
func (u *batchUnits) finish() error {
	if u.tx == nil {
		return nil
	}
	tx := u.tx
	u.tx, u.n = nil, 0
	if err := tx.Commit(); err != nil {
		return &fatalError{fmt.Errorf("commit: %w", err)}
	}
	return nil
}

// abort rolls the batch under way back.
func (u *batchUnits) abort() error {
	if u.tx == nil {
		return nil
	}
	tx := u.tx
	u.tx, u.n = nil, 0
	return tx.Rollback()
}

// savepointUnits runs every step under a savepoint of the transaction the
// client belongs to; a failed step is rolled back to it.
type savepointUnits struct {
	client *ent.Client
	n      int
}

func (u *savepointUnits) finish() error { return nil }
func (u *savepointUnits) abort() error  { return nil }

func (u *savepointUnits) run(ctx context.Context, fn func(ctx context.Context, c *ent.Client) error) error {
	u.n++
	name := fmt.Sprintf("interchange_%d", u.n)
	if _, err := u.client.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return &fatalError{fmt.Errorf("savepoint: %w", err)}
	}
	if err := fn(ctx, u.client); err != nil {
		if _, rerr := u.client.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+name); rerr != nil {
			return &fatalError{errors.Join(err, fmt.Errorf("roll back to savepoint: %w", rerr))}
		}
		if _, rerr := u.client.ExecContext(ctx, "RELEASE SAVEPOINT "+name); rerr != nil {
			return &fatalError{errors.Join(err, fmt.Errorf("release savepoint: %w", rerr))}
		}
		return err
	}
	if _, err := u.client.ExecContext(ctx, "RELEASE SAVEPOINT "+name); err != nil {
		return &fatalError{fmt.Errorf("release savepoint: %w", err)}
	}
	return nil
}
