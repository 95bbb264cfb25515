// Package sqljson answers GraphQL reads of the registry's root connections
// (programmes, organisations, agreements, fundings, countries, events,
// exchange rates, changes), node and nodes, and everything linked under
// them, records' history included, with one SQL statement
// that builds the JSON inside the database (PostgreSQL's json_build_object
// and json_agg, SQLite's json_object and json_group_array). gqlgen with
// entgql needs one statement per linked list and per record type under it,
// and then resolves every field in Go; this path needs one statement
// whatever the depth.
//
// What it knows of the schema is generated (objects_gen.go, by ./gen under
// go generate) from the ent schema and the GraphQL schema: every object
// type backed by an ent type, its fields that are columns, decimals, money,
// ids, links to one or many records, lists or objects kept in JSON
// columns (jsonlist.go) and the lists internal/iati reads from a kept IATI
// activity (elements.go), and every root connection with its
// filter and order fields, and the few connections declared by hand that
// page as entgql does (history, changes), named in the generator. The
// full-text search field is answered too (search.go), with internal/search's
// ranking nested in the statement. A selection it does not know (a field
// with arguments, a field with a resolver of its own) makes it step aside,
// and gqlgen answers as before, so its answers are always those of the
// general path.
//
// Its statements go through the store's driver (counted, timed, routed to a
// read replica) but not through ent's query interceptors: the registry has
// none on reads. One added there (a read permission, say) must be added here
// too, or the path turned off for what it guards.
package sqljson

//go:generate go run ./gen -out objects_gen.go

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/99designs/gqlgen/graphql"

	entsql "entgo.io/ent/dialect/sql"
)

// kind says how a GraphQL field is read from the tables.
type kind int

const (
	column     kind = iota // a column of the record's own row
	decimal                // an exact amount column, given as a JSON string
	globalID               // the record's opaque id
	money                  // an amount and currency column pair
	toOne                  // a record this row's foreign key points at
	toMany                 // records whose foreign key points at this row
	manyToMany             // records linked through a join table
	timestamp              // a time column, written as gqlgen writes a Time
	anyID                  // an integer column holding the id of a record of any type
	jsonMap                // a JSON object column, written as gqlgen writes a Map
	connection             // a page of target records whose column holds this row's id
	jsonList               // a list of objects kept in a JSON column (jsonlist.go)
	jsonObject             // an object kept in a JSON column (jsonlist.go)
	elements               // a list internal/iati reads from a kept IATI activity (elements.go)
)

// field is how one GraphQL field of an object type maps to SQL.
type field struct {
	kind   kind
	column string // column, decimal, timestamp, anyID, jsonMap; toOne: this table's key; toMany, connection: the target's key
	target string // GraphQL type of the linked records
	// money: the amount and currency columns.
	amount, currency string
	// manyToMany: the join table, its column for this record and for the target.
	join, own, other string
	// jsonList: the GraphQL type of the elements (a jsonShape), and
	// whether the list is non-null.
	shape   string
	nonNull bool
	// elements: the element family listed (shape is its view's type).
	family string
}

// object is a GraphQL object type backed by one table.
type object struct {
	table  string
	fields map[string]field
}

// root is a Query connection that entgql's Paginate answers.
type root struct {
	object string // the GraphQL type of its nodes
	where  whereFunc
	orders map[string]orderField // by GraphQL order field name
	// args are arguments of a root declared by hand, each a predicate.
	args map[string]argFunc
}

// argFunc reads an argument's value as gqlgen would and gives its
// predicate, nil for a null.
type argFunc func(v any) (func(*entsql.Selector), error)

// argTime reads a Time argument for an ent predicate on a time field.
func argTime[P ~func(*entsql.Selector)](pred func(time.Time) P) argFunc {
	return func(v any) (func(*entsql.Selector), error) {
		if v == nil {
			return nil, nil
		}
		t, err := graphql.UnmarshalTime(v)
		if err != nil {
			return nil, unsupported("time %v: %v", v, err) // the resolvers say what is wrong with it
		}
		return pred(t), nil
	}
}

// cursorKind says how an order column's value goes into a cursor, as
// entgql puts the record's Go field there.
type cursorKind int

const (
	cursorString cursorKind = iota // a string or enum, or null
	cursorTime                     // a time.Time
)

// orderField is one of a connection's order fields.
type orderField struct {
	column string
	cursor cursorKind
}

// whereFunc reads a where argument as gqlgen would and gives its predicate,
// nil for an empty filter.
type whereFunc func(v any) (func(*entsql.Selector), error)

// whereOf reads entgql's WhereInput W, whose P gives the predicate R. The
// query has been validated against the schema already; a field the JSON
// form does not carry (an ID, which arrives as an opaque string) refuses the
// path rather than being dropped.
func whereOf[W any, R ~func(*entsql.Selector), PW interface {
	*W
	P() (R, error)
}](empty error) whereFunc {
	return func(v any) (func(*entsql.Selector), error) {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, unsupported("where: %v", err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		var w W
		if err := dec.Decode(&w); err != nil {
			return nil, unsupported("where: %v", err)
		}
		pred, err := PW(&w).P()
		switch {
		case err == empty: //nolint:errorlint // entgql's Filter tells only this one, unwrapped, from a failure
			return nil, nil
		case err != nil: // an empty filter within, which ent refuses
			return nil, unsupported("where: %v", err)
		}
		return pred, nil
	}
}
