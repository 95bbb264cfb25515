package gid

import "strings"

// EncodeSQL is Encode as a PostgreSQL expression over the id column of a
// record of the named type: base64url without padding of "Type:id", for the
// paths that build their answer's JSON in the database (internal/sqljson,
// the analytics summaries). The text is short enough that PostgreSQL's
// base64 never breaks it into lines.
func EncodeSQL(typename, column string) string {
	prefix := "'" + strings.ReplaceAll(typename+":", "'", "''") + "'"
	return "rtrim(translate(encode(convert_to(" + prefix + " || " + column +
		", 'UTF8'), 'base64'), '+/', '-_'), '=')"
}
