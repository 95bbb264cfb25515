// Package readcache keeps the answers of expensive read-only root fields
// (the analytics summaries, which add up every matching funding) until a
// table they read changes. Dashboards ask the same summaries again and
// again; each repeat then costs one statement that reads the versions of
// those tables, and no replica can serve a stale answer, since every
// replica checks the versions in the store it reads. Writes to other
// tables (contacts, events, the change history) leave the answers cached.
package readcache

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/sync/singleflight"

	"github.com/aidregistry/registry/internal/rawjson"
)

// MaxEntryBytes is the largest answer kept; larger ones are recomputed.
const MaxEntryBytes = 4 << 20

// Versioner reads the data version of the named tables, all of them when
// none is named, from the store ctx reads (store.Store.TableVersions).
type Versioner func(ctx context.Context, tables ...string) (string, error)

// Reads names the tables a field's answer reads, given its arguments and
// its operation (whose fragments its selection may spread); nil when it
// cannot tell, and then a write to any table makes it stale.
type Reads func(op *graphql.OperationContext, field graphql.CollectedField, args map[string]any) []string

// Cache holds answers by request and field.
type Cache struct {
	version Versioner
	reads   Reads
	fields  map[string]bool
	entries *lru.LRU[entry]
	flight  singleflight.Group
}

type entry struct {
	version string
	json    JSON
}

// New caches up to size answers of the named Query fields, each until a
// table reads names for it changes (reads may be nil: any table).
func New(version Versioner, reads Reads, size int, fields ...string) *Cache {
	c := &Cache{version: version, reads: reads, fields: map[string]bool{}, entries: lru.New[entry](size)}
	for _, f := range fields {
		c.fields[f] = true
	}
	return c
}

// Middleware answers a cached field from the cache while the versions of
// the tables it reads are unchanged, and caches what the resolvers answer
// otherwise.
func (c *Cache) Middleware(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	op := graphql.GetOperationContext(ctx)
	rc := graphql.GetRootFieldContext(ctx)
	if rc == nil || op.Operation == nil || op.Operation.Operation != ast.Query || !c.fields[rc.Field.Name] {
		return next(ctx)
	}
	var tables []string
	if c.reads != nil {
		tables = c.reads(op, rc.Field, rc.Field.ArgumentMap(op.Variables))
	}
	version, err := c.version(ctx, tables...)
	if err != nil {
		return next(ctx) // the resolvers meet the same store and report
	}
	key, ok := cacheKey(op, rc.Field)
	if !ok {
		return next(ctx)
	}
	if e, ok := c.entries.Get(ctx, key); ok && e.version == version {
		return e.json
	}
	// Requests that miss together compute the answer once: a dashboard
	// refresh after a write should not run the same summary fifty times.
	led := false
	res, _, _ := c.flight.Do(key+"\x00"+version, func() (any, error) {
		led = true
		m := next(ctx)
		if m == graphql.Null || len(graphql.GetErrors(ctx)) > 0 {
			// Returned as it is: gqlgen nulls the data for a null
			// non-null field only when it sees its own Null.
			return computed{failed: m}, nil
		}
		var buf bytes.Buffer
		m.MarshalGQL(&buf)
		// Compacted once here, not by json.Marshal of every response
		// that repeats it; and kept at its length, not the buffer's.
		answer := JSON(rawjson.AppendCompact(make([]byte, 0, buf.Len()), buf.Bytes()))
		if len(answer) <= MaxEntryBytes {
			c.entries.Add(ctx, key, entry{version: version, json: answer})
		}
		return computed{json: answer}, nil
	})
	answer := res.(computed)
	switch {
	case answer.failed == nil:
		return answer.json
	case led:
		return answer.failed
	default:
		return next(ctx) // the errors went to the request that computed it
	}
}

type computed struct {
	json   JSON
	failed graphql.Marshaler // what the resolvers gave when they failed
}

// cacheKey names what the answer depends on: the document, the operation
// chosen in it, the field's alias (unique among the root fields) and the
// variables, which arguments, fragments and directives may read.
func cacheKey(op *graphql.OperationContext, f graphql.CollectedField) (string, bool) {
	vars, err := json.Marshal(op.Variables)
	if err != nil {
		return "", false
	}
	var b bytes.Buffer
	for _, part := range []string{op.RawQuery, op.OperationName, f.Alias} {
		b.WriteString(part)
		b.WriteByte(0)
	}
	b.Write(vars)
	return b.String(), true
}

// JSON is an answer as the cache gives it: compacted and escaped as
// encoding/json writes a json.RawMessage (internal/rawjson), so that a
// transport may write it into the response as it is (WriteJSON) rather than
// have it copied into gqlgen's buffer and then by json.Marshal of the
// response: Q4's answer is 1.9 MB.
type JSON []byte

// MarshalGQL writes the answer as gqlgen's graphql.Marshaler does.
func (j JSON) MarshalGQL(w io.Writer) { _, _ = w.Write(j) }

// WriteJSON writes the answer to a streaming transport's writer.
func (j JSON) WriteJSON(w *bufio.Writer) { _, _ = w.Write(j) }
