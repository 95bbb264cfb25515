package sqljson

import (
	"bufio"
	"bytes"
	"io"
	"sync"

	"github.com/aidregistry/registry/internal/rawjson"
)

// JSON is a root field's answer, held as the rows' JSON and written out
// only where it goes: into gqlgen's response (MarshalGQL), or, by a
// transport that streams, straight into the HTTP response (WriteJSON). A
// page of large records is then held once, not once per buffer on the way.
type JSON struct {
	write   func(writer)
	written func() // after the answer is written, if set
}

// writer is what the answer is written to: a *bytes.Buffer (gqlgen's) or a
// *bufio.Writer (a streaming transport's). Their errors are theirs to keep:
// a buffer has none, a bufio.Writer keeps the first until it is flushed.
type writer interface {
	io.Writer
	io.ByteWriter
	io.StringWriter
}

// MarshalGQL writes the answer as gqlgen's graphql.Marshaler does.
func (j JSON) MarshalGQL(w io.Writer) {
	defer j.done()
	if bw, ok := w.(writer); ok {
		j.write(bw)
		return
	}
	bw := bufio.NewWriter(w)
	j.write(bw)
	_ = bw.Flush() // MarshalGQL has no way to report it; w keeps it, if it keeps errors
}

// WriteJSON writes the answer to a streaming transport's writer, whose
// Flush reports any error.
func (j JSON) WriteJSON(w *bufio.Writer) {
	defer j.done()
	j.write(w)
}

func (j JSON) done() {
	if j.written != nil {
		j.written()
	}
}

// compact copies a row's JSON out of the driver's buffer, which the next
// row reuses, as encoding/json would write it: PostgreSQL puts spaces
// between tokens, and encoding/json escapes <, > and &. The copy is one the
// row needs anyway; compacting here spares the response a second pass.
// SQL NULL stays nil.
func compact(raw []byte) []byte {
	if raw == nil {
		return nil
	}
	// Compacted into a reused buffer, then copied to size: the copy is what
	// a page of large records keeps until it is written, and PostgreSQL's
	// spaces are a tenth of it.
	buf := scratch.Get().(*[]byte)
	*buf = rawjson.AppendCompact((*buf)[:0], raw)
	kept := bytes.Clone(*buf)
	scratch.Put(buf)
	return kept
}

// scratch holds the buffers compact writes into before copying.
var scratch = sync.Pool{New: func() any { return new([]byte) }}
