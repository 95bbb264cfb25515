package interchange

import (
	"context"
	"errors"
	"fmt"

	"github.com/aidregistry/registry/ent"
)

// units run each record of an import as one all-or-nothing step: its own
// transaction, or a savepoint when the import runs inside a transaction
// someone else opened (a GraphQL mutation's).
type units interface {
	run(ctx context.Context, fn func(c *ent.Client) error) error
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

// txUnits gives every step its own transaction.
type txUnits struct{ client *ent.Client }

func (u txUnits) run(ctx context.Context, fn func(c *ent.Client) error) error {
	tx, err := u.client.Tx(ctx)
	if err != nil {
		return &fatalError{fmt.Errorf("begin transaction: %w", err)}
	}
	if err := fn(tx.Client()); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return &fatalError{errors.Join(err, fmt.Errorf("roll back: %w", rerr))}
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// savepointUnits runs every step under a savepoint of the transaction the
// client belongs to; a failed step is rolled back to it.
type savepointUnits struct {
	client *ent.Client
	n      int
}

func (u *savepointUnits) run(ctx context.Context, fn func(c *ent.Client) error) error {
	u.n++
	name := fmt.Sprintf("interchange_%d", u.n)
	if _, err := u.client.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return &fatalError{fmt.Errorf("savepoint: %w", err)}
	}
	if err := fn(u.client); err != nil {
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
