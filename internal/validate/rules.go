package validate

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/agreement"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/programmecountry"
	"github.com/aidregistry/registry/internal/countries"
	"github.com/aidregistry/registry/internal/money"
)

// maxDepth bounds the walk up a programme's parents.
const maxDepth = 1000

func checkProgramme(ctx context.Context, m *ent.ProgrammeMutation) error {
	var old *ent.Programme
	if isUpdateOne(m) {
		id, _ := m.ID()
		var err error
		if old, err = m.Client().Programme.Get(ctx, id); err != nil {
			return fmt.Errorf("read programme %d: %w", id, err)
		}
	}
	amount, cur := mergedMoney(m.BudgetAmount, m.BudgetAmountCleared, m.BudgetCurrency, m.BudgetCurrencyCleared, oldProgrammeMoney(old))
	if err := moneyPair(ctx, "budget", amount, cur, false); err != nil {
		return err
	}
	start := mergedString(m.StartDate, m.StartDateCleared, func() *string { return oldField(old, func(p *ent.Programme) *string { return p.StartDate }) })
	end := mergedString(m.EndDate, m.EndDateCleared, func() *string { return oldField(old, func(p *ent.Programme) *string { return p.EndDate }) })
	if !asPublished(ctx) {
		if err := ordered(start, end, "endDate"); err != nil {
			return err
		}
	}
	if code, ok := m.Code(); ok && !(m.Op().Is(ent.OpCreate) && vouchedFree(ctx, freeCodeKey{}, code)) {
		q := m.Client().Programme.Query().Where(programme.Code(code))
		if old != nil {
			q = q.Where(programme.IDNEQ(old.ID))
		}
		if taken, err := q.Exist(ctx); err != nil {
			return fmt.Errorf("check programme code: %w", err)
		} else if taken {
			return conflict("code", "a programme with code %q already exists", code)
		}
	}
	if parent, ok := m.ParentID(); ok && old != nil {
		return notOwnAncestor(ctx, m.Client(), old.ID, parent)
	}
	return nil
}

// notOwnAncestor walks up from the new parent; meeting the programme itself
// would make a cycle.
func notOwnAncestor(ctx context.Context, c *ent.Client, self, parent int) error {
	for i, id := 0, parent; i < maxDepth; i++ {
		if id == self {
			return invalid("parentID", "a programme cannot be its own ancestor")
		}
		p, err := c.Programme.Get(ctx, id)
		if err != nil {
			return fmt.Errorf("read programme %d: %w", id, err)
		}
		if p.ParentID == nil {
			return nil
		}
		id = *p.ParentID
	}
	return invalid("parentID", "programmes nest more than %d deep", maxDepth)
}

// Kinds of money that may be negative: IATI lets publishers correct an
// earlier disbursement or expenditure with a negative one.
var mayBeNegative = map[funding.Kind]bool{funding.KindDISBURSEMENT: true, funding.KindEXPENDITURE: true}

func checkFunding(ctx context.Context, m *ent.FundingMutation) error {
	var old *ent.Funding
	if isUpdateOne(m) {
		id, _ := m.ID()
		var err error
		if old, err = m.Client().Funding.Get(ctx, id); err != nil {
			return fmt.Errorf("read funding %d: %w", id, err)
		}
	}
	var oldMoney func() (*money.Decimal, *string)
	if old != nil {
		oldMoney = func() (*money.Decimal, *string) { return old.ValueAmount, old.ValueCurrency }
	}
	amount, cur := mergedMoney(m.ValueAmount, m.ValueAmountCleared, m.ValueCurrency, m.ValueCurrencyCleared, oldMoney)
	kind, ok := m.Kind()
	if !ok && old != nil && old.Kind != nil && !m.KindCleared() {
		kind, ok = *old.Kind, true
	}
	return moneyPair(ctx, "value", amount, cur, ok && mayBeNegative[kind])
}

func checkShare(ctx context.Context, m *ent.ProgrammeCountryMutation) error {
	var old *ent.ProgrammeCountry
	if isUpdateOne(m) {
		id, _ := m.ID()
		var err error
		if old, err = m.Client().ProgrammeCountry.Get(ctx, id); err != nil {
			return fmt.Errorf("read programme country %d: %w", id, err)
		}
	}
	pct, ok := m.SharePercent()
	if !ok || asPublished(ctx) {
		return nil // shares only change when one is given; a publisher's are kept
	}
	hundred := decimal.NewFromInt(100)
	if pct.Sign() < 0 || pct.Decimal().GreaterThan(hundred) {
		return invalid("sharePercent", "a share must be between 0 and 100, not %s", pct)
	}
	progID, hasProg := m.ProgrammeID()
	if !hasProg && old != nil {
		progID, hasProg = old.ProgrammeID, true
	}
	if !hasProg {
		return nil
	}
	others := m.Client().ProgrammeCountry.Query().Where(programmecountry.ProgrammeID(progID), programmecountry.SharePercentNotNil())
	if old != nil {
		others = others.Where(programmecountry.IDNEQ(old.ID))
	}
	rows, err := others.All(ctx)
	if err != nil {
		return fmt.Errorf("read shares of programme %d: %w", progID, err)
	}
	sum := pct.Decimal()
	for _, r := range rows {
		sum = sum.Add(r.SharePercent.Decimal())
	}
	if sum.GreaterThan(hundred) {
		return invalid("sharePercent", "the programme's country shares would add up to %s%%, more than 100", sum.String())
	}
	return nil
}

func checkOrganisation(ctx context.Context, m *ent.OrganisationMutation) error {
	ref, ok := m.IatiRef()
	if !ok || (m.Op().Is(ent.OpCreate) && vouchedFree(ctx, freeIdentifierKey{}, ref)) {
		return nil
	}
	q := m.Client().Organisation.Query().Where(organisation.IatiRef(ref))
	if id, has := m.ID(); has {
		q = q.Where(organisation.IDNEQ(id))
	}
	taken, err := q.Exist(ctx)
	if err != nil {
		return fmt.Errorf("check IATI identifier: %w", err)
	}
	if taken {
		return conflict("iatiRef", "an organisation with IATI identifier %q already exists", ref)
	}
	return nil
}

func checkAgreement(ctx context.Context, m *ent.AgreementMutation) error {
	ref, ok := m.Reference()
	if !ok {
		return nil
	}
	q := m.Client().Agreement.Query().Where(agreement.Reference(ref))
	if id, has := m.ID(); has {
		q = q.Where(agreement.IDNEQ(id))
	}
	taken, err := q.Exist(ctx)
	if err != nil {
		return fmt.Errorf("check agreement reference: %w", err)
	}
	if taken {
		return conflict("reference", "an agreement with reference %q already exists", ref)
	}
	return nil
}

func checkEvent(ctx context.Context, m *ent.EventMutation) error {
	var old *ent.Event
	if isUpdateOne(m) {
		id, _ := m.ID()
		var err error
		if old, err = m.Client().Event.Get(ctx, id); err != nil {
			return fmt.Errorf("read event %d: %w", id, err)
		}
	}
	start := mergedString(m.StartsOn, m.StartsOnCleared, func() *string { return oldField(old, func(e *ent.Event) *string { return e.StartsOn }) })
	end := mergedString(m.EndsOn, m.EndsOnCleared, func() *string { return oldField(old, func(e *ent.Event) *string { return e.EndsOn }) })
	return ordered(start, end, "endsOn")
}

// isoCodes are the ISO 3166-1 states, alpha-2 to alpha-3.
var isoCodes = func() map[string]string {
	m := map[string]string{}
	for _, c := range countries.List() {
		m[c.ISO2] = c.ISO3
	}
	return m
}()

// checkCountry keeps the country table to ISO 3166-1: a code outside the
// standard would not be understood by any other system.
func checkCountry(m *ent.CountryMutation) error {
	iso2, has2 := m.Iso2()
	iso3, has3 := m.Iso3()
	if has2 {
		want, ok := isoCodes[iso2]
		if !ok {
			return invalid("iso2", "%q is not an ISO 3166-1 alpha-2 code", iso2)
		}
		if has3 && iso3 != want {
			return invalid("iso3", "the ISO 3166-1 alpha-3 code of %s is %s, not %q", iso2, want, iso3)
		}
		return nil
	}
	if has3 {
		return invalid("iso3", "change iso3 together with iso2")
	}
	return nil
}
