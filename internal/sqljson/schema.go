// Package sqljson answers the hottest GraphQL reads, the programmes
// connection and everything linked under it, with one SQL statement that
// builds each programme's JSON inside the database (PostgreSQL's
// json_build_object and json_agg, SQLite's json_object and
// json_group_array). gqlgen with entgql needs one statement per linked
// list and per record type under it, and then resolves every field in Go;
// this path needs one statement whatever the depth.
//
// It covers what dashboards and integrators ask for: plain fields, ids,
// money, and links to one or many records, at any depth. A selection it
// does not know (a field with arguments, a connection, history, a field
// with a resolver of its own) makes it step aside, and gqlgen answers as
// before, so its answers are always those of the general path.
//
// Its statements go through the store's driver (counted, timed, routed to a
// read replica) but not through ent's query interceptors: the registry has
// none on reads. One added there (a read permission, say) must be added here
// too, or the path turned off for what it guards.
package sqljson

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
)

// field is how one GraphQL field of an object type maps to SQL.
type field struct {
	kind   kind
	column string // column, decimal; toOne: this table's key; toMany: the target's key
	target string // GraphQL type of the linked records
	// money: the amount and currency columns.
	amount, currency string
	// manyToMany: the join table, its column for this record and for the target.
	join, own, other string
}

// object is a GraphQL object type backed by one table.
type object struct {
	table  string
	fields map[string]field
}

func col(name string) field { return field{kind: column, column: name} }
func dec(name string) field { return field{kind: decimal, column: name} }
func one(fk, target string) field {
	return field{kind: toOne, column: fk, target: target}
}
func many(fk, target string) field {
	return field{kind: toMany, column: fk, target: target}
}
func joined(table, own, other, target string) field {
	return field{kind: manyToMany, join: table, own: own, other: other, target: target}
}
func amount(prefix string) field {
	return field{kind: money, amount: prefix + "_amount", currency: prefix + "_currency"}
}

// objects are the types this path can build, keyed by GraphQL name. Only
// fields read straight from columns or links are listed: timestamps,
// IATI-only fields, history and everything with arguments stay with
// gqlgen. TestObjectsMatchSchema checks every entry against the GraphQL
// schema, and the answers against gqlgen's, on both stores.
var objects = map[string]object{
	"Programme": {table: "programmes", fields: map[string]field{
		"id": {kind: globalID}, "code": col("code"), "title": col("title"),
		"description": col("description"), "status": col("status"), "theme": col("theme"),
		"startDate": col("start_date"), "endDate": col("end_date"),
		"coverage": col("coverage"), "region": col("region"),
		"budget":         amount("budget"),
		"parent":         one("parent_id", "Programme"),
		"children":       many("parent_id", "Programme"),
		"participations": many("programme_id", "Participation"),
		"countries":      many("programme_id", "ProgrammeCountry"),
		"fundings":       many("programme_id", "Funding"),
		"agreements":     joined("agreement_programmes", "programme_id", "agreement_id", "Agreement"),
	}},
	"Participation": {table: "participations", fields: map[string]field{
		"id": {kind: globalID}, "role": col("role"),
		"programme":    one("programme_id", "Programme"),
		"organisation": one("organisation_id", "Organisation"),
	}},
	"ProgrammeCountry": {table: "programme_countries", fields: map[string]field{
		"id": {kind: globalID}, "role": col("role"), "sharePercent": dec("share_percent"),
		"programme": one("programme_id", "Programme"),
		"country":   one("country_id", "Country"),
		"areas":     joined("programme_country_areas", "programme_country_id", "area_id", "Area"),
	}},
	"Funding": {table: "fundings", fields: map[string]field{
		"id": {kind: globalID}, "kind": col("kind"), "date": col("date"), "note": col("note"),
		"value":     amount("value"),
		"programme": one("programme_id", "Programme"),
		"funder":    one("funder_id", "Organisation"),
		"recipient": one("recipient_id", "Organisation"),
		"agreement": one("agreement_id", "Agreement"),
	}},
	"Organisation": {table: "organisations", fields: map[string]field{
		"id": {kind: globalID}, "name": col("name"), "acronym": col("acronym"), "kind": col("kind"),
		"iatiRef": col("iati_ref"), "website": col("website"),
		"headquarters": one("headquarters_id", "Country"),
		"parent":       one("parent_id", "Organisation"),
	}},
	"Country": {table: "countries", fields: map[string]field{
		"id": {kind: globalID}, "iso2": col("iso2"), "iso3": col("iso3"), "name": col("name"), "region": col("region"),
		"areas": many("country_id", "Area"),
	}},
	"Area": {table: "areas", fields: map[string]field{
		"id": {kind: globalID}, "name": col("name"),
		"country": one("country_id", "Country"),
	}},
	"Agreement": {table: "agreements", fields: map[string]field{
		"id": {kind: globalID}, "reference": col("reference"), "title": col("title"), "kind": col("kind"),
		"status": col("status"), "signedOn": col("signed_on"), "place": col("place"), "summary": col("summary"),
		"parties": many("agreement_parties", "AgreementParty"),
	}},
	"AgreementParty": {table: "agreement_parties", fields: map[string]field{
		"id": {kind: globalID}, "signatoryName": col("signatory_name"), "signatoryTitle": col("signatory_title"),
		"agreement":    one("agreement_parties", "Agreement"),
		"organisation": one("organisation_agreement_parties", "Organisation"),
	}},
}
