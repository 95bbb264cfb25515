package iati

// QualityNote records one way an imported record departs from the IATI
// rules or the registry's own, kept as the publisher published it: a
// negative commitment, a value with more decimals than its currency uses,
// shares that do not add up to 100.
type QualityNote struct {
	// Code names the kind of departure (NEGATIVE_VALUE, EXCESS_DECIMALS...).
	Code string `json:"code"`
	// Element locates it in the activity ("transaction[3]/value").
	Element string `json:"element"`
	Message string `json:"message"`
}

// Quality note codes.
const (
	NoteNegativeValue     = "NEGATIVE_VALUE"
	NoteExcessDecimals    = "EXCESS_DECIMALS"
	NoteSharesNot100      = "SHARES_NOT_100"
	NoteSectorsNot100     = "SECTORS_NOT_100"
	NoteEndBeforeStart    = "END_BEFORE_START"
	NoteBudgetNotTotalled = "BUDGET_NOT_TOTALLED"
	NoteInvalidElement    = "INVALID_ELEMENT"
)

// Point is a location's position (WGS 84).
type Point struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// Administrative is a location's administrative division in a geographic
// vocabulary.
type Administrative struct {
	Vocabulary string `json:"vocabulary"`
	Level      string `json:"level"`
	Code       string `json:"code"`
}
