package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/lib/pq"
	"modernc.org/sqlite"
)

// Unavailable tells whether err says the database could not be reached, or
// that the connection to it broke while a statement ran, rather than that
// the statement itself was wrong: connection refused or reset, a dropped
// connection (lib/pq's unexpected EOF, database/sql's bad or closed
// connection), PostgreSQL's connection exceptions (SQLSTATE class 08), a
// server shutting down, starting or out of connections (57P01-57P03,
// 53300), or SQLite unable to open or read its file. Such a failure is
// the store's, not the request's: the same request can succeed later.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return true
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch code := string(pqErr.Code); {
		case len(code) == 5 && code[:2] == "08":
			return true
		case code == "57P01", code == "57P02", code == "57P03", code == "53300":
			return true
		}
		return false
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() & 0xff {
		case sqliteCantOpen, sqliteIOErr:
			return true
		}
	}
	return false
}

// SQLite's primary result codes for a file it cannot open or read.
const (
	sqliteIOErr    = 10
	sqliteCantOpen = 14
)

// unavailableTexts are what the failures Unavailable recognises say, for
// errors that arrive as text alone (entgql's transaction errors keep the
// message of their cause and nothing else).
var unavailableTexts = []string{
	"bad connection", "unexpected EOF", "connection refused", "connection reset",
	"broken pipe", "connection is already closed", "terminating connection",
	"the database system is", "no such host", "i/o timeout", ": EOF",
}

// UnavailableText is Unavailable for an error known only by its message.
func UnavailableText(msg string) bool {
	for _, s := range unavailableTexts {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
