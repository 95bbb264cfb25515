package interchange

import (
	"time"

	"github.com/aidregistry/registry/internal/partialdate"
)

// The registry keeps dates at the precision their source gives ("2007",
// "2009-04"); IATI wants days. A partial date is written as the first day
// of its period when it starts something and the last day when it ends
// something.

// firstDay is the first day of a partial date's period ("2007" gives
// "2007-01-01"); a full date is itself.
func firstDay(d string) string {
	switch len(d) {
	case 4:
		return d + "-01-01"
	case 7:
		return d + "-01"
	}
	return d
}

// lastDay is the last day of a partial date's period ("2009-02" gives
// "2009-02-28").
func lastDay(d string) string {
	switch len(d) {
	case 4:
		return d + "-12-31"
	case 7:
		t, err := time.Parse("2006-01", d)
		if err != nil {
			return d
		}
		return t.AddDate(0, 1, -1).Format(time.DateOnly)
	}
	return d
}

// day gives the day a registry date stands for in IATI.
func day(d string, end bool) string {
	if end {
		return lastDay(d)
	}
	return firstDay(d)
}

// isPartialOf reports whether p is a year or month whose first (last, for
// an end) day is iso: the exporter's way of keeping a date's precision.
func isPartialOf(p, iso string, end bool) bool {
	if (len(p) != 4 && len(p) != 7) || partialdate.Validate(p) != nil {
		return false
	}
	return day(p, end) == iso
}

// partial is the narrative the exporter writes beside a widened date.
func partial(d string) string {
	if len(d) == 10 {
		return ""
	}
	return d
}
