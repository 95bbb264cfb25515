package server

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
)

// Bounds on the query text, checked before gqlgen parses and validates it.
// Validation is not linear in the query's size: GraphQL's rule that fields
// of one response name must merge compares the fields of a selection set
// pairwise, so one selection of 20,000 fields (220 KB, well inside the body
// limit) kept a processor busy for 23 seconds. Counting tokens is linear and
// cheap; parsing a text within the token bound is cheap too; only then is
// the document's shape measured, and only a document within every bound
// reaches validation.
type Bounds struct {
	// MaxTokens bounds the lexical tokens of the query text (punctuation,
	// names, values).
	MaxTokens int
	// MaxFieldsPerSelection bounds the fields of one selection set, with
	// the fields of the fragments spread into it (inline or named).
	MaxFieldsPerSelection int
	// MaxRootFields bounds an operation's top-level fields, aliases of one
	// field each counted: each is at least one SQL statement.
	MaxRootFields int
	// MaxFields bounds the fields of the whole document once every
	// fragment is spread where it is used: fragments spreading fragments
	// multiply, and validation and execution see the product.
	MaxFields int
}

// DefaultBounds leave every documented query far inside them.
var DefaultBounds = Bounds{MaxTokens: 10_000, MaxFieldsPerSelection: 100, MaxRootFields: 50, MaxFields: 10_000}

// The limits a COMPLEXITY_LIMIT refusal names in extensions.limit.
const (
	LimitTokens             = "tokens"
	LimitFieldsPerSelection = "fieldsPerSelection"
	LimitRootFields         = "rootFields"
	LimitFields             = "fields"
	LimitCost               = "cost"
)

func (b Bounds) orDefault() Bounds {
	if b.MaxTokens == 0 {
		b.MaxTokens = DefaultBounds.MaxTokens
	}
	if b.MaxFieldsPerSelection == 0 {
		b.MaxFieldsPerSelection = DefaultBounds.MaxFieldsPerSelection
	}
	if b.MaxRootFields == 0 {
		b.MaxRootFields = DefaultBounds.MaxRootFields
	}
	if b.MaxFields == 0 {
		b.MaxFields = DefaultBounds.MaxFields
	}
	return b
}

// queryBounds is the gqlgen extension that applies Bounds to a request's
// query text, after persisted queries have filled it in and before the
// executor parses it. Texts already in the parsed-query cache passed.
type queryBounds struct {
	Bounds
	cache graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = queryBounds{}

func (queryBounds) ExtensionName() string { return "QueryBounds" }

func (queryBounds) Validate(graphql.ExecutableSchema) error { return nil }

func (q queryBounds) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if params.Query == "" {
		return nil
	}
	if q.cache != nil {
		if _, ok := q.cache.Get(ctx, params.Query); ok {
			return nil
		}
	}
	return q.check(params.Query)
}

// check measures a query text against the bounds; a text that does not
// lex or parse is left to the executor, which reports it as usual.
func (q queryBounds) check(query string) *gqlerror.Error {
	b := q.orDefault()
	if b.MaxTokens > 0 {
		if n := countTokens(query); n > b.MaxTokens {
			return boundError(LimitTokens, fmt.Sprintf("the query has %d tokens, %d more than the limit of %d", n, n-b.MaxTokens, b.MaxTokens))
		}
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return nil
	}
	s := shape{doc: doc, flat: map[string]int{}, deep: map[string]int{}, onPath: map[string]bool{}}
	if b.MaxFields > 0 {
		n := 0
		for _, op := range doc.Operations {
			n = min(n+s.expanded(op.SelectionSet), capCount)
		}
		if n >= capCount {
			return boundError(LimitFields, fmt.Sprintf("the query has over %d fields once its fragments are spread, far more than the limit of %d", capCount, b.MaxFields))
		}
		if n > b.MaxFields {
			return boundError(LimitFields, fmt.Sprintf("the query has %d fields once its fragments are spread, %d more than the limit of %d", n, n-b.MaxFields, b.MaxFields))
		}
	}
	for _, op := range doc.Operations {
		if n := s.fields(op.SelectionSet); b.MaxRootFields > 0 && n > b.MaxRootFields {
			return boundError(LimitRootFields, fmt.Sprintf("the operation has %d root fields (aliases included), %d more than the limit of %d; split it into several requests", n, n-b.MaxRootFields, b.MaxRootFields))
		}
	}
	if b.MaxFieldsPerSelection > 0 {
		if n := s.widest(doc); n > b.MaxFieldsPerSelection {
			return boundError(LimitFieldsPerSelection, fmt.Sprintf("a selection set of the query has %d fields (fragments counted where spread), %d more than the limit of %d", n, n-b.MaxFieldsPerSelection, b.MaxFieldsPerSelection))
		}
	}
	return nil
}

func boundError(limit, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": "COMPLEXITY_LIMIT", "limit": limit}}
}

// countTokens counts the lexical tokens of query, stopping at the first
// lexical error (the parser reports it).
func countTokens(query string) int {
	lex := lexer.New(&ast.Source{Input: query})
	n := 0
	for {
		tok, err := lex.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return n
		}
		n++
	}
}

// shape measures selection sets with named fragments expanded where they
// are spread. A fragment's own count is computed once (flat), so fragments
// spreading fragments cannot make the measuring itself exponential, and a
// fragment that spreads itself (invalid; validation reports it) counts as
// empty on the second visit.
type shape struct {
	doc    *ast.QueryDocument
	flat   map[string]int // a fragment's fields at its own level
	deep   map[string]int // a fragment's fields at every level
	onPath map[string]bool
}

// expanded is the number of fields in set and below it, each fragment
// counted wherever it is spread.
func (s *shape) expanded(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			n += 1 + s.expanded(x.SelectionSet)
		case *ast.InlineFragment:
			n += s.expanded(x.SelectionSet)
		case *ast.FragmentSpread:
			if c, ok := s.deep[x.Name]; ok {
				n += c
				break
			}
			def := s.doc.Fragments.ForName(x.Name)
			if def == nil || s.onPath[x.Name] {
				break
			}
			s.onPath[x.Name] = true
			c := s.expanded(def.SelectionSet)
			delete(s.onPath, x.Name)
			s.deep[x.Name] = c
			n += c
		}
		n = min(n, capCount)
	}
	return n
}

// capCount keeps counts from overflowing; anything above it is refused.
const capCount = 1 << 30

// fields is the number of fields set holds once its fragments are spread.
func (s *shape) fields(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			n++
		case *ast.InlineFragment:
			n += s.fields(x.SelectionSet)
		case *ast.FragmentSpread:
			n += s.fragment(x.Name)
		}
		if n > capCount {
			return capCount
		}
	}
	return n
}

func (s *shape) fragment(name string) int {
	if n, ok := s.flat[name]; ok {
		return n
	}
	def := s.doc.Fragments.ForName(name)
	if def == nil || s.onPath[name] {
		return 0
	}
	s.onPath[name] = true
	n := s.fields(def.SelectionSet)
	delete(s.onPath, name)
	s.flat[name] = n
	return n
}

// widest is the largest field count of any selection set in doc: every
// operation's and fragment's, and every field's below them.
func (s *shape) widest(doc *ast.QueryDocument) int {
	most := 0
	var walk func(set ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		most = max(most, s.fields(set))
		for _, sel := range set {
			switch x := sel.(type) {
			case *ast.Field:
				if len(x.SelectionSet) > 0 {
					walk(x.SelectionSet)
				}
			case *ast.InlineFragment:
				walk(x.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		walk(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		walk(f.SelectionSet)
	}
	return most
}
