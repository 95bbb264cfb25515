package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/aidregistry/registry/internal/apperr"
)

// The response media types of the GraphQL-over-HTTP specification.
const (
	mediaJSON         = "application/json"
	mediaGraphQLReply = "application/graphql-response+json"
)

// RetryAfterSeconds is what a 503 UNAVAILABLE answer asks a client to wait.
const RetryAfterSeconds = "5"

// overHTTP is the GET and POST (application/json) transport, written to the
// GraphQL-over-HTTP specification:
//
//   - a request that is not a well-formed GraphQL-over-HTTP request (a body
//     or variables that are not JSON, parameters of the wrong type, no
//     query) is a 400 BAD_REQUEST;
//   - a well-formed request the server refuses before executing it (parse,
//     validation, variable coercion, the query limits) is a 200 when the
//     client accepts application/json, a 400 when it accepts
//     application/graphql-response+json, and never has a data entry;
//   - a mutation over GET is a 405 that allows POST;
//   - an answer whose errors say the store could not be reached is a 503
//     with Retry-After, in either media type.
//
// Persisted-query refusals (PERSISTED_QUERY_*) stay 200 in either media
// type: clients that register queries on demand look for them there.
type overHTTP struct {
	// known holds the parameters of bodies seen before; nil keeps none.
	known *knownBodies
}

var _ graphql.Transport = overHTTP{}

func (overHTTP) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	if r.Method == http.MethodGet {
		return true
	}
	return r.Method == http.MethodPost && mediaType(r.Header.Get("Content-Type")) == mediaJSON
}

// params is a request's GraphQL parameters as JSON.
type params struct {
	Query         *string        `json:"query"`
	OperationName *string        `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"`
}

func (t overHTTP) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media := responseMedia(r.Header.Get("Accept"))
	w.Header().Set("Content-Type", media)
	start := graphql.Now()
	var p params
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		if v, ok := q["query"]; ok {
			p.Query = &v[0]
		}
		if v, ok := q["operationName"]; ok && v[0] != "" {
			p.OperationName = &v[0]
		}
		for name, into := range map[string]*map[string]any{"variables": &p.Variables, "extensions": &p.Extensions} {
			if raw := q.Get(name); raw != "" {
				if err := decodeJSON([]byte(raw), into); err != nil {
					badRequest(w, "the "+name+" parameter must be a JSON object")
					return
				}
			}
		}
	default:
		body, err := postedBody(r)
		if err != nil {
			badRequest(w, "request body could not be read")
			return
		}
		if err := t.known.decode(body, &p); err != nil {
			if !json.Valid(body) { // requireJSON left this check to the decoding
				badJSON(w)
				return
			}
			badRequest(w, "request body is not a GraphQL request: "+jsonProblem(err))
			return
		}
	}
	if p.Query == nil && !hasPersistedQuery(p.Extensions) {
		badRequest(w, "the request has no query parameter")
		return
	}
	raw := &graphql.RawParams{Variables: p.Variables, Extensions: p.Extensions, Headers: r.Header}
	if p.Query != nil {
		raw.Query = *p.Query
	}
	if p.OperationName != nil {
		raw.OperationName = *p.OperationName
	}
	raw.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	ctx := r.Context()
	oc, errs := exec.CreateOperationContext(ctx, raw)
	if errs != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs)
		writeResponse(w, refusedStatus(media, resp.Errors), resp, false)
		return
	}
	if r.Method == http.MethodGet && oc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", http.MethodPost)
		apperr.WriteHTTP(w, http.StatusMethodNotAllowed, apperr.BadRequest, "only queries may be sent with GET; send a "+string(oc.Operation.Operation)+" with POST")
		return
	}
	raws := &rawFields{}
	responses, ctx := exec.DispatchOperation(withRawFields(ctx, raws), oc)
	resp := responses(ctx)
	if parts := raws.taken(); resp != nil && len(parts) > 0 {
		writeStreamed(w, executedStatus(resp), resp, parts)
		return
	}
	writeResponse(w, executedStatus(resp), resp, true)
}

// responseMedia picks the answer's media type from Accept: the first of
// the specification's two the client names; application/json for none, for
// a wildcard or for anything else (legacy clients).
func responseMedia(accept string) string {
	for part := range strings.SplitSeq(accept, ",") {
		switch mediaType(strings.TrimSpace(part)) {
		case mediaJSON:
			return mediaJSON
		case mediaGraphQLReply:
			return mediaGraphQLReply
		}
	}
	return mediaJSON
}

// refusedStatus is the status of a request refused before execution.
func refusedStatus(media string, errs gqlerror.List) int {
	if hasCode(errs, apperr.Unavailable) {
		return http.StatusServiceUnavailable
	}
	for _, e := range errs {
		if c, _ := e.Extensions["code"].(string); strings.HasPrefix(c, "PERSISTED_QUERY_") {
			return http.StatusOK
		}
	}
	if media == mediaGraphQLReply {
		return http.StatusBadRequest
	}
	return http.StatusOK
}

// executedStatus is the status of an executed operation: 200, unless the
// store could not be reached.
func executedStatus(resp *graphql.Response) int {
	if resp != nil && hasCode(resp.Errors, apperr.Unavailable) {
		return http.StatusServiceUnavailable
	}
	return http.StatusOK
}

func hasCode(errs gqlerror.List, code apperr.Code) bool {
	for _, e := range errs {
		if c, _ := e.Extensions["code"].(string); c == string(code) {
			return true
		}
	}
	return false
}

// writeResponse writes a GraphQL response; withData says whether it has a
// data entry (an executed operation) or not (a request error).
func writeResponse(w http.ResponseWriter, status int, resp *graphql.Response, withData bool) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", RetryAfterSeconds)
	}
	var body []byte
	var err error
	if withData {
		body, err = json.Marshal(resp)
	} else {
		body, err = json.Marshal(struct {
			Errors     gqlerror.List  `json:"errors"`
			Extensions map[string]any `json:"extensions,omitempty"`
		}{resp.Errors, resp.Extensions})
	}
	if err != nil {
		internalError(w)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// internalError answers a response that could not be encoded.
func internalError(w http.ResponseWriter) {
	apperr.WriteHTTP(w, http.StatusInternalServerError, apperr.Internal, "internal error")
}

func badRequest(w http.ResponseWriter, msg string) {
	apperr.WriteHTTP(w, http.StatusBadRequest, apperr.BadRequest, msg)
}

// postedBody is a POST request's body: the bytes requireJSON read, or
// read here when the transport is served without it.
func postedBody(r *http.Request) ([]byte, error) {
	if b, ok := r.Body.(checkedBody); ok {
		return b.data, nil
	}
	var body bytes.Buffer
	_, err := body.ReadFrom(r.Body)
	return body.Bytes(), err
}

// decodeParams decodes a request body as decodeJSON does, without the
// decoder's copy of the body: variables and extensions, the only members
// that hold numbers, are decoded with numbers kept exact by their own
// types. A body the quick way refuses (not an object, a member of the wrong
// type, a second value) is decoded again by decodeJSON, so that its error
// says what decodeJSON's says.
func decodeParams(b []byte, p *params) error {
	var quick struct {
		Query         *string   `json:"query"`
		OperationName *string   `json:"operationName"`
		Variables     exactJSON `json:"variables"`
		Extensions    exactJSON `json:"extensions"`
	}
	if json.Unmarshal(b, &quick) == nil {
		*p = params{Query: quick.Query, OperationName: quick.OperationName, Variables: quick.Variables, Extensions: quick.Extensions}
		return nil
	}
	*p = params{}
	return decodeJSON(b, p)
}

// knownBodies keeps the parameters decoded from recent request bodies that
// hold a query and an operation name only (no variables, no extensions),
// by the body's bytes: a client that sends the same request again (a
// dashboard's or a benchmark's fixed query) skips the decoding, which
// checks and unescapes the whole query text and was a twentieth of the
// server's time for a small query. What is kept cannot change under a
// request: strings only.
type knownBodies struct {
	params *kept[string, params]
}

// Bounds of knownBodies: a body is kept only when it is small, and the set
// is emptied when full (repeats refill it at once).
const (
	knownBodyBytes = 16 << 10
	knownBodyCount = 256
)

func newKnownBodies() *knownBodies {
	return &knownBodies{params: newKept[string, params](knownBodyCount)}
}

// decode decodes a body as decodeParams does, from what was kept when the
// same bytes were decoded before.
func (k *knownBodies) decode(b []byte, p *params) error {
	if k == nil || len(b) > knownBodyBytes {
		return decodeParams(b, p)
	}
	if known, ok := k.params.get(string(b)); ok {
		*p = known
		return nil
	}
	if err := decodeParams(b, p); err != nil {
		return err
	}
	if p.Variables == nil && p.Extensions == nil {
		k.params.put(string(b), *p)
	}
	return nil
}

// exactJSON is a JSON object decoded with its numbers kept exact
// (json.Number), as decodeJSON decodes them.
type exactJSON map[string]any

func (m *exactJSON) UnmarshalJSON(b []byte) error {
	return decodeJSON(b, (*map[string]any)(m))
}

// decodeJSON reads exactly one JSON value, numbers kept exact.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errTrailing
	}
	return nil
}

var errTrailing = jsonError("more than one JSON value")

type jsonError string

func (e jsonError) Error() string { return string(e) }

// jsonProblem says what is wrong with a body without echoing it.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return te.Field + " has the wrong type (" + te.Value + ")"
	}
	if _, ok := err.(jsonError); ok {
		return err.Error()
	}
	return "it is not a JSON object"
}

func hasPersistedQuery(ext map[string]any) bool {
	_, ok := ext["persistedQuery"]
	return ok
}

// codedMultipart is gqlgen's multipart transport (file uploads) with its
// refusals coded: a malformed upload is a 400 BAD_REQUEST (413 when too
// large), a refusal before execution a 200 as on the JSON transport.
type codedMultipart struct{ transport.MultipartForm }

// maxUploadSize is the multipart transport's own bound (32 MiB unless set).
func (m codedMultipart) maxUploadSize() int64 {
	if m.MaxUploadSize > 0 {
		return m.MaxUploadSize
	}
	return 32 << 20
}

func (m codedMultipart) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if limit := m.maxUploadSize(); r.ContentLength > limit {
		apperr.WriteHTTP(w, http.StatusRequestEntityTooLarge, apperr.BadRequest, fmt.Sprintf("the upload is larger than the limit of %d bytes", limit))
		return
	}
	rec := &heldResponse{ResponseWriter: w}
	m.MultipartForm.Do(rec, r, exec)
	rec.finish()
}

// heldResponse holds back an error answer (a 4xx) so that it can be
// rewritten with a code; other answers pass straight through.
type heldResponse struct {
	http.ResponseWriter
	status int
	held   bool
	body   bytes.Buffer
}

func (h *heldResponse) WriteHeader(status int) {
	if h.status != 0 {
		return
	}
	h.status = status
	if status >= 400 && status < 500 {
		h.held = true
		return
	}
	h.ResponseWriter.WriteHeader(status)
}

func (h *heldResponse) Write(b []byte) (int, error) {
	if h.status == 0 {
		h.WriteHeader(http.StatusOK)
	}
	if h.held {
		return h.body.Write(b)
	}
	return h.ResponseWriter.Write(b)
}

func (h *heldResponse) finish() {
	if !h.held {
		return
	}
	var resp struct {
		Errors gqlerror.List `json:"errors"`
	}
	_ = json.Unmarshal(h.body.Bytes(), &resp)
	coded := len(resp.Errors) > 0
	for _, e := range resp.Errors {
		if _, ok := e.Extensions["code"]; !ok {
			coded = false
		}
	}
	if coded {
		// The executor refused the operation (parse, validation, limits).
		h.ResponseWriter.Header().Set("Content-Type", mediaJSON)
		h.ResponseWriter.WriteHeader(http.StatusOK)
		_, _ = h.ResponseWriter.Write(h.body.Bytes())
		return
	}
	msg := "the upload is not a valid GraphQL multipart request"
	if len(resp.Errors) > 0 {
		msg += ": " + resp.Errors[0].Message
	}
	status := http.StatusBadRequest
	if h.status == http.StatusRequestEntityTooLarge {
		status = h.status
	}
	apperr.WriteHTTP(h.ResponseWriter, status, apperr.BadRequest, msg)
}
