// Package migrations holds the registry's versioned schema migrations: one
// Atlas migration directory per dialect (sqlite/, postgres/), each with its
// atlas.sum, embedded into the binary. The files are written by
// `registry migrate diff NAME` (see DEVELOPERS.md, "Schema migrations") and
// applied by internal/store; this file is not generated.
package migrations

import "embed"

// FS holds sqlite/ and postgres/.
//
//go:embed sqlite postgres
var FS embed.FS
