// Package interchange moves records between the registry and the systems
// around it: IATI activity and organisation files in (Import), IATI 2.03
// activity XML out (ExportIATI), and CSV or NDJSON tables of programmes,
// fundings and organisations out (ExportTable). It reads and writes IATI
// with internal/iati and the store through ent, so every write passes the
// same hooks as a GraphQL mutation: authorised, validated and recorded in
// the history.
//
// # Import
//
// Each iati-activity becomes the Programme whose code is its
// iati-identifier:
//
//   - title and description (the general one, type 1, else the first) in
//     the activity's language, their other narratives in
//     titleTranslations and descriptionTranslations, the language in
//     language;
//   - activity-status as status; activity-date as startDate and endDate
//     (actual, else planned), the dates themselves kept for the export;
//   - budget as the budget: per period the revised budget, else the
//     original, summed, in one currency; the periods kept for the export;
//   - reporting-org and participating-org as Organisations, found by IATI
//     identifier, else by name (a ref that is not an identifier, such as a
//     publisher's "35", is kept as the new organisation's iatiRef but
//     never trusted to find one), with Participations in roles 1-4; the
//     reporting-org is also kept on the programme, for the export;
//   - recipient-country as BENEFICIARY ProgrammeCountry rows with the
//     percentage as sharePercent; recipient-region in recipientRegions,
//     the largest named as region;
//   - transaction as Fundings: type 1-4 and 11-13 (5-10 have no Funding
//     kind and are skipped with a reason), value with its currency (the
//     default-currency when it has none), provider-org as funder,
//     receiver-org as recipient, description as note;
//   - document-link as Sources, found by URL;
//   - contact-info as Contacts (person-name, the first email and
//     telephone, organisation and department as the office);
//   - related-activity type 1 as the parent and type 2 as children. A
//     related activity not in the store yet is kept as an ActivityLink row
//     and linked when its activity is imported; types 3-5 are kept as rows
//     too, and exported back.
//
// Other elements (sector, location, policy-marker, planned-disbursement,
// result and the like) have no place in the registry and are passed over.
// Within an activity the file is the truth for what it maps: rows the
// activity no longer lists (participations in roles 1-4, BENEFICIARY
// countries, fundings, contacts, sources with a URL) are removed. What
// IATI cannot express (PARTNER participations, DIASPORA_HOST countries,
// file sources, theme, coverage, results) is left alone, and parent links
// are only ever set, not cleared. An organisation found is never renamed
// from an activity file; organisation files (iati-organisations) speak for
// their organisations and update name and type.
//
// Each activity is written whole or not at all. Activities go to the store
// 50 to a transaction (a savepoint of the caller's, for the GraphQL
// mutation): what the store holds for a batch is read with one query per
// table (the organisations it names too: which identifiers, codes, names
// and name keys no organisation holds, and the organisations and aliases
// that hold the others, so that matching one asks nothing), the batch's
// new rows (on PostgreSQL its new programmes, organisations and aliases
// too, their ids drawn ahead) are inserted with one statement per table,
// its history and search documents written once; should any activity or
// insert of the batch fail, the batch is rolled back and written again
// with a savepoint per activity, so only the one at fault is left out.
// The importer reads the stored records before it writes, writing only
// what differs: importing the same file again writes
// nothing and records nothing in the history, and a newer version records
// exactly what changed (a changed transaction updates its funding). An
// element the registry's rules would refuse (a negative commitment, more
// decimals than the currency has, shares over 100, an unknown country,
// and whatever internal/iati skips) is left out with a reason in the
// Summary; an activity that cannot be keyed, has no title, repeats an
// identifier of the file, or fails in the store is skipped whole, and
// nothing of it is written. Only a file that cannot be read on stops the
// import (FileError); what came before it stays.
//
// Memory holds one activity, a bounded cache of the organisations met, and
// an 8-byte hash of each identifier of the file (to catch repeats), not
// the file. Skipped elements go to Options.Skipped as they happen when it
// is set (the command line prints them); otherwise the summary lists them.
//
// # Export
//
// ExportIATI writes the programmes, a page at a time, as IATI 2.03 that
// validates against the official schema. What an import kept is written
// back as it was read while it still agrees with the programme; otherwise
// the exporter derives it: partial dates as the first (start) or last
// (end) day of their year or month with the partial date as the
// activity-date's narrative, which the importer reads back, so "2007"
// survives the round trip; a single budget over the programme's dates; a
// reporting-org from an ACCOUNTABLE, EXTENDING, FUNDING or IMPLEMENTING
// organisation with an identifier, else IATIOptions.Publisher; the title
// as description when there is none; document-links in category A12 with
// a media type from the URL. A programme IATI's schema would refuse (no
// status, no date, no organisation, no reporting-org) is left out and
// listed. Output depends only on the store, in id order with lists
// sorted, so export, import into an empty store and export again give the
// same bytes.
//
// ExportTable streams CSV or NDJSON with the filter of the GraphQL
// connection (ParseWhere), naming linked records by stable identifiers:
// programme code, organisation identifier (else acronym, else name), ISO
// 3166-1 alpha-2 code, agreement reference.
package interchange
