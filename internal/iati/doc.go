// Package iati reads and writes IATI XML: activity files (versions 2.01 to
// 2.03) and organisation files in, IATI 2.03 activity files out. It knows
// nothing of the store: an importer turns each Activity into Programmes,
// Organisations, Fundings and the rest, an exporter fills Activities from the
// store, and the mappings in codes.go translate IATI codes to the registry's
// enum names and back.
//
// # Streaming
//
// Reader and OrganisationReader walk the file with encoding/xml's
// Decoder.Token and decode one iati-activity (iati-organisation) at a time
// with DecodeElement, so memory is bounded by the largest single activity,
// not by the file. Writer writes each activity as it is given and keeps
// nothing.
//
// # What an Activity holds
//
// Activity is neutral: it keeps IATI's own codes ("2" for an activity
// status, "40" for a multilateral) rather than the registry's names, so what
// was read can be written back unchanged. Amounts are exact
// (internal/money.Decimal, keeping their scale: "-280662.76" stays so),
// dates are IATI iso-dates ("2012-04-15") checked with
// internal/partialdate, and texts are Narratives, each with the language it
// is in: its own xml:lang, else the nearest enclosing element's (the 2.01
// files of some publishers put xml:lang on participating-org), else the
// activity's, else the file's. Surrounding white space of narratives, codes,
// refs and amounts is trimmed; empty narratives are dropped. Elements the
// registry has no place for (other-identifier, location, policy-marker,
// planned-disbursement, result, crs-add and the like) are passed over, and
// of a transaction only its type, date, value, description, provider-org
// and receiver-org are read.
//
// # Untidy data
//
// Real files are kept, not refused. A negative value (a correction) is an
// amount like any other. A transaction or budget value without a currency
// takes the activity's default-currency. A participating-org ref that is not
// an organisation identifier ("35") is kept as given. Related-activity refs
// are kept whether or not the activity is known.
//
// One element's bad data never aborts the file; it becomes a Problem on the
// activity (Element names it, such as "transaction[3]", counting from 1
// among the activity's elements of that name). Two rules decide what
// happens to the element:
//
//   - When what defines the element is missing or invalid, the element is
//     skipped: an unknown role, status, date type, transaction type or
//     related-activity type; a malformed or missing iso-date, transaction-date
//     or budget period; a missing or non-decimal value; a currency that is not
//     ISO 4217, or none where the activity has no default-currency; a
//     recipient-country code that is not ISO 3166-1; an empty ref or url; a
//     participating-org with neither ref nor name; a description with no
//     narrative; a second activity-status.
//   - When an optional qualifier is invalid, the qualifier is dropped and the
//     element kept: an unknown organisation type, description type, budget
//     type or status; a percentage that is not a decimal between 0 and 100; a
//     malformed value-date or document-date; an xml:lang that is not a
//     language code (the narratives take the enclosing element's); a
//     malformed last-updated-datetime, hierarchy or default-currency of the
//     activity.
//
// A missing iati-identifier is reported as a Problem too: such an activity
// cannot be keyed, and the importer should skip it whole.
//
// Only a file that is not XML (truncated, unbalanced tags, bad characters)
// or is not an IATI file of a supported version stops the reader: Next
// returns an error naming the line.
//
// # Writing
//
// Writer writes IATI 2.03 in the element order the official schema
// requires, and refuses (with an *InvalidActivityError, writing nothing)
// an activity that would not validate: one lacking what the schema makes
// mandatory, or with a date that is not YYYY-MM-DD (a registry partial
// date such as "2007") or an xml:lang that is not a language code. Check
// gives the same list beforehand; the exporter decides what to fill in.
// value-date is mandatory in the schema; a Value without one is written
// with its transaction-date (a budget's period-start). URLs are written so
// that xsd:anyURI accepts them: a stray "%" and "[" or "]" outside the
// host are percent-encoded. These are the only ways a written file differs
// from what was read; read, written and read again, an Activity is
// otherwise unchanged.
package iati
