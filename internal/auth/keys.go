package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/apikey"
	"github.com/aidregistry/registry/ent/organisation"
)

// A key reads "rgk_<prefix>_<secret>". The prefix is stored in clear to find
// the row; the secret only as a SHA-256 hash (it is 160 random bits, so a
// slow password hash would add nothing).
const keyTag = "rgk"

var encoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// ErrInvalidKey is the one answer for a key that is malformed, unknown or
// revoked, so a failure never tells which.
var ErrInvalidKey = errors.New("invalid API key")

// NewKey is a freshly made key: Secret is shown once and never stored.
type NewKey struct {
	ID     int
	Secret string
}

// CreateKey makes a key for the organisation with this acronym (or IATI
// identifier).
func CreateKey(ctx context.Context, client *ent.Client, org string, role Role, label string) (NewKey, error) {
	if role != Editor && role != Admin {
		return NewKey{}, fmt.Errorf("role must be editor or admin, not %q", strings.ToLower(string(role)))
	}
	o, err := client.Organisation.Query().
		Where(organisation.Or(organisation.Acronym(org), organisation.IatiRef(org))).
		Only(ctx)
	if err != nil {
		return NewKey{}, fmt.Errorf("find organisation %q: %w", org, err)
	}
	prefix, err := randomText(6)
	if err != nil {
		return NewKey{}, err
	}
	secret, err := randomText(20)
	if err != nil {
		return NewKey{}, err
	}
	sum := sha256.Sum256([]byte(secret))
	k, err := client.APIKey.Create().
		SetPrefix(prefix).
		SetSecretHash(sum[:]).
		SetRole(apikey.Role(role)).
		SetLabel(label).
		SetOrganisationID(o.ID).
		Save(ctx)
	if err != nil {
		return NewKey{}, fmt.Errorf("store key: %w", err)
	}
	return NewKey{ID: k.ID, Secret: keyTag + "_" + prefix + "_" + secret}, nil
}

// Verify finds the actor for a key, comparing the secret in constant time.
func Verify(ctx context.Context, client *ent.Client, key string) (Actor, error) {
	tag, rest, ok1 := strings.Cut(key, "_")
	prefix, secret, ok2 := strings.Cut(rest, "_")
	if !ok1 || !ok2 || tag != keyTag {
		return Actor{}, ErrInvalidKey
	}
	k, err := client.APIKey.Query().Where(apikey.Prefix(prefix)).Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return Actor{}, fmt.Errorf("look up key: %w", err)
	}
	sum := sha256.Sum256([]byte(secret))
	stored := make([]byte, sha256.Size) // compared even when absent: same work either way
	if k != nil {
		stored = k.SecretHash
	}
	if subtle.ConstantTimeCompare(sum[:], stored) != 1 || k == nil || k.RevokedAt != nil {
		return Actor{}, ErrInvalidKey
	}
	return Actor{KeyID: k.ID, OrganisationID: k.OrganisationID, Role: Role(k.Role)}, nil
}

// KeyInfo describes a key without its secret.
type KeyInfo struct {
	ID           int
	Prefix       string
	Organisation string
	Role         Role
	Label        string
	CreatedAt    time.Time
	RevokedAt    *time.Time
}

// ListKeys describes every key, newest first.
func ListKeys(ctx context.Context, client *ent.Client) ([]KeyInfo, error) {
	keys, err := client.APIKey.Query().WithOrganisation().Order(ent.Desc(apikey.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	out := make([]KeyInfo, len(keys))
	for i, k := range keys {
		org := k.Edges.Organisation.Name
		if a := k.Edges.Organisation.Acronym; a != nil {
			org = *a
		}
		out[i] = KeyInfo{ID: k.ID, Prefix: k.Prefix, Organisation: org, Role: Role(k.Role),
			Label: k.Label, CreatedAt: k.CreatedAt, RevokedAt: k.RevokedAt}
	}
	return out, nil
}

// RevokeKey stops a key from working; revoking twice is harmless.
func RevokeKey(ctx context.Context, client *ent.Client, id int) error {
	k, err := client.APIKey.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("find key %d: %w", id, err)
	}
	if k.RevokedAt != nil {
		return nil
	}
	if err := client.APIKey.UpdateOne(k).SetRevokedAt(time.Now().UTC()).Exec(ctx); err != nil {
		return fmt.Errorf("revoke key %d: %w", id, err)
	}
	return nil
}

func randomText(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random key: %w", err)
	}
	return strings.ToLower(encoding.EncodeToString(b)), nil
}
