// Package rates loads exchange-rate tables into the registry, where
// fundingSummary(in:) reads them to convert totals.
package rates

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/exchangerate"
	"github.com/aidregistry/registry/internal/money"
	"github.com/aidregistry/registry/internal/partialdate"
)

// Rate is one line of a rate table: one unit of Currency buys Rate units of
// To on Date (a day, a month, or a year for an annual average).
type Rate struct {
	Currency, To string
	Rate         money.Decimal
	Date         string
	Source       string
}

// Parse reads a rate table in CSV with a header row naming its columns, in
// any order: currency, to, rate, date, and optionally source. For example
//
//	currency,to,rate,date,source
//	EUR,USD,1.0834,2024,ECB euro reference rates (annual average)
//	GBP,USD,1.2783,2024-06-28,Bank of England daily spot rate
//
// Rows without a source take defaultSource. Currencies are ISO 4217 codes,
// rates plain positive decimals ("1.0834", never "1e0"), dates ISO 8601 at
// any precision. A pair and date given twice is an error.
func Parse(r io.Reader, defaultSource string) ([]Rate, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("the rate table is empty: it needs a header row (currency,to,rate,date[,source])")
	}
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"currency", "to", "rate", "date"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("the header row has no %q column (want currency,to,rate,date[,source])", need)
		}
	}
	seen := map[string]int{}
	var out []Rate
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// csv's ParseError names the line; FieldPos has no record to
			// point into after a failed Read (it panics).
			return nil, fmt.Errorf("read rate table: %w", err)
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		rate, err := parseRow(get("currency"), get("to"), get("rate"), get("date"), get("source"), defaultSource)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		k := rate.Currency + "/" + rate.To + "@" + rate.Date
		if first, dup := seen[k]; dup {
			return nil, fmt.Errorf("line %d: %s to %s on %s is already given on line %d", line, rate.Currency, rate.To, rate.Date, first)
		}
		seen[k] = line
		out = append(out, rate)
	}
	if len(out) == 0 {
		return nil, errors.New("the rate table has a header but no rates")
	}
	return out, nil
}

func parseRow(cur, to, rate, date, source, defaultSource string) (Rate, error) {
	if err := money.ValidateCurrency(cur); err != nil {
		return Rate{}, err
	}
	if err := money.ValidateCurrency(to); err != nil {
		return Rate{}, err
	}
	if cur == to {
		return Rate{}, fmt.Errorf("a rate from %s to itself", cur)
	}
	r, err := money.Parse(rate)
	if err != nil {
		return Rate{}, fmt.Errorf("rate: %w", err)
	}
	if r.Sign() <= 0 {
		return Rate{}, fmt.Errorf("rate %s is not positive", rate)
	}
	if err := partialdate.Validate(date); err != nil {
		return Rate{}, fmt.Errorf("date: %w", err)
	}
	if source == "" {
		source = defaultSource
	}
	if source == "" {
		return Rate{}, errors.New("no source: add a source column or name one")
	}
	return Rate{Currency: cur, To: to, Rate: r, Date: date, Source: source}, nil
}

// Stats says what Load did.
type Stats struct {
	Created, Replaced int
}

// Load writes the rates in one transaction: a rate for a pair and date the
// registry already holds replaces it (rate and source), so loading a table
// again changes nothing. ctx must be allowed to write (auth.AsSystem for an
// operator's command).
func Load(ctx context.Context, client *ent.Client, rates []Rate) (stats Stats, err error) {
	tx, err := client.Tx(ctx)
	if err != nil {
		return stats, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	for _, r := range rates {
		old, err := tx.ExchangeRate.Query().Where(
			exchangerate.Currency(r.Currency), exchangerate.ToCurrency(r.To), exchangerate.Date(r.Date),
		).Only(ctx)
		switch {
		case ent.IsNotFound(err):
			err = tx.ExchangeRate.Create().SetCurrency(r.Currency).SetToCurrency(r.To).
				SetRate(r.Rate).SetDate(r.Date).SetSource(r.Source).Exec(ctx)
			stats.Created++
		case err != nil:
		case old.Rate.String() == r.Rate.String() && old.Source == r.Source:
		default:
			err = old.Update().SetRate(r.Rate).SetSource(r.Source).Exec(ctx)
			stats.Replaced++
		}
		if err != nil {
			return Stats{}, fmt.Errorf("%s to %s on %s: %w", r.Currency, r.To, r.Date, err)
		}
	}
	return stats, tx.Commit()
}
