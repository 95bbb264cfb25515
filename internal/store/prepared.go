package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"
)

// preparedPerPool bounds how many distinct statements each pool keeps
// prepared. Hand-written SQL comes in few shapes (one per GraphQL selection
// of a programme list, per summary grouping), so a small cache holds them.
const preparedPerPool = 256

// prepared keeps hand-written queries prepared, per pool, by SQL text. The
// SQL JSON path's statements are long and PostgreSQL spent more time
// planning them than running them; a prepared statement is planned once per
// connection and, after a few runs, reused with a generic plan.
type prepared struct {
	mu    sync.Mutex
	pools map[*sql.DB]*lru.Cache[string, *sql.Stmt]
}

func (p *prepared) query(ctx context.Context, db *sql.DB, query string, args ...any) (*sql.Rows, error) {
	stmt, err := p.statement(ctx, db, query)
	if err != nil {
		return nil, err
	}
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil && err.Error() == stmtClosed {
		// Evicted and closed between the lookup and the query: run it once
		// unprepared rather than fail a request over the cache.
		return db.QueryContext(ctx, query, args...)
	}
	return rows, err
}

// stmtClosed is database/sql's (unexported) error for a closed statement.
const stmtClosed = "sql: statement is closed"

func (p *prepared) statement(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	p.mu.Lock()
	if p.pools == nil {
		p.pools = map[*sql.DB]*lru.Cache[string, *sql.Stmt]{}
	}
	cache := p.pools[db]
	if cache == nil {
		cache, _ = lru.NewWithEvict(preparedPerPool, func(_ string, s *sql.Stmt) { s.Close() })
		p.pools[db] = cache
	}
	p.mu.Unlock()
	if stmt, ok := cache.Get(query); ok {
		return stmt, nil
	}
	stmt, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare statement: %w", err)
	}
	if prev, ok, _ := cache.PeekOrAdd(query, stmt); ok {
		stmt.Close() // another request prepared it first
		return prev, nil
	}
	return stmt, nil
}

func (p *prepared) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, cache := range p.pools {
		cache.Purge()
	}
	p.pools = nil
}
