package gid

import (
	"sort"
	"strconv"
	"strings"

	"github.com/aidregistry/registry/ent"
)

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

// EncodeAnySQL is Encode as a PostgreSQL expression over a column holding
// the id of a record of any type (a change's record): the type's name is
// found from the id's range, as Encode finds it, and is empty for an id
// in no range.
func EncodeAnySQL(column string) string {
	starts := ent.NodeTypeNames()
	ordered := make([]int, 0, len(starts))
	for start := range starts {
		ordered = append(ordered, start)
	}
	sort.Ints(ordered)
	var b strings.Builder
	b.WriteString("CASE (" + column + ") >> 32")
	for _, start := range ordered {
		b.WriteString(" WHEN " + strconv.Itoa(start>>32) + " THEN '" + strings.ReplaceAll(starts[start], "'", "''") + ":'")
	}
	b.WriteString(" ELSE ':' END")
	return "rtrim(translate(encode(convert_to(" + b.String() + " || " + column +
		", 'UTF8'), 'base64'), '+/', '-_'), '=')"
}
