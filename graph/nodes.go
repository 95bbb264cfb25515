package graph

import (
	"context"
	"strings"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/gid"
	"github.com/aidregistry/registry/internal/identity"
)

// resolveNode finds any record by id, answering NOT_FOUND with the id the
// client sent rather than ent's internal integer.
func resolveNode(ctx context.Context, client *ent.Client, id int) (ent.Noder, error) {
	n, err := client.Noder(ctx, id)
	if err != nil && ent.IsNotFound(err) {
		return nil, apperr.Errorf(apperr.NotFound, "no record has the id %q", gid.Encode(id))
	}
	if err != nil {
		return nil, err
	}
	return survivor(ctx, client, n)
}

// survivor answers for an organisation merged into another with the one
// it went into (identity.Merge); any other record is itself.
func survivor(ctx context.Context, client *ent.Client, n ent.Noder) (ent.Noder, error) {
	o, ok := n.(*ent.Organisation)
	if !ok {
		return n, nil
	}
	// The node was read with only the fields the query selects: ask.
	merged, err := client.Organisation.Query().Where(organisation.ID(o.ID), organisation.MergedIntoIDNotNil()).Exist(ctx)
	if err != nil || !merged {
		return n, err
	}
	s, err := identity.Survivor(ctx, client, o.ID)
	if err != nil && ent.IsNotFound(err) {
		return nil, apperr.Errorf(apperr.NotFound, "the organisation %q was merged into one that no longer exists", gid.Encode(o.ID))
	}
	return s, err
}

// resolveNodes finds records by id in one query per type; missing ones come
// back as null, with one NOT_FOUND error naming them.
func resolveNodes(ctx context.Context, client *ent.Client, ids []int) ([]ent.Noder, error) {
	nodes, err := client.Noders(ctx, ids)
	if err != nil && !ent.IsNotFound(err) {
		return nil, err
	}
	if len(nodes) != len(ids) { // a single missing id comes back as no slice
		nodes = make([]ent.Noder, len(ids))
	}
	var missing []string
	for i, n := range nodes {
		if n == nil {
			missing = append(missing, gid.Encode(ids[i]))
			continue
		}
		s, err := survivor(ctx, client, n)
		if err != nil {
			return nil, err
		}
		nodes[i] = s
	}
	if len(missing) > 0 {
		return nodes, apperr.Errorf(apperr.NotFound, "no record has the id(s) %s", strings.Join(missing, ", "))
	}
	return nodes, nil
}
