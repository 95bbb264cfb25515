package search

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/agreement"
	"github.com/aidregistry/registry/ent/event"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/sector"
)

// The index holds one document per searchable record, keyed by the record's
// global id (unique across types): its type, a title (weighted high), a body
// (weighted lower) and its keys, the names a record is known by exactly
// ("|QUESTS-MIDA|Qualified Expatriate ...|"). PostgreSQL keeps it in
// search_documents with a tsvector column under a GIN index; SQLite in the
// FTS5 table search_index. search_meta holds the version of that layout:
// a store indexed under another version is indexed again at start.

// indexVersion changes whenever the index's tables or documents change.
// 2: a programme's body holds the names of its sectors.
// 3: organisations merged into another are not found.
const indexVersion = 3

// source says how one entity becomes a document. title and body are SQL
// expressions over the entity's table that both stores understand.
type source struct {
	typ    Type
	node   string // GraphQL type name, as ent.NodeTypeOf gives it
	table  string
	title  string
	body   string
	keys   string
	fields []string // the columns title and body read: updates to others skip reindexing
	// live, when set, is the condition a row must meet to be found (an
	// organisation merged into another is found as that one).
	live string
}

var sources = []source{
	{
		typ: Organisation, node: "Organisation", table: organisation.Table,
		title:  "name || COALESCE(' (' || acronym || ')', '')",
		body:   "''",
		keys:   "'|' || name || '|' || COALESCE(acronym || '|', '')",
		fields: []string{organisation.FieldName, organisation.FieldAcronym, organisation.FieldMergedIntoID},
		live:   organisation.FieldMergedIntoID + " IS NULL",
	},
	{
		typ: Programme, node: "Programme", table: programme.Table,
		title: "code || ': ' || title",
		// Its description, then the names of its own sectors, each once,
		// in one correlated subquery (string_agg: PostgreSQL, and SQLite
		// since 3.44), so a document stays one INSERT ... SELECT.
		body: "COALESCE(description, '') || COALESCE(' ' || (SELECT string_agg(sn.name, ' ') FROM " +
			"(SELECT DISTINCT se.name FROM " + sector.Table + " se WHERE se.programme_id = " + programme.Table + ".id AND se.name IS NOT NULL " +
			"ORDER BY se.name) sn), '')",
		keys:   "'|' || code || '|' || title || '|'",
		fields: []string{programme.FieldCode, programme.FieldTitle, programme.FieldDescription},
	},
	{
		typ: Agreement, node: "Agreement", table: agreement.Table,
		title:  "COALESCE(reference || ': ', '') || title",
		body:   "COALESCE(summary, '')",
		keys:   "'|' || COALESCE(reference || '|', '') || title || '|'",
		fields: []string{agreement.FieldReference, agreement.FieldTitle, agreement.FieldSummary},
	},
	{
		typ: Event, node: "Event", table: event.Table,
		title:  "title",
		body:   "COALESCE(place || '. ', '') || COALESCE(summary, '')",
		keys:   "'|' || title || '|'",
		fields: []string{event.FieldTitle, event.FieldPlace, event.FieldSummary},
	},
}

// pgSetup creates the text-search configuration: words lose their accents
// (unaccent, a trusted extension since PostgreSQL 13) and are stemmed as
// English, with no stop words, so that "IT" stays a word as it does in
// SQLite's FTS5.
const pgSetup = `
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = 'registry_stem') THEN
    CREATE TEXT SEARCH DICTIONARY registry_stem (TEMPLATE = snowball, Language = english);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'registry_search') THEN
    CREATE TEXT SEARCH CONFIGURATION registry_search (COPY = simple);
    ALTER TEXT SEARCH CONFIGURATION registry_search
      ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part,
                        numword, numhword, hword_numpart
      WITH unaccent, registry_stem;
  END IF;
END
$$;
CREATE TABLE IF NOT EXISTS search_documents (
  id bigint PRIMARY KEY,
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  keys text NOT NULL,
  document tsvector NOT NULL
);
CREATE INDEX IF NOT EXISTS search_documents_document ON search_documents USING gin (document);
CREATE INDEX IF NOT EXISTS search_documents_kind ON search_documents (kind);
`

// sqliteSetup: the porter stemmer over unicode61, which folds case and
// strips diacritics ("Université" is found as "universite").
const sqliteSetup = `CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5(
  kind UNINDEXED, title, body, keys UNINDEXED,
  tokenize = 'porter unicode61 remove_diacritics 2'
)`

// Install makes sure the index exists in the current layout, builds it
// when it is new or was laid out by another version (a store that held
// records before), and registers the ent hooks that keep it current on
// every create, update and delete of an indexed entity through this client
// and its transactions. Call it once per client.
func Install(ctx context.Context, client *ent.Client, d string) error {
	if _, err := client.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS search_meta (version integer NOT NULL)`); err != nil {
		return fmt.Errorf("create search_meta: %w", err)
	}
	var version int
	if err := queryRow(ctx, client, `SELECT COALESCE(MAX(version), 0) FROM search_meta`, nil, &version); err != nil {
		return fmt.Errorf("read search index version: %w", err)
	}
	fresh := version != indexVersion
	setup := []string{sqliteSetup}
	if d == dialect.Postgres {
		setup = []string{pgSetup}
	}
	if fresh {
		drop := `DROP TABLE IF EXISTS search_index`
		if d == dialect.Postgres {
			drop = `DROP TABLE IF EXISTS search_documents`
		}
		setup = append([]string{drop}, setup...)
		setup = append(setup, `DELETE FROM search_meta`, fmt.Sprintf(`INSERT INTO search_meta (version) VALUES (%d)`, indexVersion))
	}
	for _, stmt := range setup {
		if _, err := client.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create search index: %w", err)
		}
	}
	for _, s := range sources {
		use(client, s.typ, Hook(d, s.fields...))
	}
	client.Sector.Use(SectorHook(d))
	if fresh {
		return Rebuild(ctx, client, d)
	}
	return nil
}

func use(client *ent.Client, t Type, h ent.Hook) {
	switch t {
	case Organisation:
		client.Organisation.Use(h)
	case Programme:
		client.Programme.Use(h)
	case Agreement:
		client.Agreement.Use(h)
	case Event:
		client.Event.Use(h)
	}
}

// Rebuild empties the index and fills it again from every indexed record:
// one DELETE and one INSERT ... SELECT per store, whatever the data size.
func Rebuild(ctx context.Context, client *ent.Client, d string) error {
	del := `DELETE FROM search_index`
	if d == dialect.Postgres {
		del = `DELETE FROM search_documents`
	}
	if _, err := client.ExecContext(ctx, del); err != nil {
		return fmt.Errorf("empty search index: %w", err)
	}
	if _, err := client.ExecContext(ctx, insertSQL(d, sources, "")); err != nil {
		return fmt.Errorf("fill search index: %w", err)
	}
	return nil
}

// Reindex brings the index up to date for the records with these ids, of
// any type: created or changed records get their document, deleted ones
// lose it. Ids of types that are not searched are ignored. Writers that do
// not go through ent's hooks (bulk SQL, imports) call it with what they
// touched; pass a transaction's client to stay inside the transaction.
func Reindex(ctx context.Context, client *ent.Client, d string, ids ...int) error {
	byType := map[Type][]int{}
	for _, id := range ids {
		name, _ := ent.NodeTypeOf(id)
		for _, s := range sources {
			if s.node == name {
				byType[s.typ] = append(byType[s.typ], id)
			}
		}
	}
	for _, s := range sources {
		for chunk := range chunks(byType[s.typ], 500) {
			if err := reindex(ctx, client, d, s, chunk); err != nil {
				return err
			}
		}
	}
	return nil
}

func reindex(ctx context.Context, client *ent.Client, d string, s source, ids []int) error {
	var del, cond string
	var args []any
	if d == dialect.Postgres {
		del = `DELETE FROM search_documents WHERE id = ANY($1)`
		cond = `id = ANY($1)`
		ids64 := make([]int64, len(ids))
		for i, id := range ids {
			ids64[i] = int64(id)
		}
		args = []any{pq.Array(ids64)}
	} else {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
		del = `DELETE FROM search_index WHERE rowid IN (` + marks + `)`
		cond = `id IN (` + marks + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	if _, err := client.ExecContext(ctx, del, args...); err != nil {
		return fmt.Errorf("remove search documents: %w", err)
	}
	if _, err := client.ExecContext(ctx, insertSQL(d, []source{s}, cond), args...); err != nil {
		return fmt.Errorf("write search documents: %w", err)
	}
	return nil
}

// insertSQL writes the documents of the given sources, for the rows that
// match cond (every row when cond is empty).
func insertSQL(d string, srcs []source, cond string) string {
	var parts []string
	for _, s := range srcs {
		sel := fmt.Sprintf("SELECT id, '%s' AS kind, %s AS title, %s AS body, %s AS keys FROM %s", s.typ, s.title, s.body, s.keys, s.table)
		var where []string
		for _, c := range []string{cond, s.live} {
			if c != "" {
				where = append(where, c)
			}
		}
		if len(where) > 0 {
			sel += " WHERE " + strings.Join(where, " AND ")
		}
		parts = append(parts, sel)
	}
	union := strings.Join(parts, " UNION ALL ")
	if d == dialect.Postgres {
		return `INSERT INTO search_documents (id, kind, title, body, keys, document)
SELECT id, kind, title, body, keys,
  setweight(to_tsvector('registry_search', title), 'A') || setweight(to_tsvector('registry_search', body), 'B')
FROM (` + union + `) AS docs`
	}
	return `INSERT INTO search_index (rowid, kind, title, body, keys) SELECT id, kind, title, body, keys FROM (` + union + `) AS docs`
}

// Hook keeps the index current for one entity: after a create, the new
// record is indexed; after an update that touches one of fields (all
// updates when none are named), the updated records are; after a delete,
// the deleted records' documents go. It runs inside the mutation's
// transaction when there is one, and a failure fails the mutation.
func Hook(d string, fields ...string) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			var ids []int
			switch {
			case m.Op().Is(ent.OpCreate):
			case m.Op().Is(ent.OpUpdate|ent.OpUpdateOne) && !touches(m, fields):
				return next.Mutate(ctx, m)
			default: // updates and deletes: find the rows before they change or go
				idser, ok := m.(interface {
					IDs(context.Context) ([]int, error)
				})
				if !ok {
					return nil, fmt.Errorf("search hook: %s mutation has no IDs", m.Type())
				}
				var err error
				if ids, err = idser.IDs(ctx); err != nil {
					return nil, fmt.Errorf("search hook: %w", err)
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			if m.Op().Is(ent.OpCreate) {
				if ider, ok := m.(interface{ ID() (int, bool) }); ok {
					if id, ok := ider.ID(); ok {
						ids = []int{id}
					}
				}
			}
			if len(ids) == 0 {
				return v, nil
			}
			if b, ok := ctx.Value(batchKey{}).(*Batch); ok {
				b.add(d, ids)
				return v, nil
			}
			clienter, ok := m.(interface{ Client() *ent.Client })
			if !ok {
				return nil, fmt.Errorf("search hook: %s mutation has no client", m.Type())
			}
			if err := Reindex(ctx, clienter.Client(), d, ids...); err != nil {
				return nil, err
			}
			return v, nil
		})
	}
}

type batchKey struct{}

// Batch gathers the records a run of writes created, changed or deleted
// (an import's batch of activities, their sectors remade row by row), so
// that each is indexed once, by Flush, rather than once a write. A record
// gathered whose write was rolled back since is indexed as it stands, so
// a Batch may outlive the savepoints of the writes it gathers.
type Batch struct {
	d    string
	ids  []int
	seen map[int]bool
}

// Batched returns a context whose writes leave their records' indexing to
// the returned Batch's Flush, which must run in the same transaction.
func Batched(ctx context.Context) (context.Context, *Batch) {
	b := NewBatch()
	return b.Context(ctx), b
}

// NewBatch returns an empty Batch.
func NewBatch() *Batch { return &Batch{seen: map[int]bool{}} }

// Context returns a context whose writes leave their indexing to b.
func (b *Batch) Context(ctx context.Context) context.Context {
	return context.WithValue(ctx, batchKey{}, b)
}

func (b *Batch) add(d string, ids []int) {
	b.d = d
	for _, id := range ids {
		if !b.seen[id] {
			b.seen[id] = true
			b.ids = append(b.ids, id)
		}
	}
}

// Flush indexes the records gathered so far.
func (b *Batch) Flush(ctx context.Context, client *ent.Client) error {
	if len(b.ids) == 0 {
		return nil
	}
	ids := b.ids
	b.ids = nil
	clear(b.seen)
	return Reindex(ctx, client, b.d, ids...)
}

// SectorHook keeps a programme's document current when its sectors change
// (their names are in its body): after sectors are created, updated or
// deleted, their programmes are indexed again, in the mutation's
// transaction. A transaction's own sectors (funding_id) change no document.
func SectorHook(d string) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			sm, ok := m.(*ent.SectorMutation)
			if !ok {
				return next.Mutate(ctx, m)
			}
			var programmes []int
			if !sm.Op().Is(ent.OpCreate) { // find the programmes before the rows change or go
				ids, err := sm.IDs(ctx)
				if err != nil {
					return nil, fmt.Errorf("search hook: %w", err)
				}
				if len(ids) > 0 {
					if programmes, err = sm.Client().Sector.Query().
						Where(sector.IDIn(ids...), sector.ProgrammeIDNotNil()).
						Unique(true).Select(sector.FieldProgrammeID).Ints(ctx); err != nil {
						return nil, fmt.Errorf("search hook: %w", err)
					}
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			if id, ok := sm.ProgrammeID(); ok && !slices.Contains(programmes, id) {
				programmes = append(programmes, id) // created, or moved to
			}
			if len(programmes) == 0 {
				return v, nil
			}
			if b, ok := ctx.Value(batchKey{}).(*Batch); ok {
				b.add(d, programmes)
				return v, nil
			}
			if err := Reindex(ctx, sm.Client(), d, programmes...); err != nil {
				return nil, err
			}
			return v, nil
		})
	}
}

// touches reports whether an update sets or clears one of fields.
func touches(m ent.Mutation, fields []string) bool {
	if len(fields) == 0 {
		return true
	}
	changed := append(m.Fields(), m.ClearedFields()...)
	for _, f := range changed {
		for _, want := range fields {
			if f == want {
				return true
			}
		}
	}
	return false
}

// chunks cuts ids into runs of at most n, so no statement has too many
// parameters.
func chunks(ids []int, n int) func(func([]int) bool) {
	return func(yield func([]int) bool) {
		for len(ids) > 0 {
			k := min(n, len(ids))
			if !yield(ids[:k]) {
				return
			}
			ids = ids[k:]
		}
	}
}

// queryRow runs a query through the client (counted, transaction-aware)
// and scans its one row.
func queryRow(ctx context.Context, client *ent.Client, q string, args []any, dest ...any) error {
	rows, err := client.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	return rows.Close()
}
