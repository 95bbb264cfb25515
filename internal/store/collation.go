package store

import (
	"strings"

	"github.com/shopspring/decimal"
	"modernc.org/sqlite"
)

// SQLite keeps amounts as text so that nothing rounds them, and text
// compares letter by letter ("79929.00" > "100000"). The amount columns are
// declared with this collation (ent/schema: decimalSchemaType), so that
// SQLite compares and sorts them as numbers, exactly, as PostgreSQL's
// numeric does.
func init() {
	sqlite.MustRegisterCollationUtf8("decimal", compareDecimalText)
}

// compareDecimalText orders decimal strings by value. Text that is not a
// number (which validation keeps out) sorts after every number, by its letters.
func compareDecimalText(a, b string) int {
	da, errA := decimal.NewFromString(a)
	db, errB := decimal.NewFromString(b)
	switch {
	case errA == nil && errB == nil:
		return da.Cmp(db)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}
