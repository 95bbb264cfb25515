package audit

import (
	"context"
	"encoding/json"
	"time"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/change"
)

// FlushRaw writes one UPDATE Change of record recordID per text, its
// before the text as given, by the Buffer's own ways of writing: one
// statement for one text, COPY (PostgreSQL) for more.
func FlushRaw(ctx context.Context, client *ent.Client, dialectName string, recordID int, befores ...json.RawMessage) error {
	b := &Buffer{dialect: dialectName}
	at := time.Now().UTC().Truncate(time.Microsecond)
	for _, raw := range befores {
		b.pending = append(b.pending, pending{at: at, op: change.OperationUPDATE, recordType: "Test", recordID: recordID, before: raw})
	}
	return b.Flush(ctx, client)
}
