package server

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/rawjson"
)

// fakeField is a raw field as the SQL JSON path holds one: compacted.
type fakeField []byte

func (f fakeField) MarshalGQL(w io.Writer)    { _, _ = w.Write(f) }
func (f fakeField) WriteJSON(w *bufio.Writer) { _, _ = w.Write(f) }

// TestWriteStreamedWritesWhatWriteResponseWrites builds responses the way
// gqlgen does, once with placeholders for the raw fields and once with the
// fields in place, and requires writeStreamed to write for the first what
// writeResponse writes for the second: status, headers and body.
func TestWriteStreamedWritesWhatWriteResponseWrites(t *testing.T) {
	field := func(s string) fakeField { return rawjson.AppendCompact(nil, []byte(s)) }
	a := field(`{"edges" : [{"node" : {"title" : "R&D <x>"}}]}`)
	b := field(`{"totalCount" : 3}`)
	yes := true
	cases := []struct {
		name   string
		fields []rawField
		// data is gqlgen's data, each %d a root field written by its
		// marshaler.
		data   func(m []graphql.Marshaler, w io.Writer)
		resp   graphql.Response
		status int
	}{
		{name: "one field", fields: []rawField{a}, status: http.StatusOK,
			data: func(m []graphql.Marshaler, w io.Writer) { obj(w, "programmes", m[0]) }},
		{name: "fields among others, with spaces and escapes of gqlgen's own", fields: []rawField{a, b}, status: http.StatusOK,
			data: func(m []graphql.Marshaler, w io.Writer) {
				_, _ = io.WriteString(w, `{"__typename" : "Query","x":`)
				m[1].MarshalGQL(w)
				_, _ = io.WriteString(w, `,"t":"a&b\u2028","y":`)
				m[0].MarshalGQL(w)
				_, _ = io.WriteString(w, `}`)
			}},
		{name: "errors, extensions and the members after data", fields: []rawField{b}, status: http.StatusOK,
			data: func(m []graphql.Marshaler, w io.Writer) { obj(w, "n", m[0]) },
			resp: graphql.Response{Errors: gqlerror.List{{Message: "<bad> & worse", Path: ast.Path{ast.PathName("x")}}},
				Label: "l", HasNext: &yes, Extensions: map[string]any{"z": 1, "a": "<"}}},
		{name: "unavailable", fields: []rawField{b}, status: http.StatusServiceUnavailable,
			data: func(m []graphql.Marshaler, w io.Writer) { obj(w, "n", m[0]) },
			resp: graphql.Response{Errors: gqlerror.List{{Message: "down", Extensions: map[string]any{"code": string(apperr.Unavailable)}}}}},
		{name: "a field larger than the response buffer", fields: []rawField{field(`{"t" : "` + strings.Repeat("<x> ", 20<<10) + `"}`)}, status: http.StatusOK,
			data: func(m []graphql.Marshaler, w io.Writer) { obj(w, "big", m[0]) }},
		{name: "data that is not JSON is an internal error", fields: []rawField{b}, status: http.StatusOK,
			data: func(m []graphql.Marshaler, w io.Writer) { obj(w, "n", m[0]); _, _ = io.WriteString(w, "}") }},
		{name: "a stray mark is an internal error", fields: []rawField{b}, status: http.StatusOK,
			data: func(m []graphql.Marshaler, w io.Writer) { obj(w, "n\x00", m[0]) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rf := &rawFields{}
			ctx := withRawFields(context.Background(), rf)
			var deferred, inline []graphql.Marshaler
			for _, f := range tc.fields {
				deferred = append(deferred, streamed(ctx, f))
				inline = append(inline, streamed(context.Background(), f))
			}
			streamedResp, wantResp := tc.resp, tc.resp
			var buf bytes.Buffer
			tc.data(deferred, &buf)
			streamedResp.Data = buf.Bytes()
			buf = bytes.Buffer{}
			tc.data(inline, &buf)
			wantResp.Data = buf.Bytes()

			got, want := httptest.NewRecorder(), httptest.NewRecorder()
			writeStreamed(got, tc.status, &streamedResp, rf.taken())
			writeResponse(want, tc.status, &wantResp, true)
			if got.Code != want.Code || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
				t.Errorf("writeStreamed: %d %s\nwriteResponse: %d %s", got.Code, got.Body.Bytes(), want.Code, want.Body.Bytes())
			}
			if g, w := got.Header().Get("Retry-After"), want.Header().Get("Retry-After"); g != w {
				t.Errorf("Retry-After %q, want %q", g, w)
			}
			// An answer that fits the response buffer says its length; a
			// larger one goes out as it is written.
			length := got.Header().Get("Content-Length")
			switch n := got.Body.Len(); {
			case got.Code == http.StatusInternalServerError:
			case n <= 32<<10 && length != strconv.Itoa(n):
				t.Errorf("Content-Length %q for %d bytes", length, n)
			case n > 32<<10 && length != "":
				t.Errorf("Content-Length %q for %d bytes written as they came", length, n)
			}
		})
	}
}

// obj writes {"name":field} as gqlgen writes a one-field object.
func obj(w io.Writer, name string, field graphql.Marshaler) {
	_, _ = io.WriteString(w, `{"`+name+`":`)
	field.MarshalGQL(w)
	_, _ = io.WriteString(w, `}`)
}
