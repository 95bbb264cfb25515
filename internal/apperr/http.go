package apperr

import (
	"encoding/json"
	"net/http"
)

// WriteHTTP answers a request that never reached GraphQL execution (a body
// that is not JSON, a bad key) in GraphQL's error shape, with a code and,
// as the GraphQL-over-HTTP specification asks of a request error, no data
// entry. A 503 also says when to retry.
func WriteHTTP(w http.ResponseWriter, status int, code Code, message string) {
	w.Header().Set("Content-Type", "application/json")
	if status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "5")
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": message, "extensions": map[string]any{"code": string(code)}}},
	})
}
