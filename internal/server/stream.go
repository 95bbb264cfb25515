package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/aidregistry/registry/internal/rawjson"
)

// A root field answered as JSON from the database can be megabytes. Left
// to gqlgen and encoding/json, it is copied into the executor's buffer, then
// checked, compacted and copied twice more by json.Marshal of the response.
// The JSON transport instead has gqlgen write a placeholder for it, and
// writes the field itself, straight into the HTTP response, when it writes
// the rest: the same bytes, with the field held once.

// rawField is a root field's JSON, compacted and escaped as encoding/json
// writes a json.RawMessage (internal/rawjson), that can write itself.
type rawField interface {
	graphql.Marshaler
	WriteJSON(w *bufio.Writer)
}

// rawFields are the fields one request's response leaves to the transport,
// in the order gqlgen placed them.
type rawFields struct {
	mu    sync.Mutex
	parts []rawField
}

type rawFieldsKey struct{}

// withRawFields marks a request whose transport streams raw fields.
func withRawFields(ctx context.Context, rf *rawFields) context.Context {
	return context.WithValue(ctx, rawFieldsKey{}, rf)
}

// placeholderMark opens and closes a placeholder. A raw NUL byte cannot
// appear in JSON (strings escape it), so nothing gqlgen writes is taken
// for one.
const placeholderMark = 0

// streamed is a root field's marshaler: the field itself where the
// transport cannot stream (multipart, or a test calling the executor), a
// placeholder where it can. The placeholder is written, and the field
// counted in, only when gqlgen writes the response: a field it leaves out
// (data null after an error) is not written.
func streamed(ctx context.Context, m rawField) graphql.Marshaler {
	rf, _ := ctx.Value(rawFieldsKey{}).(*rawFields)
	if rf == nil {
		return m
	}
	return graphql.WriterFunc(func(w io.Writer) {
		rf.mu.Lock()
		i := len(rf.parts)
		rf.parts = append(rf.parts, m)
		rf.mu.Unlock()
		_, _ = w.Write(strconv.AppendInt([]byte{placeholderMark}, int64(i), 10))
		_, _ = w.Write([]byte{placeholderMark})
	})
}

// streamRaw leaves to the transport a root field answered as JSON that can
// write itself (a cached summary, internal/readcache), as sqlJSON does its
// own answers.
func streamRaw(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	m := next(ctx)
	if f, ok := m.(rawField); ok {
		return streamed(ctx, f)
	}
	return m
}

func (rf *rawFields) taken() []rawField {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	return rf.parts
}

// piece is a stretch of gqlgen's data, then the raw field that follows it
// (-1 after the last stretch).
type piece struct {
	text []byte
	part int
}

var errPlaceholder = errors.New("a malformed placeholder in the response data")

// cut splits data at its placeholders and checks that the whole, with each
// field in place, is valid JSON, as json.Marshal checked it before: the
// fields themselves are the database's, valid by construction, and stand
// in as 0 here.
func cut(data []byte, parts int) ([]piece, error) {
	var pieces []piece
	check := make([]byte, 0, len(data))
	seen := make([]bool, parts)
	for {
		at := bytes.IndexByte(data, placeholderMark)
		if at < 0 {
			pieces = append(pieces, piece{text: data, part: -1})
			check = append(check, data...)
			break
		}
		end := bytes.IndexByte(data[at+1:], placeholderMark)
		if end < 0 {
			return nil, errPlaceholder
		}
		i, err := strconv.Atoi(string(data[at+1 : at+1+end]))
		if err != nil || i < 0 || i >= parts || seen[i] {
			return nil, errPlaceholder
		}
		seen[i] = true
		pieces = append(pieces, piece{text: data[:at], part: i})
		check = append(append(check, data[:at]...), '0')
		data = data[at+1+end+1:]
	}
	if !json.Valid(check) {
		return nil, errPlaceholder
	}
	return pieces, nil
}

// envelope is json.Marshal of the response cut around its data: what comes
// before it (the opening brace and any errors) and after it (the members
// that follow, and the closing brace).
func envelope(resp *graphql.Response) (head, tail []byte, err error) {
	if len(resp.Errors) == 0 && resp.Label == "" && len(resp.Path) == 0 && resp.HasNext == nil && len(resp.Extensions) == 0 {
		return plainHead, plainTail, nil // what the marshalling below gives for nothing around data
	}
	head, err = json.Marshal(struct {
		Errors gqlerror.List `json:"errors,omitempty"`
	}{resp.Errors})
	if err != nil {
		return nil, nil, err
	}
	tail, err = json.Marshal(struct {
		Label      string         `json:"label,omitempty"`
		Path       ast.Path       `json:"path,omitempty"`
		HasNext    *bool          `json:"hasNext,omitempty"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}{resp.Label, resp.Path, resp.HasNext, resp.Extensions})
	if err != nil {
		return nil, nil, err
	}
	head = head[:len(head)-1] // "{" or `{"errors":[...]`
	if len(head) > 1 {
		head = append(head, ',')
	}
	head = append(head, `"data":`...)
	if len(tail) > 2 {
		tail[0] = ','
	} else {
		tail = tail[1:] // "}"
	}
	return head, tail, nil
}

// The envelope of a response that is data alone. Shared: never written to.
var (
	plainHead = []byte(`{"data":`)
	plainTail = []byte(`}`)
)

// responseWriters are reused: one per response in flight, not per answer.
var responseWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 32<<10) }}

// writeStreamed writes an executed operation's response whose data leaves
// raw fields to the transport; the bytes are those writeResponse would
// write for the response with the fields in place.
func writeStreamed(w http.ResponseWriter, status int, resp *graphql.Response, parts []rawField) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", RetryAfterSeconds)
	}
	pieces, err := cut(resp.Data, len(parts))
	if err != nil {
		internalError(w)
		return
	}
	head, tail, err := envelope(resp)
	if err != nil {
		internalError(w)
		return
	}
	out := &headedWriter{w: w, status: status}
	bw := responseWriters.Get().(*bufio.Writer)
	bw.Reset(out)
	defer func() {
		bw.Reset(nil)
		responseWriters.Put(bw)
	}()
	_, _ = bw.Write(head)
	for _, p := range pieces {
		_, _ = bw.Write(rawjson.AppendCompact(bw.AvailableBuffer(), p.text))
		if p.part >= 0 {
			parts[p.part].WriteJSON(bw)
		}
	}
	_, _ = bw.Write(tail)
	if !out.headed {
		// The whole answer is in the buffer: say its length, so that it
		// goes without chunked encoding.
		w.Header().Set("Content-Length", strconv.Itoa(bw.Buffered()))
		out.head()
	}
	_ = bw.Flush() // a client gone away: nothing more to tell it
}

// headedWriter writes the status line and headers before its first bytes:
// an answer larger than the response buffer goes out as it is written
// (chunked), one that fits is given its length first.
type headedWriter struct {
	w      http.ResponseWriter
	status int
	headed bool
}

func (h *headedWriter) head() {
	h.headed = true
	h.w.WriteHeader(h.status)
}

func (h *headedWriter) Write(b []byte) (int, error) {
	if !h.headed {
		h.head()
	}
	return h.w.Write(b)
}
