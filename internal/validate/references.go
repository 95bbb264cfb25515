package validate

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent/dialect/sql"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/agreement"
	"github.com/aidregistry/registry/ent/agreementparty"
	"github.com/aidregistry/registry/ent/apikey"
	"github.com/aidregistry/registry/ent/area"
	"github.com/aidregistry/registry/ent/contact"
	"github.com/aidregistry/registry/ent/country"
	"github.com/aidregistry/registry/ent/event"
	"github.com/aidregistry/registry/ent/funding"
	"github.com/aidregistry/registry/ent/organisation"
	"github.com/aidregistry/registry/ent/organisationalias"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/ent/presence"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/programmecountry"
	"github.com/aidregistry/registry/ent/result"
	"github.com/aidregistry/registry/ent/source"
	"github.com/aidregistry/registry/internal/apperr"
)

// reference is a column that points at another table's rows.
type reference struct {
	Table, Column string
}

// References lists, for each table, the columns pointing at its rows. A
// test checks it against every foreign key of the schema, so a new edge
// cannot be forgotten (ent would otherwise null some of them silently).
var References = map[string][]reference{
	organisation.Table: {
		{organisation.Table, organisation.FieldParentID},
		{presence.Table, presence.OrganisationColumn},
		{contact.Table, contact.OrganisationColumn},
		{participation.Table, participation.FieldOrganisationID},
		{funding.Table, funding.FieldFunderID},
		{funding.Table, funding.FieldRecipientID},
		{agreementparty.Table, agreementparty.OrganisationColumn},
		{apikey.Table, apikey.FieldOrganisationID},
		{organisationalias.Table, organisationalias.FieldOrganisationID},
	},
	programme.Table: {
		{programme.Table, programme.FieldParentID},
		{participation.Table, participation.FieldProgrammeID},
		{programmecountry.Table, programmecountry.FieldProgrammeID},
		{funding.Table, funding.FieldProgrammeID},
		{result.Table, result.FieldProgrammeID},
		{contact.Table, contact.ProgrammeColumn},
		{event.Table, event.FieldProgrammeID},
	},
	agreement.Table: {
		{agreementparty.Table, agreementparty.AgreementColumn},
		{funding.Table, funding.FieldAgreementID},
	},
	country.Table: {
		{organisation.Table, organisation.FieldHeadquartersID},
		{presence.Table, presence.CountryColumn},
		{programmecountry.Table, programmecountry.FieldCountryID},
		{area.Table, area.FieldCountryID},
	},
}

// counters count a table's rows matching a predicate, through ent so they
// run inside the mutation's transaction.
var counters = map[string]func(context.Context, *ent.Client, func(*sql.Selector)) (int, error){
	organisation.Table: func(ctx context.Context, c *ent.Client, p func(*sql.Selector)) (int, error) {
		return c.Organisation.Query().Where(p).Count(ctx)
	},
	presence.Table: func(ctx context.Context, c *ent.Client, p func(*sql.Selector)) (int, error) {
		return c.Presence.Query().Where(p).Count(ctx)
	},
	contact.Table: func(ctx context.Context, c *ent.Client, p func(*sql.Selector)) (int, error) {
		return c.Contact.Query().Where(p).Count(ctx)
	},
	participation.Table: func(ctx context.Context, c *ent.Client, p func(*sql.Selector)) (int, error) {
		return c.Participation.Query().Where(p).Count(ctx)
	},
	funding.Table: func(ctx context.Context, c *ent.Client, p func(*sql.Selector)) (int, error) {
		return c.Funding.Query().Where(p).Count(ctx)
	},
	agreementparty.Table: func(ctx context.Context, c *ent.Client, p func(*sql.Selector)) (int, error) {
		return c.AgreementParty.Query().Where(p).Count(ctx)
	},
	organisationalias.Table: func(ctx context.Context, c *ent.Client, p func(*sql.Selector)) (int, error) {
		return c.OrganisationAlias.Query().Where(p).Count(ctx)
	},
	apikey.Table: func(ctx context.Context, c *ent.Client, p func(*sql.Selector)) (int, error) {
		return c.APIKey.Query().Where(p).Count(ctx)
	},
	programme.Table: func(ctx context.Context, c *ent.Client, p func(*sql.Selector)) (int, error) {
		return c.Programme.Query().Where(p).Count(ctx)
	},
	programmecountry.Table: func(ctx context.Context, c *ent.Client, p func(*sql.Selector)) (int, error) {
		return c.ProgrammeCountry.Query().Where(p).Count(ctx)
	},
	result.Table: func(ctx context.Context, c *ent.Client, p func(*sql.Selector)) (int, error) {
		return c.Result.Query().Where(p).Count(ctx)
	},
	event.Table: func(ctx context.Context, c *ent.Client, p func(*sql.Selector)) (int, error) {
		return c.Event.Query().Where(p).Count(ctx)
	},
	area.Table: func(ctx context.Context, c *ent.Client, p func(*sql.Selector)) (int, error) {
		return c.Area.Query().Where(p).Count(ctx)
	},
}

// tableOf maps a mutation's type to its table.
var tableOf = map[string]string{
	"Organisation": organisation.Table, "Programme": programme.Table,
	"Agreement": agreement.Table, "Country": country.Table, "Source": source.Table,
}

// notReferenced refuses to delete a record that other records point to,
// saying which and how many, instead of leaving them dangling.
func notReferenced(ctx context.Context, m ent.Mutation) error {
	table, ok := tableOf[m.Type()]
	if !ok {
		return nil
	}
	ids, err := m.(interface {
		IDs(context.Context) ([]int, error)
	}).IDs(ctx)
	if err != nil {
		return fmt.Errorf("records to delete: %w", err)
	}
	client := m.(interface{ Client() *ent.Client }).Client()
	for _, id := range ids {
		var uses []string
		if table == source.Table {
			if uses, err = citations(ctx, client, id); err != nil {
				return err
			}
		}
		for _, ref := range References[table] {
			n, err := counters[ref.Table](ctx, client, func(s *sql.Selector) { s.Where(sql.EQ(s.C(ref.Column), id)) })
			if err != nil {
				return fmt.Errorf("count %s pointing at %s %d: %w", ref.Table, m.Type(), id, err)
			}
			if n > 0 {
				uses = append(uses, fmt.Sprintf("%d %s (%s)", n, strings.ReplaceAll(ref.Table, "_", " "), ref.Column))
			}
		}
		if len(uses) > 0 {
			return apperr.Errorf(apperr.Conflict, "this %s is still referenced by %s; change or delete those first",
				strings.ToLower(m.Type()), strings.Join(uses, ", "))
		}
	}
	return nil
}

// citations lists the records that cite a source.
func citations(ctx context.Context, c *ent.Client, id int) ([]string, error) {
	q := func() *ent.SourceQuery { return c.Source.Query().Where(source.ID(id)) }
	counts := []struct {
		name  string
		count func() (int, error)
	}{
		{"agreements", func() (int, error) { return q().QueryAgreements().Count(ctx) }},
		{"agreement parties", func() (int, error) { return q().QueryAgreementParties().Count(ctx) }},
		{"areas", func() (int, error) { return q().QueryAreas().Count(ctx) }},
		{"contacts", func() (int, error) { return q().QueryContacts().Count(ctx) }},
		{"countries", func() (int, error) { return q().QueryCountries().Count(ctx) }},
		{"events", func() (int, error) { return q().QueryEvents().Count(ctx) }},
		{"fundings", func() (int, error) { return q().QueryFundings().Count(ctx) }},
		{"organisations", func() (int, error) { return q().QueryOrganisations().Count(ctx) }},
		{"participations", func() (int, error) { return q().QueryParticipations().Count(ctx) }},
		{"presences", func() (int, error) { return q().QueryPresences().Count(ctx) }},
		{"programmes", func() (int, error) { return q().QueryProgrammes().Count(ctx) }},
		{"programme countries", func() (int, error) { return q().QueryProgrammeCountries().Count(ctx) }},
		{"results", func() (int, error) { return q().QueryResults().Count(ctx) }},
	}
	var uses []string
	for _, c := range counts {
		n, err := c.count()
		if err != nil {
			return nil, fmt.Errorf("count records citing source %d: %w", id, err)
		}
		if n > 0 {
			uses = append(uses, fmt.Sprintf("%d %s citing it", n, c.name))
		}
	}
	return uses, nil
}
