package interchange

import (
	"context"
	"errors"
	"fmt"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/audit"
	"github.com/aidregistry/registry/internal/search"
)

// units run each record of an import as one all-or-nothing step: its own
// transaction, or a savepoint when the import runs inside a transaction
// someone else opened (a GraphQL mutation's).
type units interface {
	run(ctx context.Context, fn func(ctx context.Context, c *ent.Client) error) error
	// runBare runs a step with no savepoint: its failure leaves the
	// transaction to be rolled back (to mark) by the caller.
	runBare(ctx context.Context, fn func(ctx context.Context, c *ent.Client) error) error
	// batchClient is the client, and its context, that the steps to come run
	// with: what an import reads for a batch of steps it reads there.
	batchClient(ctx context.Context) (context.Context, *ent.Client, error)
	// commit commits the steps so far, when the units own the transaction.
	commit() error
	// mark sets the point undo goes back to: the start of a batch.
	mark(ctx context.Context) error
	// undo rolls back everything since mark, history and search
	// documents held included.
	undo(ctx context.Context) error
	// unmark lets go of the mark, its batch written.
	unmark(ctx context.Context) error
	// holds says whether a step's records may be created with their rows
	// held for the batch to insert (programmes, organisations): only when
	// the steps' search documents are written once the batch's rows are,
	// for they are read from the rows.
	holds() bool
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

// batchChanges bounds the history a batch holds before inserting it.
const batchChanges = 500

// batchUnits runs steps under savepoints of a transaction of its own,
// committed by commit (the importer's, every batch) and by finish. The history of the
// steps that stand and their records' search documents are written once
// a batch (or every batchChanges Changes), not once a step.
type batchUnits struct {
	client  *ent.Client
	dialect string
	tx      *ent.Tx
	txCtx   context.Context
	steps   *savepointUnits
	changes *audit.Buffer
	index   *search.Batch
}

func (u *batchUnits) run(ctx context.Context, fn func(ctx context.Context, c *ent.Client) error) error {
	if u.tx == nil {
		if err := u.begin(ctx); err != nil {
			return err
		}
	}
	stepCtx, changes := u.changes.Nest(u.index.Context(u.txCtx))
	err := u.steps.savepoint(stepCtx, fn)
	if isFatal(err) {
		return &fatalError{errors.Join(err, u.abort())}
	}
	if err != nil {
		changes.Discard()
	} else {
		changes.Commit()
	}
	// Between steps, under no savepoint: what is inserted here stays.
	if u.changes.Full() {
		if ferr := u.changes.Flush(u.txCtx, u.tx.Client()); ferr != nil {
			return &fatalError{errors.Join(ferr, u.abort())}
		}
	}
	return err
}

func (u *batchUnits) runBare(ctx context.Context, fn func(ctx context.Context, c *ent.Client) error) error {
	if u.tx == nil {
		if err := u.begin(ctx); err != nil {
			return err
		}
	}
	stepCtx, changes := u.changes.Nest(u.index.Context(u.txCtx))
	if err := fn(stepCtx, u.tx.Client()); err != nil {
		changes.Discard()
		return err
	}
	changes.Commit()
	if u.changes.Full() {
		if err := u.changes.Flush(u.txCtx, u.tx.Client()); err != nil {
			return &fatalError{errors.Join(err, u.abort())}
		}
	}
	return nil
}

func (u *batchUnits) batchClient(ctx context.Context) (context.Context, *ent.Client, error) {
	if u.tx == nil {
		if err := u.begin(ctx); err != nil {
			return ctx, nil, err
		}
	}
	return u.txCtx, u.tx.Client(), nil
}

func (u *batchUnits) commit() error { return u.finish() }

func (u *batchUnits) mark(ctx context.Context) error {
	return u.steps.exec(u.txCtx, "SAVEPOINT "+batchSavepoint)
}

func (u *batchUnits) undo(ctx context.Context) error {
	u.changes, u.index = audit.NewBatch(batchChanges), search.NewBatch()
	if err := u.steps.exec(u.txCtx, "ROLLBACK TO SAVEPOINT "+batchSavepoint); err != nil {
		return &fatalError{errors.Join(err, u.abort())}
	}
	return nil
}

// unmark: the commit that follows lets go of it.
func (u *batchUnits) unmark(ctx context.Context) error { return nil }

// holds: the batch's search documents are written by finish, after its
// rows.
func (u *batchUnits) holds() bool { return true }

// batchSavepoint is the savepoint a batch written optimistically goes
// back to.
const batchSavepoint = "interchange_batch"

func (u *batchUnits) begin(ctx context.Context) error {
	tx, err := u.client.Tx(ctx)
	if err != nil {
		return &fatalError{fmt.Errorf("begin transaction: %w", err)}
	}
	u.tx, u.steps = tx, &savepointUnits{client: tx.Client(), keep: true}
	u.changes, u.index = audit.NewBatch(batchChanges), search.NewBatch()
	if u.txCtx, err = audit.HoldLock(ctx, tx.Client(), u.dialect); err != nil {
		u.tx = nil
		return &fatalError{errors.Join(err, tx.Rollback())}
	}
	return nil
}

// finish writes the batch's history and search documents and commits it.
func (u *batchUnits) finish() error {
	if u.tx == nil {
		return nil
	}
	c := u.tx.Client()
	if err := u.index.Flush(u.txCtx, c); err != nil {
		return &fatalError{errors.Join(err, u.abort())}
	}
	if err := u.changes.Flush(u.txCtx, c); err != nil {
		return &fatalError{errors.Join(err, u.abort())}
	}
	tx := u.tx
	u.tx = nil
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
	u.tx = nil
	return tx.Rollback()
}

// savepointUnits runs every step under a savepoint of the transaction the
// client belongs to; a failed step is rolled back to it. Each step's
// history and search documents are written at its end, inside it.
type savepointUnits struct {
	client *ent.Client
	n      int
	// keep leaves the savepoints in place rather than release them: the
	// transaction commits them all. A batch's savepoints cost a statement
	// each then rather than two; batchSize keeps them under the 64
	// subtransactions PostgreSQL tracks per transaction without spilling.
	keep bool
}

func (u *savepointUnits) batchClient(ctx context.Context) (context.Context, *ent.Client, error) {
	return ctx, u.client, nil
}

func (u *savepointUnits) commit() error { return nil }

func (u *savepointUnits) mark(ctx context.Context) error {
	return u.exec(ctx, "SAVEPOINT "+batchSavepoint)
}

// undo: the steps' history and search documents, written under their
// savepoints, go with them.
func (u *savepointUnits) undo(ctx context.Context) error {
	return u.exec(ctx, "ROLLBACK TO SAVEPOINT "+batchSavepoint)
}

func (u *savepointUnits) unmark(ctx context.Context) error {
	return u.exec(ctx, "RELEASE SAVEPOINT "+batchSavepoint)
}

// holds: each step's search documents are written at its end, before the
// batch inserts the rows it held.
func (u *savepointUnits) holds() bool { return false }

func (u *savepointUnits) exec(ctx context.Context, stmt string) error {
	if _, err := u.client.ExecContext(ctx, stmt); err != nil {
		return &fatalError{fmt.Errorf("%s: %w", stmt, err)}
	}
	return nil
}
func (u *savepointUnits) finish() error { return nil }
func (u *savepointUnits) abort() error  { return nil }

func (u *savepointUnits) run(ctx context.Context, fn func(ctx context.Context, c *ent.Client) error) error {
	return u.savepoint(ctx, func(ctx context.Context, c *ent.Client) error { return u.runBare(ctx, fn) })
}

func (u *savepointUnits) runBare(ctx context.Context, fn func(ctx context.Context, c *ent.Client) error) error {
	ctx, changes := audit.Buffered(ctx)
	ctx, index := search.Batched(ctx)
	if err := fn(ctx, u.client); err != nil {
		return err
	}
	if err := index.Flush(ctx, u.client); err != nil {
		return err
	}
	return changes.Flush(ctx, u.client)
}

// savepoint runs fn under a savepoint, rolled back to when fn fails.
func (u *savepointUnits) savepoint(ctx context.Context, fn func(ctx context.Context, c *ent.Client) error) error {
	u.n++
	name := fmt.Sprintf("interchange_%d", u.n)
	if _, err := u.client.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return &fatalError{fmt.Errorf("savepoint: %w", err)}
	}
	if err := fn(ctx, u.client); err != nil {
		if _, rerr := u.client.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+name); rerr != nil {
			return &fatalError{errors.Join(err, fmt.Errorf("roll back to savepoint: %w", rerr))}
		}
		if u.keep {
			return err
		}
		if _, rerr := u.client.ExecContext(ctx, "RELEASE SAVEPOINT "+name); rerr != nil {
			return &fatalError{errors.Join(err, fmt.Errorf("release savepoint: %w", rerr))}
		}
		return err
	}
	if u.keep {
		return nil
	}
	if _, err := u.client.ExecContext(ctx, "RELEASE SAVEPOINT "+name); err != nil {
		return &fatalError{fmt.Errorf("release savepoint: %w", err)}
	}
	return nil
}
