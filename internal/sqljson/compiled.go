package sqljson

import (
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// compiledPerServer bounds the compiled selections kept: as many as gqlgen
// keeps parsed documents (internal/server), so a client that sends each
// query once costs a bounded amount of memory.
const compiledPerServer = 1000

// compiledKey names one compilation. What a selection compiles to depends
// on the query document, the operation, the root field (its alias is unique
// in the operation) and the values of the variables that @skip and
// @include read, which can only be Boolean ones; arguments, whose values
// change from request to request, are bind parameters of the statement and
// no part of it (fields with arguments go to the resolvers). typ is the
// record type for node(id:) and nodes(ids:), "" for a connection. The
// strings are the request's own, not copies.
type compiledKey struct {
	query, operation, alias, booleans, typ string
}

// compiled is a connection's shape, or the SQL of a record's JSON for node
// and nodes, or why the path cannot answer the selection (which does not
// change either). plan is the connection's statement when its arguments
// are all written in the query (no variables), so that they, too, are the
// same at every request.
type compiled struct {
	shape  shape
	node   string
	params []graphql.CollectedField // node's nested connections (paged.go)
	err    error
	plan   *plan
	search *searchShape // a search connection's shape (search.go)
}

// plan is a connection's page and the statement that reads it. Requests
// share it: nothing changes it once made but large.
type plan struct {
	req   page
	query string
	args  []any
	// large says the statement's last answer held more than the seats'
	// small: the next takes a seat before it runs (see ticket.first).
	large atomic.Bool
}

// compiledCache keeps compilations across requests, so a repeated query
// spends no time walking its selection and writing its SQL.
type compiledCache struct {
	lru *lru.Cache[compiledKey, compiled]
}

func newCompiledCache() compiledCache {
	c, _ := lru.New[compiledKey, compiled](compiledPerServer) // errors only for a size < 1
	return compiledCache{lru: c}
}

// get gives the compilation of key, made by compile the first time.
// Concurrent first requests may both compile; the results are the same. An
// operation without its text (built in Go, not parsed from a request) is
// compiled every time: nothing would tell two of them apart.
func (c compiledCache) get(key compiledKey, compile func() compiled) compiled {
	if key.query == "" {
		return compile()
	}
	if v, ok := c.lru.Get(key); ok {
		return v
	}
	v := compile()
	c.lru.Add(key, v)
	return v
}

// keep replaces key's compilation with v (the same compilation, with its
// plan added).
func (c compiledCache) keep(key compiledKey, v compiled) {
	if key.query != "" {
		c.lru.Add(key, v)
	}
}

// literal reports whether a field's arguments are all written in the query:
// no variable anywhere in them, so they are the same at every request of
// the same text.
func literal(args ast.ArgumentList) bool {
	for _, a := range args {
		if !constant(a.Value) {
			return false
		}
	}
	return true
}

func constant(v *ast.Value) bool {
	if v == nil {
		return true
	}
	if v.Kind == ast.Variable {
		return false
	}
	for _, ch := range v.Children {
		if !constant(ch.Value) {
			return false
		}
	}
	return true
}

// keyOf names the compilation of field f in op, for record type typ.
func keyOf(op *graphql.OperationContext, f graphql.CollectedField, typ string) compiledKey {
	return compiledKey{query: op.RawQuery, operation: op.OperationName, alias: f.Alias,
		booleans: booleans(op), typ: typ}
}

// booleans writes the values of the operation's Boolean variables, the only
// ones @skip and @include can read, e.g. "a=true,b=null,".
func booleans(op *graphql.OperationContext) string {
	if op.Operation == nil {
		return ""
	}
	var b strings.Builder
	for _, v := range op.Operation.VariableDefinitions {
		if v.Type == nil || v.Type.Name() != "Boolean" || v.Type.Elem != nil {
			continue
		}
		b.WriteString(v.Variable)
		b.WriteByte('=')
		switch x := op.Variables[v.Variable].(type) {
		case bool:
			b.WriteString(strconv.FormatBool(x))
		default:
			b.WriteString("null") // absent or null: the default, if any, is in the document
		}
		b.WriteByte(',')
	}
	return b.String()
}

// nestedLiteral reports whether the nested connections' arguments are all
// written in the query.
func nestedLiteral(params []graphql.CollectedField) bool {
	for _, f := range params {
		if !literal(f.Arguments) {
			return false
		}
	}
	return true
}
