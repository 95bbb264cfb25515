// Package apperr is the registry's one vocabulary of error codes, and the
// single place where an error becomes what a client sees: a message and an
// extensions.code, never a stack trace or an SQL text.
package apperr

import (
	"errors"
	"fmt"
)

// Code is a machine-readable error class, sent as extensions.code.
type Code string

// The codes a client can receive.
const (
	BadUserInput      Code = "BAD_USER_INPUT"
	NotFound          Code = "NOT_FOUND"
	Conflict          Code = "CONFLICT"
	Unauthenticated   Code = "UNAUTHENTICATED"
	Forbidden         Code = "FORBIDDEN"
	BadRequest        Code = "BAD_REQUEST"
	Internal          Code = "INTERNAL_SERVER_ERROR"
	ParseFailed       Code = "GRAPHQL_PARSE_FAILED"
	ValidationFailed  Code = "GRAPHQL_VALIDATION_FAILED"
	PersistedNotFound Code = "PERSISTED_QUERY_NOT_FOUND"
	// PersistedOnly refuses an operation that is not registered, on a
	// server that runs only registered (persisted) operations.
	PersistedOnly Code = "PERSISTED_QUERY_ONLY"
	// Timeout: a read, write, statement or request deadline stopped the
	// operation; extensions.limit names which.
	Timeout Code = "TIMEOUT"
	// Unavailable: the database could not be reached, or a connection to
	// it broke during the request. Nothing is wrong with the request: retry
	// it later (HTTP 503 with Retry-After).
	Unavailable Code = "UNAVAILABLE"
)

// Error is an error meant for the client: its message is safe to show.
type Error struct {
	Code    Code
	Message string
	// Field names the input field at fault, when there is one.
	Field string
	// Err is the cause, kept for logs and errors.Is; never shown.
	Err error
}

func (e *Error) Error() string { return e.Message }

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds a client-facing error.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid reports bad input in a named field.
func Invalid(field string, err error) *Error {
	return &Error{Code: BadUserInput, Message: err.Error(), Field: field, Err: err}
}

// As finds a client-facing error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
