package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/lib/pq"
)

// copier is rows to write with COPY ... FROM STDIN, given as the only
// argument of ExecContext on a PostgreSQL transaction's client. ent's
// client reaches its driver through ExecContext alone, so a package that
// writes many rows at once (the history, internal/audit) asks for a COPY
// this way: PostgreSQL inserts the rows in batches, with no statement to
// parse or plan and no JSON array to unpack, several times faster than an
// INSERT of the same rows.
type copier interface {
	// CopyInto names the table and its columns, in the order of each row's
	// values.
	CopyInto() (table string, columns []string)
	// CopyRows gives each row in turn to send; the values are those lib/pq
	// writes as COPY text: string, int64, time.Time, nil.
	CopyRows(send func(values ...any) error) error
}

// asCopier is the copier args hold, if that is all they hold.
func asCopier(args []any) (copier, bool) {
	if len(args) != 1 {
		return nil, false
	}
	c, ok := args[0].(copier)
	return c, ok
}

// copyIn writes cp's rows with COPY on the transaction x (ent's), counted
// as one statement and bounded as one.
func (c *Counter) copyIn(ctx context.Context, x any, cp copier) (sql.Result, error) {
	etx, ok := x.(*entsql.Tx)
	if !ok {
		return nil, fmt.Errorf("copy: transaction %T is not ent's", x)
	}
	tx, ok := etx.Tx.(*sql.Tx)
	if !ok {
		return nil, fmt.Errorf("copy: transaction %T is not database/sql's", etx.Tx)
	}
	table, columns := cp.CopyInto()
	err := c.finish(ctx, func(ctx context.Context) error {
		stmt, err := tx.PrepareContext(ctx, pq.CopyIn(table, columns...))
		if err != nil {
			return fmt.Errorf("copy into %s: %w", table, err)
		}
		send := func(values ...any) error {
			_, err := stmt.ExecContext(ctx, values...)
			return err
		}
		if err := cp.CopyRows(send); err != nil {
			stmt.Close()
			return fmt.Errorf("copy into %s: %w", table, err)
		}
		if _, err := stmt.ExecContext(ctx); err != nil {
			stmt.Close()
			return fmt.Errorf("copy into %s: %w", table, err)
		}
		return stmt.Close()
	})
	return nil, err
}

// CopiesBehind returns a context under which a PostgreSQL transaction's
// COPYs run behind the caller: ExecContext starts the COPY and returns at
// once, and the transaction's next statement, commit or rollback waits for
// it first. A failed COPY fails that next statement (once; PostgreSQL then
// refuses all but a rollback) or the commit. An import's batch makes the
// rows and history of its next table while PostgreSQL takes in the last.
// WaitBehind, before what may not fail for another's reason, waits too.
func CopiesBehind(ctx context.Context) context.Context {
	return context.WithValue(ctx, behindKey{}, true)
}

type behindKey struct{}

func copiesBehind(ctx context.Context) bool {
	on, _ := ctx.Value(behindKey{}).(bool)
	return on
}

// WaitBehind waits for the COPY client's transaction runs behind, if any,
// and gives its error.
func WaitBehind(ctx context.Context, client interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}) error {
	_, err := client.ExecContext(ctx, "", waitMark{})
	return err
}

// waitMark, the only argument of ExecContext, asks only for the wait.
type waitMark struct{}

func isWaitMark(args []any) bool {
	if len(args) != 1 {
		return false
	}
	_, ok := args[0].(waitMark)
	return ok
}

// behind is the COPY a transaction runs behind its caller, if any.
type behind struct {
	mu   sync.Mutex
	done chan struct{}
	err  error
}

// start runs run behind the caller; the one before it must be waited
// for.
func (b *behind) start(run func() error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	done := make(chan struct{})
	b.done = done
	go func() {
		err := run()
		b.mu.Lock()
		b.err = err
		b.mu.Unlock()
		close(done)
	}()
}

// wait waits for the COPY behind, if any, and gives its error, once.
func (b *behind) wait() error {
	b.mu.Lock()
	done := b.done
	b.mu.Unlock()
	if done == nil {
		return nil
	}
	<-done
	b.mu.Lock()
	defer b.mu.Unlock()
	err := b.err
	b.done, b.err = nil, nil
	return err
}
