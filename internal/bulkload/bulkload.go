// Package bulkload loads a folder of JSON-lines records keyed by natural
// identifiers (the benchmark dataset's format: organisations by acronym,
// programmes by code, countries by ISO code) into either store, streaming,
// in batched transactions, and idempotently: loading the same folder again
// adds nothing.
//
// It writes with multi-row INSERTs rather than through ent's hooks, for
// speed; it is an operator's tool for trusted files, and every value is
// still checked (enums by the schema, amounts, currencies and dates here).
// Bulk-loaded rows are not recorded in the change history.
package bulkload

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"entgo.io/ent/dialect"
)

// Stats counts what a load read and wrote.
type Stats struct {
	Read     int
	Inserted int64
	Elapsed  time.Duration // reading and writing the records
	Refresh  time.Duration // refreshing the planner's statistics after them
}

// Loader loads one folder into one database.
type Loader struct {
	db       *sql.DB
	dialect  string
	batch    int
	progress io.Writer
	now      time.Time
	stats    Stats
	lastShow time.Time
	start    time.Time
}

// New prepares a loader; progress (may be nil) receives a status line.
func New(db *sql.DB, dialectName string, progress io.Writer) *Loader {
	batch := 1000
	if dialectName == dialect.SQLite {
		batch = 400 // SQLite caps bound parameters per statement
	}
	return &Loader{db: db, dialect: dialectName, batch: batch, progress: progress}
}

// Load reads DIR's files in dependency order.
func (l *Loader) Load(ctx context.Context, dir string) (Stats, error) {
	l.start, l.now = time.Now(), time.Now().UTC().Truncate(time.Microsecond)
	steps := []struct {
		file string
		load func(context.Context, string) error
	}{
		{"organisations.jsonl", l.organisations},
		{"programmes.jsonl", l.programmes},
		{"participations.jsonl", l.participations},
		{"programme_countries.jsonl", l.programmeCountries},
		{"fundings.jsonl", l.fundings},
		{"agreements.jsonl", l.agreements},
	}
	for _, s := range steps {
		path := filepath.Join(dir, s.file)
		if _, err := os.Stat(path); err != nil {
			return l.stats, fmt.Errorf("load %s: %w", dir, err)
		}
		if err := s.load(ctx, path); err != nil {
			return l.stats, fmt.Errorf("load %s: %w", s.file, err)
		}
	}
	// The planner's statistics still describe the tables as they were; a
	// query planned on them can pick nested loops over half a million rows.
	// On PostgreSQL, VACUUM also marks the new pages all-visible, so counts
	// read indexes alone instead of every row (SQLite's VACUUM would only
	// rewrite the file).
	l.stats.Elapsed = time.Since(l.start)
	l.show(true)
	refresh := "ANALYZE"
	if l.dialect == dialect.Postgres {
		refresh = "VACUUM ANALYZE"
	}
	start := time.Now()
	if _, err := l.db.ExecContext(ctx, refresh); err != nil {
		return l.stats, fmt.Errorf("load %s: refresh planner statistics: %w", dir, err)
	}
	l.stats.Refresh = time.Since(start)
	return l.stats, nil
}

// each streams a JSON-lines file, decoding each line into a fresh T.
func each[T any](path string, fn func(line int, rec T) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for n := 1; sc.Scan(); n++ {
		var rec T
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		if err := fn(n, rec); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
	}
	return sc.Err()
}

// batcher collects rows for one table and writes them in batches, each in
// its own transaction.
type batcher struct {
	l        *Loader
	table    string
	columns  []string
	conflict string // ON CONFLICT target, e.g. "(code)"; "" for none
	rows     [][]any
}

func (l *Loader) batcher(table, conflict string, columns ...string) *batcher {
	return &batcher{l: l, table: table, columns: columns, conflict: conflict}
}

func (b *batcher) add(ctx context.Context, row ...any) error {
	b.rows = append(b.rows, row)
	b.l.stats.Read++
	if len(b.rows) >= b.l.batch {
		return b.flush(ctx)
	}
	return nil
}

func (b *batcher) flush(ctx context.Context) error {
	if len(b.rows) == 0 {
		return nil
	}
	query, args := b.statement()
	tx, err := b.l.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("insert into %s: %w", b.table, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit %s: %w", b.table, err)
	}
	n, _ := res.RowsAffected()
	b.l.stats.Inserted += n
	b.rows = b.rows[:0]
	b.l.show(false)
	return nil
}

func (b *batcher) statement() (string, []any) {
	var q strings.Builder
	args := make([]any, 0, len(b.rows)*len(b.columns))
	fmt.Fprintf(&q, "INSERT INTO %s (%s) VALUES ", b.table, strings.Join(b.columns, ", "))
	for i, row := range b.rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for j, v := range row {
			if j > 0 {
				q.WriteString(", ")
			}
			args = append(args, v)
			q.WriteString(b.l.placeholder(len(args)))
		}
		q.WriteByte(')')
	}
	if b.conflict != "" {
		fmt.Fprintf(&q, " ON CONFLICT %s DO NOTHING", b.conflict)
	}
	return q.String(), args
}

func (l *Loader) placeholder(n int) string {
	if l.dialect == dialect.Postgres {
		return fmt.Sprintf("$%d", n)
	}
	return "?"
}

// show writes the progress line at most once a second (and at the end).
func (l *Loader) show(final bool) {
	if l.progress == nil || (!final && time.Since(l.lastShow) < time.Second) {
		return
	}
	l.lastShow = time.Now()
	secs := time.Since(l.start).Seconds()
	end := "\r"
	if final {
		end = "\n"
	}
	fmt.Fprintf(l.progress, "loaded %d records, %d new (%.0f records/s)%s", l.stats.Read, l.stats.Inserted, float64(l.stats.Read)/max(secs, 0.001), end)
}

// ids maps a natural key column to ids for a table.
func (l *Loader) ids(ctx context.Context, table, key string) (map[string]int, error) {
	rows, err := l.db.QueryContext(ctx, fmt.Sprintf("SELECT %s, id FROM %s WHERE %s IS NOT NULL", key, table, key))
	if err != nil {
		return nil, fmt.Errorf("read %s ids: %w", table, err)
	}
	defer rows.Close()
	m := map[string]int{}
	for rows.Next() {
		var k string
		var id int
		if err := rows.Scan(&k, &id); err != nil {
			return nil, err
		}
		m[k] = id
	}
	return m, rows.Err()
}

// idSet lists the distinct values of an id column (records that already
// have children, so a second load does not add them again).
func (l *Loader) idSet(ctx context.Context, table, column string) (map[int]bool, error) {
	rows, err := l.db.QueryContext(ctx, fmt.Sprintf("SELECT DISTINCT %s FROM %s", column, table))
	if err != nil {
		return nil, fmt.Errorf("read %s.%s: %w", table, column, err)
	}
	defer rows.Close()
	m := map[int]bool{}
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		m[id] = true
	}
	return m, rows.Err()
}
