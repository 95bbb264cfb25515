package auth

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/apperr"
)

// Middleware reads "Authorization: Bearer KEY" and attaches the actor.
// A key that is sent but not valid is refused outright; with private set,
// so is a request without a key.
func Middleware(client *ent.Client, private bool, logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			header := r.Header.Get("Authorization")
			if header == "" {
				if private {
					apperr.WriteHTTP(w, http.StatusUnauthorized, apperr.Unauthenticated, "this registry needs an API key (Authorization: Bearer KEY)")
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			key, ok := strings.CutPrefix(header, "Bearer ")
			if !ok {
				apperr.WriteHTTP(w, http.StatusUnauthorized, apperr.Unauthenticated, "send the API key as Authorization: Bearer KEY")
				return
			}
			actor, err := Verify(r.Context(), client, strings.TrimSpace(key))
			switch {
			case errors.Is(err, ErrInvalidKey):
				apperr.WriteHTTP(w, http.StatusUnauthorized, apperr.Unauthenticated, ErrInvalidKey.Error())
				return
			case err != nil:
				// The key's record could not be read: the store is
				// unreachable, which the client should retry.
				logger.WarnContext(r.Context(), "verify API key", "err", err)
				apperr.WriteHTTP(w, http.StatusServiceUnavailable, apperr.Unavailable, "cannot check the API key now: the database could not be reached; retry later")
				return
			}
			next.ServeHTTP(w, r.WithContext(WithActor(r.Context(), actor)))
		})
	}
}
