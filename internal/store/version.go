package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"entgo.io/ent/dialect"
)

// DataVersion returns a token that changes whenever anything is committed
// to the store, by this process or any other (another replica, `registry
// load`, a person with psql), so that caches of answers can be checked
// with one cheap statement. Read it before computing what it guards: a
// commit in between then only makes the cached answer newer than its token.
//
// PostgreSQL (13 or later): the current snapshot as text, xmin:xmax and the
// transactions in progress. A transaction that writes takes an id, which
// changes xmax, and its commit takes it off the in-progress list, so every
// commit changes the token for good; reads do not change it. Writes to other
// databases of the same server change it too, which only costs a
// recomputation. On a replica the snapshot follows the primary's replay.
// SQLite: PRAGMA data_version on a connection kept for it alone, which
// changes when any other connection commits.
func (s *Store) DataVersion(ctx context.Context) (string, error) {
	if s.Dialect == dialect.Postgres {
		rows, err := s.Client.QueryContext(ctx, "SELECT pg_current_snapshot()::text")
		if err != nil {
			return "", fmt.Errorf("read data version: %w", err)
		}
		defer rows.Close()
		var v sql.NullString
		if rows.Next() {
			if err := rows.Scan(&v); err != nil {
				return "", fmt.Errorf("read data version: %w", err)
			}
		}
		return v.String, rows.Err()
	}
	return s.sqliteVersion.read(ctx, s.DB, s.Counter)
}

// sqliteVersion holds the connection PRAGMA data_version is read on: its
// value means something only on one connection, which must never write.
type sqliteVersion struct {
	mu   sync.Mutex
	conn *sql.Conn
}

func (v *sqliteVersion) read(ctx context.Context, db *sql.DB, counter *Counter) (string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.conn == nil {
		conn, err := db.Conn(ctx)
		if err != nil {
			return "", fmt.Errorf("read data version: %w", err)
		}
		v.conn = conn
	}
	defer counter.track(time.Now())
	var n int64
	if err := v.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&n); err != nil {
		v.conn.Close()
		v.conn = nil
		return "", fmt.Errorf("read data version: %w", err)
	}
	return fmt.Sprint(n), nil
}

func (v *sqliteVersion) close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.conn != nil {
		v.conn.Close()
		v.conn = nil
	}
}
