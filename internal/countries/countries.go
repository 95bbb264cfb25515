// Package countries loads every ISO 3166-1 state into the registry from the
// maintained code list of github.com/biter777/countries, so no country is
// ever typed in by hand.
package countries

import (
	"context"
	"fmt"
	"sort"

	"github.com/biter777/countries"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/country"
	"github.com/aidregistry/registry/internal/audit"
	"github.com/aidregistry/registry/internal/auth"
)

// Entry is one ISO 3166-1 state.
type Entry struct {
	ISO2, ISO3, Name, Region string
}

// List returns the ISO 3166-1 entries, sorted by alpha-2 code. Codes in the
// user-assigned ranges (XK for Kosovo, say) are left out: they are not part
// of the standard and other systems will not recognise them.
func List() []Entry {
	all := countries.All()
	out := make([]Entry, 0, len(all))
	for _, c := range all {
		a2 := c.Alpha2()
		if userAssigned(a2) {
			continue
		}
		out = append(out, Entry{ISO2: a2, ISO3: c.Alpha3(), Name: c.String(), Region: c.Region().String()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ISO2 < out[j].ISO2 })
	return out
}

// userAssigned reports the alpha-2 codes ISO 3166-1 leaves to users.
func userAssigned(a2 string) bool {
	if len(a2) != 2 {
		return true
	}
	switch {
	case a2 == "AA", a2 == "ZZ":
		return true
	case a2[0] == 'Q' && a2[1] >= 'M':
		return true
	case a2[0] == 'X':
		return true
	}
	return false
}

// Load inserts the states that are missing; existing rows are left as they
// are, so loading twice changes nothing.
func Load(ctx context.Context, client *ent.Client) error {
	// The registry's own reference data: no key, and not part of the
	// change history integrators mirror.
	ctx = audit.Skip(auth.AsSystem(ctx))
	entries := List()
	builders := make([]*ent.CountryCreate, len(entries))
	for i, e := range entries {
		b := client.Country.Create().SetIso2(e.ISO2).SetIso3(e.ISO3).SetName(e.Name)
		if e.Region != "" && e.Region != "Unknown" {
			b.SetRegion(e.Region)
		}
		builders[i] = b
	}
	err := client.Country.CreateBulk(builders...).
		OnConflictColumns(country.FieldIso2).
		DoNothing().
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("load ISO 3166-1 countries: %w", err)
	}
	return nil
}

// IDsByISO2 maps alpha-2 codes to country ids, for loaders that refer to
// countries by code.
func IDsByISO2(ctx context.Context, client *ent.Client) (map[string]int, error) {
	rows, err := client.Country.Query().Select(country.FieldID, country.FieldIso2).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read countries: %w", err)
	}
	m := make(map[string]int, len(rows))
	for _, r := range rows {
		m[r.Iso2] = r.ID
	}
	return m, nil
}
