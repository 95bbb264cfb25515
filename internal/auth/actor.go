// Package auth decides who may write what: API keys, the actor a request
// acts as, and the one ent hook that refuses writes outside an actor's
// organisation.
package auth

import "context"

// Role is what a key may do.
type Role string

// Roles of API keys.
const (
	Editor Role = "EDITOR"
	Admin  Role = "ADMIN"
)

// Actor is who a request acts for: a key, its organisation and its role.
type Actor struct {
	KeyID          int
	OrganisationID int
	Role           Role
}

type actorKey struct{}

type systemKey struct{}

// WithActor attaches the actor of a request.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the request's actor, if a valid key was sent.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// AsSystem marks writes made by the registry itself (loading countries and
// demo data, command-line tools run by an operator): they need no key.
func AsSystem(ctx context.Context) context.Context {
	return context.WithValue(ctx, systemKey{}, true)
}

// IsSystem reports whether ctx is the registry's own.
func IsSystem(ctx context.Context) bool {
	v, _ := ctx.Value(systemKey{}).(bool)
	return v
}
