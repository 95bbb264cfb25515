// Package codelists gives the registry the IATI codelists: every list's
// codes with their English names, categories and whether IATI has withdrawn
// them, looked up by the list's IATI name ("Sector", "PolicySignificance").
//
// The lists are all the codelists of IATI version 2.03: the embedded ones of
// IATI/IATI-Codelists (branch version-2.03: TransactionType, ActivityStatus,
// OrganisationRole, ...) and the non-embedded ones of
// IATI/IATI-Codelists-NonEmbedded (Sector, SectorCategory, Country,
// Currency, OrganisationRegistrationAgency, CRSChannelCode, ...). Withdrawn
// codes are kept, with [Code.Withdrawn] set, since older data still uses
// them.
//
// # Generated data
//
// The files in data/ (one NAME.tsv per list: code, English name, category,
// "1" when withdrawn) are generated from the IATI XML files and embedded in
// the binary; they are never edited by hand. The codes are defined by IATI
// and the OECD DAC and change a few times a year, so copying them by hand
// would be slow and would drift from the source; generating them keeps each
// update a reviewable diff against a known commit. To regenerate, bring bare
// git copies of both repositories (the search tool's fetch gives them under
// /work/.mirror) and run
//
//	scripts/codelists.sh CODELISTS_GITDIR NONEMBEDDED_GITDIR
//
// which rewrites data/ and the source commits below (see DEVELOPERS.md,
// "IATI codelists"). The generator is ./internal/gen.
//
// # Lookups
//
// A list is parsed the first time it is used, into a slice in the source's
// order and a map from code to entry; after that a lookup is one map access.
// All functions are safe for concurrent use.
package codelists

// BEGIN SOURCES (rewritten by scripts/codelists.sh)

// The repositories and commits the embedded data files were generated
// from, and how many lists each gave.
//
//   - IATI/IATI-Codelists, version-2.03 at 75e827bacd29f77356cb43defbc0b655705432f3: 9 lists
//   - IATI/IATI-Codelists-NonEmbedded, master at 7aeece773c60afa0265eb95e988d5e61e96d8482: 61 lists
const (
	CodelistsCommit   = "75e827bacd29f77356cb43defbc0b655705432f3"
	NonEmbeddedCommit = "7aeece773c60afa0265eb95e988d5e61e96d8482"
)

// END SOURCES
