package interchange

import "fmt"

// Summary is what an import did: how many records (activities, or
// organisations of an organisation file) it created, updated or found
// unchanged, and every element it could not take, with the reason.
type Summary struct {
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Skipped   []Skip `json:"skipped"`
	// QualityNotes counts, by code, the departures kept as published and
	// noted on the records (qualityNotes).
	QualityNotes []NoteCount `json:"qualityNotes"`
}

// Skip is one element, or one whole record, left out of an import.
type Skip struct {
	// Record is the iati-identifier (organisation-identifier) of the
	// activity (organisation), or "line N" when it has none.
	Record string `json:"record"`
	// Element locates the element in the record ("transaction[3]");
	// "iati-activity" when the whole activity was skipped.
	Element string `json:"element"`
	Reason  string `json:"reason"`
}

func (s Skip) String() string { return fmt.Sprintf("%s %s: %s", s.Record, s.Element, s.Reason) }

const (
	wholeActivity     = "iati-activity"
	wholeOrganisation = "iati-organisation"
)

// NoteCount is how many quality notes of one code an import wrote: each a
// departure from the rules kept as the publisher published it.
type NoteCount struct {
	Code  string `json:"code"`
	Count int    `json:"count"`
}
