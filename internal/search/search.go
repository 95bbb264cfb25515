// Package search is the registry's full-text search: an index of
// organisations, programmes, agreements and events kept by the store itself
// (PostgreSQL tsvector under a GIN index, SQLite FTS5), kept current on every
// write, and ranked, highlighted queries over it.
package search

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	"github.com/lib/pq"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/apperr"
)

// Type is a kind of record search can return (GraphQL SearchType).
type Type string

// The searchable types.
const (
	Organisation Type = "ORGANISATION"
	Programme    Type = "PROGRAMME"
	Agreement    Type = "AGREEMENT"
	Event        Type = "EVENT"
)

// Types lists them.
var Types = []Type{Organisation, Programme, Agreement, Event}

// MarshalGQL writes the enum value.
func (t Type) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(t))) }

// UnmarshalGQL reads the enum value.
func (t *Type) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("SearchType must be a string, got %T", v)
	}
	for _, known := range Types {
		if s == string(known) {
			*t = known
			return nil
		}
	}
	return fmt.Errorf("%q is not a SearchType", s)
}

// Request is one search: the words, the types to look in (all when empty),
// and the page.
type Request struct {
	Query string
	Types []Type
	First *int
	After *entgql.Cursor[int]
}

// Edge is one hit: the record, its cursor, its score (higher is better;
// comparable within one search only) and its highlighted snippet.
type Edge struct {
	Node    ent.Noder
	Cursor  entgql.Cursor[int]
	Score   float64
	Snippet string
}

// Connection is a page of hits in rank order.
type Connection struct {
	Edges      []*Edge
	PageInfo   ent.PageInfo
	TotalCount int
}

// The store marks matches in snippets with these private-use characters;
// the text is then HTML-escaped and they become <mark> and </mark>.
const (
	markStart = "\uE000"
	markStop  = "\uE001"
)

// hit is a ranked row before its record is loaded.
type hit struct {
	id      int
	score   float64
	snippet string
}

// Search ranks the records matching any of the query's words, best first.
// A record that holds more of the words ranks above one that holds fewer,
// and one whose code, acronym, name or title is the whole query (any case)
// counts one word more; among equals, the store's relevance (words in titles, names, codes and
// acronyms weigh more than in descriptions; rarer words more than common
// ones) decides, then the id. It runs one SQL statement for the page and
// its total, then one per type of record on the page (and what the query
// selects below them), whatever the size of the index.
func Search(ctx context.Context, client *ent.Client, d string, r Request) (*Connection, error) {
	rk, err := Rank(d, r)
	if err != nil {
		return nil, err
	}
	hits, total, err := scanHits(ctx, client, rk.Query, rk.Args)
	if err != nil {
		return nil, err
	}
	nodes, loaded, err := load(ctx, client, hits)
	if err != nil {
		return nil, err
	}
	offset := rk.Offset
	conn := &Connection{TotalCount: total}
	for i, h := range hits {
		n, ok := nodes[h.id]
		if loaded && !ok {
			continue // deleted between the ranking and the load
		}
		conn.Edges = append(conn.Edges, &Edge{
			Node:    n,
			Cursor:  entgql.Cursor[int]{ID: offset + i + 1},
			Score:   h.score,
			Snippet: Highlight(h.snippet),
		})
	}
	conn.PageInfo.HasPreviousPage = offset > 0
	conn.PageInfo.HasNextPage = offset+len(hits) < total
	if len(conn.Edges) > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[len(conn.Edges)-1].Cursor
	}
	return conn, nil
}

// Ranking is the statement that ranks one search's page of hits and counts
// them all. Its rows, best first, have the columns n (the number of hits
// in all), id, kind (the record's Type), score and snippet (as the store
// marks it: Highlight turns it into the snippet a client gets); a page with
// no hit has one row, whose columns but n are null. The SQL JSON path
// (internal/sqljson) nests it in the statement that also builds each hit's
// record, so that a search is one statement there too.
type Ranking struct {
	Query  string
	Args   []any
	Offset int // the hits before the page: the i-th row's cursor is Offset+i+1
}

// Rank checks a search request as Search does (the same client errors) and
// gives the statement that ranks its page.
func Rank(d string, r Request) (Ranking, error) {
	words, err := terms(r.Query)
	if err != nil {
		return Ranking{}, err
	}
	first := DefaultPageSize
	if r.First != nil {
		first = *r.First
		if first < 0 || first > MaxPageSize {
			return Ranking{}, &apperr.Error{Code: apperr.BadUserInput, Field: "first",
				Message: fmt.Sprintf("`first` must be between 0 and %d for search", MaxPageSize)}
		}
	}
	offset := 0
	if r.After != nil {
		offset = r.After.ID
		if offset < 1 {
			return Ranking{}, &apperr.Error{Code: apperr.BadUserInput, Field: "after", Message: "the `after` cursor is not a search cursor"}
		}
	}
	var types []string
	for _, t := range r.Types {
		types = append(types, string(t))
	}
	exact := "|" + strings.Join(strings.Fields(r.Query), " ") + "|"
	var query string
	var args []any
	if d == dialect.Postgres {
		query, args = rankPostgres(words, exact, types, first, offset)
	} else {
		query, args = rankSQLite(words, exact, types, first, offset)
	}
	return Ranking{Query: query, Args: args, Offset: offset}, nil
}

// Kinds gives the GraphQL type of the records of each kind a Ranking names.
func Kinds() map[Type]string {
	out := make(map[Type]string, len(sources))
	for _, s := range sources {
		out[s.typ] = s.node
	}
	return out
}

// Highlight escapes a snippet as the store marks it for HTML and turns the
// marks into <mark> elements; runs of white space become one space.
func Highlight(s string) string {
	s = html.EscapeString(strings.Join(strings.Fields(s), " "))
	s = strings.ReplaceAll(s, markStart, "<mark>")
	return strings.ReplaceAll(s, markStop, "</mark>")
}

// rankPostgres: words are matched with the registry_search configuration
// (unaccented, English stems, no stop words); ts_rank weighs titles (A)
// above bodies (B) and divides by the document's log length.
func rankPostgres(words []string, exact string, types []string, first, offset int) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	var qcols, any_, cover []string
	for i, w := range words {
		col := "t" + strconv.Itoa(i)
		qcols = append(qcols, fmt.Sprintf("plainto_tsquery('registry_search', %s) AS %s", arg(w), col))
		any_ = append(any_, "w."+col)
		cover = append(cover, fmt.Sprintf("(d.document @@ q.%s)::int", col))
	}
	typeCond := ""
	if len(types) > 0 {
		typeCond = " AND d.kind = ANY(" + arg(pq.Array(types)) + ")"
	}
	cover = append(cover, "(strpos(lower(d.keys), lower("+arg(exact)+")) > 0)::int")
	rank := "ts_rank('{0.1, 0.2, 0.4, 1.0}', d.document, q.q, 1)"
	query := `WITH w AS (SELECT ` + strings.Join(qcols, ", ") + `),
q AS (SELECT w.*, (` + strings.Join(any_, " || ") + `) AS q FROM w),
hits AS (
  SELECT d.id, d.kind, d.title, d.body,
    (` + strings.Join(cover, " + ") + `) + (` + rank + ` / (1 + ` + rank + `))::float8 AS score
  FROM search_documents d, q
  WHERE d.document @@ q.q` + typeCond + `
),
page AS (SELECT id, kind, title, body, score FROM hits ORDER BY score DESC, id LIMIT ` + arg(first) + ` OFFSET ` + arg(offset) + `)
SELECT (SELECT count(*) FROM hits) AS n, page.id, page.kind, page.score,
  ts_headline('registry_search', CASE WHEN page.body = '' THEN page.title ELSE page.title || ' — ' || page.body END, q.q, ` +
		arg(`StartSel="`+markStart+`", StopSel="`+markStop+`", MaxWords=24, MinWords=10, MaxFragments=1`) + `) AS snippet
FROM q LEFT JOIN page ON true
ORDER BY page.score DESC, page.id`
	return query, args
}

// rankSQLite: FTS5 with the porter stemmer over unicode61 without
// diacritics; bm25 weighs titles ten times bodies. bm25 is negative (lower
// is better), so -bm25 / (1 - bm25) maps it into [0, 1). SQLite's lower()
// folds ASCII letters only: the exact-key bonus ignores the case of those.
func rankSQLite(words []string, exact string, types []string, first, offset int) (string, []any) {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = `"` + w + `"` // words hold only letters and digits
	}
	match := strings.Join(quoted, " OR ")
	args := []any{match}
	typeCond := ""
	if len(types) > 0 {
		typeCond = " AND kind IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(types)), ", ") + ")"
		for _, t := range types {
			args = append(args, t)
		}
	}
	var cover []string
	for _, q := range quoted {
		cover = append(cover, "(id IN (SELECT rowid FROM search_index WHERE search_index MATCH ?))")
		args = append(args, q)
	}
	cover = append(cover, "(instr(lower(keys), lower(?)) > 0)")
	args = append(args, exact, first, offset, match)
	query := `WITH hits AS (
  SELECT rowid AS id, kind, keys, bm25(search_index, 0.0, 10.0, 1.0, 0.0) AS bm
  FROM search_index WHERE search_index MATCH ?` + typeCond + `
),
scored AS (SELECT id, kind, (` + strings.Join(cover, " + ") + `) + (-bm) / (1.0 - bm) AS score FROM hits),
page AS (SELECT id, kind, score FROM scored ORDER BY score DESC, id LIMIT ? OFFSET ?)
SELECT (SELECT count(*) FROM hits) AS n, page.id, page.kind, page.score,
  (SELECT snippet(search_index, -1, '` + markStart + `', '` + markStop + `', ' … ', 24)
   FROM search_index WHERE search_index MATCH ? AND rowid = page.id) AS snippet
FROM (SELECT 1) AS one LEFT JOIN page ON 1 = 1
ORDER BY page.score DESC, page.id`
	return query, args
}

// scanHits reads the page rows; a search with no hit on the page still
// returns one row carrying the total.
func scanHits(ctx context.Context, client *ent.Client, query string, args []any) ([]hit, int, error) {
	rows, err := client.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var hits []hit
	total := 0
	for rows.Next() {
		var id sql.NullInt64
		var kind, snippet sql.NullString
		var score sql.NullFloat64
		if err := rows.Scan(&total, &id, &kind, &score, &snippet); err != nil {
			return nil, 0, fmt.Errorf("search: %w", err)
		}
		if id.Valid {
			hits = append(hits, hit{id: int(id.Int64), score: score.Float64, snippet: snippet.String})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	return hits, total, nil
}
