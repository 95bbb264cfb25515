package bulkload

import (
	"context"
	"fmt"

	"github.com/aidregistry/registry/ent/agreement"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/programmecountry"
	"github.com/aidregistry/registry/internal/money"
	"github.com/aidregistry/registry/internal/partialdate"
)

type moneyRec struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// amount checks an optional Money and returns its two columns.
func amount(m *moneyRec) (any, any, error) {
	if m == nil {
		return nil, nil, nil
	}
	d, err := money.Parse(m.Amount)
	if err != nil {
		return nil, nil, err
	}
	if err := money.ValidateCurrency(m.Currency); err != nil {
		return nil, nil, err
	}
	return d.String(), m.Currency, nil
}

// date checks an optional partial date.
func date(s string) (any, error) {
	if s == "" {
		return nil, nil
	}
	if err := partialdate.Validate(s); err != nil {
		return nil, err
	}
	return s, nil
}

func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func lookup(m map[string]int, key, what string) (int, error) {
	id, ok := m[key]
	if !ok {
		return 0, fmt.Errorf("unknown %s %q", what, key)
	}
	return id, nil
}

func (l *Loader) organisations(ctx context.Context, path string) error {
	countries, err := l.ids(ctx, "countries", "iso2")
	if err != nil {
		return err
	}
	b := l.batcher("organisations", "(iati_ref)", "name", "acronym", "kind", "iati_ref", "headquarters_id", "created_at", "updated_at")
	err = each(path, func(_ int, r struct {
		Acronym, Name, Kind, IatiRef, Headquarters string
	}) error {
		if err := organisation.KindValidator(organisation.Kind(r.Kind)); err != nil {
			return err
		}
		var hq any
		if r.Headquarters != "" {
			id, err := lookup(countries, r.Headquarters, "country")
			if err != nil {
				return err
			}
			hq = id
		}
		return b.add(ctx, r.Name, optional(r.Acronym), r.Kind, optional(r.IatiRef), hq, l.now, l.now)
	})
	if err != nil {
		return err
	}
	return b.flush(ctx)
}

type programmeRec struct {
	Code, Title, Description, Status, Theme string
	StartDate, EndDate, Coverage, Region    string
	Budget                                  *moneyRec
	Parent                                  string
}

func (l *Loader) programmes(ctx context.Context, path string) error {
	b := l.batcher("programmes", "(code)", "code", "title", "description", "status", "theme", "start_date", "end_date",
		"coverage", "region", "budget_amount", "budget_currency", "created_at", "updated_at")
	parents := map[string]string{}
	err := each(path, func(_ int, r programmeRec) error {
		if r.Status != "" {
			if err := programme.StatusValidator(programme.Status(r.Status)); err != nil {
				return err
			}
		}
		if r.Coverage != "" {
			if err := programme.CoverageValidator(programme.Coverage(r.Coverage)); err != nil {
				return err
			}
		}
		start, err := date(r.StartDate)
		if err != nil {
			return err
		}
		end, err := date(r.EndDate)
		if err != nil {
			return err
		}
		amt, cur, err := amount(r.Budget)
		if err != nil {
			return err
		}
		if r.Parent != "" {
			parents[r.Code] = r.Parent
		}
		return b.add(ctx, r.Code, r.Title, optional(r.Description), optional(r.Status), optional(r.Theme), start, end,
			optional(r.Coverage), optional(r.Region), amt, cur, l.now, l.now)
	})
	if err != nil {
		return err
	}
	if err := b.flush(ctx); err != nil {
		return err
	}
	return l.linkParents(ctx, parents)
}

// linkParents sets parent_id once every programme exists; a parent may come
// later in the file than its child.
func (l *Loader) linkParents(ctx context.Context, parents map[string]string) error {
	codes, err := l.ids(ctx, "programmes", "code")
	if err != nil {
		return err
	}
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	stmt, err := tx.PrepareContext(ctx, fmt.Sprintf("UPDATE programmes SET parent_id = %s WHERE id = %s AND parent_id IS NULL",
		l.placeholder(1), l.placeholder(2)))
	if err != nil {
		return err
	}
	defer stmt.Close()
	for child, parent := range parents {
		pid, err := lookup(codes, parent, "parent programme")
		if err != nil {
			return fmt.Errorf("programme %s: %w", child, err)
		}
		if _, err := stmt.ExecContext(ctx, pid, codes[child]); err != nil {
			return fmt.Errorf("link %s to %s: %w", child, parent, err)
		}
	}
	return tx.Commit()
}

func (l *Loader) participations(ctx context.Context, path string) error {
	progs, orgs, err := l.keys(ctx)
	if err != nil {
		return err
	}
	b := l.batcher("participations", "(programme_id, organisation_id, role)", "programme_id", "organisation_id", "role", "created_at", "updated_at")
	err = each(path, func(_ int, r struct{ Programme, Organisation, Role string }) error {
		if err := participation.RoleValidator(participation.Role(r.Role)); err != nil {
			return err
		}
		pid, err := lookup(progs, r.Programme, "programme")
		if err != nil {
			return err
		}
		oid, err := lookup(orgs, r.Organisation, "organisation")
		if err != nil {
			return err
		}
		return b.add(ctx, pid, oid, r.Role, l.now, l.now)
	})
	if err != nil {
		return err
	}
	return b.flush(ctx)
}

func (l *Loader) programmeCountries(ctx context.Context, path string) error {
	progs, err := l.ids(ctx, "programmes", "code")
	if err != nil {
		return err
	}
	countries, err := l.ids(ctx, "countries", "iso2")
	if err != nil {
		return err
	}
	b := l.batcher("programme_countries", "(programme_id, country_id, role)", "programme_id", "country_id", "role", "share_percent", "created_at", "updated_at")
	err = each(path, func(_ int, r struct {
		Programme, Country, Role string
		SharePercent             string
	}) error {
		if err := programmecountry.RoleValidator(programmecountry.Role(r.Role)); err != nil {
			return err
		}
		pid, err := lookup(progs, r.Programme, "programme")
		if err != nil {
			return err
		}
		cid, err := lookup(countries, r.Country, "country")
		if err != nil {
			return err
		}
		var share any
		if r.SharePercent != "" {
			d, err := money.Parse(r.SharePercent)
			if err != nil {
				return err
			}
			share = d.String()
		}
		return b.add(ctx, pid, cid, r.Role, share, l.now, l.now)
	})
	if err != nil {
		return err
	}
	return b.flush(ctx)
}

func (l *Loader) fundings(ctx context.Context, path string) error {
	progs, orgs, err := l.keys(ctx)
	if err != nil {
		return err
	}
	done, err := l.idSet(ctx, "fundings", "programme_id")
	if err != nil {
		return err
	}
	b := l.batcher("fundings", "", "programme_id", "funder_id", "recipient_id", "kind", "date", "value_amount", "value_currency", "created_at", "updated_at")
	err = each(path, func(_ int, r struct {
		Programme, Funder, Recipient, Kind, Date string
		Value                                    *moneyRec
	}) error {
		pid, err := lookup(progs, r.Programme, "programme")
		if err != nil || done[pid] {
			return err // a programme that has fundings was loaded before
		}
		if r.Kind != "" {
			if err := funding.KindValidator(funding.Kind(r.Kind)); err != nil {
				return err
			}
		}
		funder, err := optionalID(orgs, r.Funder)
		if err != nil {
			return err
		}
		recipient, err := optionalID(orgs, r.Recipient)
		if err != nil {
			return err
		}
		d, err := date(r.Date)
		if err != nil {
			return err
		}
		amt, cur, err := amount(r.Value)
		if err != nil {
			return err
		}
		return b.add(ctx, pid, funder, recipient, optional(r.Kind), d, amt, cur, l.now, l.now)
	})
	if err != nil {
		return err
	}
	return b.flush(ctx)
}

type agreementRec struct {
	Reference, Title, Kind, Status, SignedOn, Place string
	Parties                                         []struct{ Organisation, SignatoryName, SignatoryTitle string }
	Programmes                                      []string
}

func (l *Loader) agreements(ctx context.Context, path string) error {
	ab := l.batcher("agreements", "(reference)", "reference", "title", "kind", "status", "signed_on", "place", "created_at", "updated_at")
	var recs []agreementRec // parties need the agreements' ids: a second pass over what was read
	err := each(path, func(_ int, r agreementRec) error {
		if r.Kind != "" {
			if err := agreement.KindValidator(agreement.Kind(r.Kind)); err != nil {
				return err
			}
		}
		if r.Status != "" {
			if err := agreement.StatusValidator(agreement.Status(r.Status)); err != nil {
				return err
			}
		}
		signed, err := date(r.SignedOn)
		if err != nil {
			return err
		}
		recs = append(recs, agreementRec{Reference: r.Reference, Parties: r.Parties, Programmes: r.Programmes})
		return ab.add(ctx, optional(r.Reference), r.Title, optional(r.Kind), optional(r.Status), signed, optional(r.Place), l.now, l.now)
	})
	if err != nil {
		return err
	}
	if err := ab.flush(ctx); err != nil {
		return err
	}
	return l.agreementLinks(ctx, recs)
}

// agreementLinks adds parties (to agreements that have none yet) and the
// programmes each agreement covers.
func (l *Loader) agreementLinks(ctx context.Context, recs []agreementRec) error {
	refs, err := l.ids(ctx, "agreements", "reference")
	if err != nil {
		return err
	}
	progs, orgs, err := l.keys(ctx)
	if err != nil {
		return err
	}
	hasParties, err := l.idSet(ctx, "agreement_parties", "agreement_parties")
	if err != nil {
		return err
	}
	pb := l.batcher("agreement_parties", "", "agreement_parties", "organisation_agreement_parties", "signatory_name", "signatory_title", "created_at", "updated_at")
	cb := l.batcher("agreement_programmes", "(agreement_id, programme_id)", "agreement_id", "programme_id")
	for _, r := range recs {
		aid, err := lookup(refs, r.Reference, "agreement")
		if err != nil {
			return err
		}
		for _, p := range r.Parties {
			if hasParties[aid] {
				break
			}
			oid, err := lookup(orgs, p.Organisation, "organisation")
			if err != nil {
				return err
			}
			if err := pb.add(ctx, aid, oid, optional(p.SignatoryName), optional(p.SignatoryTitle), l.now, l.now); err != nil {
				return err
			}
		}
		for _, code := range r.Programmes {
			pid, err := lookup(progs, code, "programme")
			if err != nil {
				return err
			}
			if err := cb.add(ctx, aid, pid); err != nil {
				return err
			}
		}
	}
	if err := pb.flush(ctx); err != nil {
		return err
	}
	return cb.flush(ctx)
}

func (l *Loader) keys(ctx context.Context) (progs, orgs map[string]int, err error) {
	if progs, err = l.ids(ctx, "programmes", "code"); err != nil {
		return nil, nil, err
	}
	orgs, err = l.ids(ctx, "organisations", "acronym")
	return progs, orgs, err
}

func optionalID(m map[string]int, key string) (any, error) {
	if key == "" {
		return nil, nil
	}
	return lookup(m, key, "organisation")
}
