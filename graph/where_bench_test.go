package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/ent/participation"
	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/ent/programmecountry"
)

// q2Where is the filter of the benchmark's Q2 (shared/bench/queries), as
// gqlgen hands it to the programmes resolver: what ORG0001 funds in Somalia.
func q2Where() *ent.ProgrammeWhereInput {
	beneficiary, funding := programmecountry.RoleBENEFICIARY, participation.RoleFUNDING
	so, org := "SO", "ORG0001"
	return &ent.ProgrammeWhereInput{And: []*ent.ProgrammeWhereInput{
		{HasCountriesWith: []*ent.ProgrammeCountryWhereInput{{
			Role:           &beneficiary,
			HasCountryWith: []*ent.CountryWhereInput{{Iso2: &so}},
		}}},
		{HasParticipationsWith: []*ent.ParticipationWhereInput{{
			Role:                &funding,
			HasOrganisationWith: []*ent.OrganisationWhereInput{{Acronym: &org}},
		}}},
	}}
}

// translate turns a where input into the SQL of the query it filters:
// WhereInput.P(), applied to a selector over programmes, rendered.
func translate(tb testing.TB, d string, where *ent.ProgrammeWhereInput) (string, []any) {
	p, err := where.P()
	if err != nil {
		tb.Fatal(err)
	}
	sel := entsql.Dialect(d).Select(programme.FieldID).From(entsql.Table(programme.Table))
	p(sel)
	return sel.Query()
}

var dialects = []string{dialect.Postgres, dialect.SQLite}

// TestWhereTranslation checks what BenchmarkWhereTranslation measures: Q2's
// filter becomes EXISTS sub-queries (two, each with one nested) with the
// four values as arguments.
func TestWhereTranslation(t *testing.T) {
	for _, d := range dialects {
		query, args := translate(t, d, q2Where())
		if n := strings.Count(query, "EXISTS"); n != 4 {
			t.Errorf("%s: %d EXISTS in %s", d, n, query)
		}
		if got, want := fmt.Sprint(args...), fmt.Sprint("BENEFICIARY", "SO", "FUNDING", "ORG0001"); got != want {
			t.Errorf("%s: arguments %v, want %v (query %s)", d, args, want, query)
		}
	}
}

// BenchmarkWhereTranslation measures turning Q2's ProgrammeWhereInput into
// SQL text and arguments, per dialect; no database is involved:
//
//	go test ./graph -run '^$' -bench WhereTranslation -benchmem
func BenchmarkWhereTranslation(b *testing.B) {
	where := q2Where()
	for _, d := range dialects {
		b.Run(d, func(b *testing.B) {
			b.ReportAllocs()
			var query string
			for b.Loop() {
				query, _ = translate(b, d, where)
			}
			b.ReportMetric(float64(len(query)), "sql-bytes")
		})
	}
	// The two halves: building the predicate tree, and rendering it.
	b.Run("P only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := where.P(); err != nil {
				b.Fatal(err)
			}
		}
	})
	p, err := where.P()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Query only/"+dialect.Postgres, func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sel := entsql.Dialect(dialect.Postgres).Select(programme.FieldID).From(entsql.Table(programme.Table))
			p(sel)
			_, _ = sel.Query()
		}
	})
}
