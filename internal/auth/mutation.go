package auth

import (
	"context"
	"fmt"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/agreementparty"
	"github.com/aidregistry/registry/ent/contact"
	"github.com/aidregistry/registry/ent/predicate"
	"github.com/aidregistry/registry/ent/presence"
)

// clientOf returns the client a mutation runs in (the transaction's).
func clientOf(m ent.Mutation) *ent.Client {
	return m.(interface{ Client() *ent.Client }).Client()
}

// targetIDs lists the existing records an update or delete touches.
func targetIDs(ctx context.Context, m ent.Mutation) ([]int, error) {
	if m.Op().Is(ent.OpCreate) {
		return nil, nil
	}
	withIDs, ok := m.(interface {
		IDs(context.Context) ([]int, error)
	})
	if !ok {
		return nil, fmt.Errorf("mutation of %s has no ids", m.Type())
	}
	ids, err := withIDs.IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("records touched by %s mutation: %w", m.Type(), err)
	}
	return ids, nil
}

func presenceID(id int) predicate.Presence { return presence.ID(id) }

func contactID(id int) predicate.Contact { return contact.ID(id) }

func partyID(id int) predicate.AgreementParty { return agreementparty.ID(id) }
