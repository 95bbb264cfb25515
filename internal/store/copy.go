package store

import (
	"context"
	"database/sql"
	"fmt"

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
