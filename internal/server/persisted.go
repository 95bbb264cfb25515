package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/aidregistry/registry/graph"
	"github.com/aidregistry/registry/internal/apperr"
)

// QueryHash is the key a persisted operation is registered under: the hex
// SHA-256 of its exact text, as clients send it in
// extensions.persistedQuery.sha256Hash.
func QueryHash(query string) string {
	sum := sha256.Sum256([]byte(query))
	return hex.EncodeToString(sum[:])
}

// CheckQuery tells whether a query document parses and is valid against
// the registry's schema.
func CheckQuery(query string) error {
	if _, errs := gqlparser.LoadQuery(graph.NewSchema(nil).Schema(), query); len(errs) > 0 {
		return errs
	}
	return nil
}

// ReadPersistedQueries reads a persisted-query file: one JSON object that
// maps each operation's QueryHash to its text (`registry persisted FILE...`
// writes one). Every key must be its text's hash, and every text a valid
// document.
func ReadPersistedQueries(r io.Reader) (map[string]string, error) {
	var queries map[string]string
	if err := json.NewDecoder(r).Decode(&queries); err != nil {
		return nil, fmt.Errorf("persisted queries: not a JSON object of hash to query text: %w", err)
	}
	hashes := make([]string, 0, len(queries))
	for h := range queries {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	for _, h := range hashes {
		q := queries[h]
		if QueryHash(q) != h {
			return nil, fmt.Errorf("persisted queries: key %s is not the SHA-256 of its query (that is %s)", h, QueryHash(q))
		}
		if err := CheckQuery(q); err != nil {
			return nil, fmt.Errorf("persisted queries: %s: %w", h, err)
		}
	}
	return queries, nil
}

// persisted resolves extensions.persistedQuery: registered operations by
// hash, then, unless only registered operations may run, automatic
// persisted queries (APQ) from a bounded cache.
type persisted struct {
	registered map[string]string
	only       bool
	apq        extension.AutomaticPersistedQuery
}

func persistedQueries(registered map[string]string, only bool, cache graphql.Cache[string]) persisted {
	return persisted{registered: registered, only: only, apq: extension.AutomaticPersistedQuery{Cache: cache}}
}

var _ interface {
	graphql.OperationParameterMutator
	graphql.HandlerExtension
} = persisted{}

func (persisted) ExtensionName() string { return "PersistedQueries" }

func (p persisted) Validate(schema graphql.ExecutableSchema) error { return p.apq.Validate(schema) }

// MutateOperationParameters puts the registered text of a hash into the
// request; in persisted-only mode it refuses whatever is not registered.
func (p persisted) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	hash, gqlErr := requestedHash(raw.Extensions)
	if gqlErr != nil {
		return gqlErr
	}
	if !p.only {
		if text, ok := p.registered[hash]; ok && raw.Query == "" {
			raw.Query = text
		}
		return p.apq.MutateOperationParameters(ctx, raw)
	}
	sentText := raw.Query != ""
	if sentText {
		h := QueryHash(raw.Query)
		if hash != "" && hash != h {
			return refusal(apperr.BadRequest, "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query text")
		}
		hash = h
	}
	if hash == "" {
		return nil // no operation at all: the executor says so
	}
	text, ok := p.registered[hash]
	switch {
	case ok:
		raw.Query = text
		return nil
	case sentText && raw.Extensions["persistedQuery"] != nil:
		return refusal(apperr.PersistedOnly, "this server runs only registered operations (persisted-only mode) and does not register new ones; this query is not registered")
	case sentText:
		return refusal(apperr.PersistedOnly, "this server runs only registered operations (persisted-only mode); this query is not registered: send the sha256Hash of a registered operation")
	}
	return refusal(apperr.PersistedOnly, fmt.Sprintf("no registered operation has the sha256Hash %s; this server runs only registered operations (persisted-only mode)", hash))
}

// requestedHash reads extensions.persistedQuery ("" when absent).
func requestedHash(ext map[string]any) (string, *gqlerror.Error) {
	v, ok := ext["persistedQuery"]
	if !ok || v == nil {
		return "", nil
	}
	pq, ok := v.(map[string]any)
	if !ok {
		return "", refusal(apperr.BadRequest, "extensions.persistedQuery must be an object with version and sha256Hash")
	}
	if version, _ := asNumber(pq["version"]); version != 1 {
		return "", refusal(apperr.BadRequest, "extensions.persistedQuery.version must be 1")
	}
	hash, _ := pq["sha256Hash"].(string)
	if hash == "" {
		return "", refusal(apperr.BadRequest, "extensions.persistedQuery.sha256Hash is missing")
	}
	return hash, nil
}

func asNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(n), 64)
		return f, err == nil
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

func refusal(code apperr.Code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": string(code)}}
}
