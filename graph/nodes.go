package graph

import (
	"context"
	"strings"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/gid"
)

// resolveNode finds any record by id, answering NOT_FOUND with the id the
// client sent rather than ent's internal integer.
func resolveNode(ctx context.Context, client *ent.Client, id int) (ent.Noder, error) {
	n, err := client.Noder(ctx, id)
	if err != nil && ent.IsNotFound(err) {
		return nil, apperr.Errorf(apperr.NotFound, "no record has the id %q", gid.Encode(id))
	}
	return n, err
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
		}
	}
	if len(missing) > 0 {
		return nodes, apperr.Errorf(apperr.NotFound, "no record has the id(s) %s", strings.Join(missing, ", "))
	}
	return nodes, nil
}
