package server

import (
	"context"
	"io"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/aidregistry/registry/internal/analytics"
	"github.com/aidregistry/registry/internal/readcache"
)

// summariesJSON lets the summary resolvers build their whole answer as JSON
// in one SQL statement (internal/analytics, PostgreSQL) and writes that
// JSON as the field's value. The resolvers still parse and check the
// arguments, so a bad request is refused as before, and they answer
// through the Go path whatever the SQL does not cover. It runs inside the
// answer cache and the summary queue (limitSummaries), so both see it.
func summariesJSON(fields ...string) graphql.RootFieldMiddleware {
	summary := map[string]bool{}
	for _, f := range fields {
		summary[f] = true
	}
	return func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		rc := graphql.GetRootFieldContext(ctx)
		if rc == nil || !summary[rc.Field.Name] {
			return next(ctx)
		}
		ctx = analytics.WithSQLJSON(ctx)
		m := next(ctx)
		if b, ok := analytics.Answered(ctx); ok {
			return graphql.WriterFunc(func(w io.Writer) { _, _ = w.Write(b) })
		}
		return m
	}
}

// summaryTables are the tables each summary reads whatever its filter: the
// rows it adds up and the records its buckets point at.
var summaryTables = map[string][]string{
	"fundingSummary": {"fundings", "programmes", "participations", "programme_countries", "organisations", "countries",
		"sectors", "exchange_rates"},
	"programmeSummary": {"programmes", "participations", "programme_countries", "organisations", "countries", "sectors"},
}

// whereTables are the tables the where inputs of those tables read; a
// filter through any other input (agreements, events...) reads tables, or
// join tables, the list does not follow, and then every table counts.
var whereTables = map[string]string{
	"FundingWhereInput": "fundings", "ProgrammeWhereInput": "programmes", "ParticipationWhereInput": "participations",
	"ProgrammeCountryWhereInput": "programme_countries", "OrganisationWhereInput": "organisations",
	"CountryWhereInput": "countries", "SectorWhereInput": "sectors",
}

// summaryReads names the tables a summary's answer reads, for the answer
// cache (internal/readcache): its own, when its where input stays within
// them, else nil (any write makes it stale).
func summaryReads(schema *ast.Schema) readcache.Reads {
	return func(f graphql.CollectedField, args map[string]any) []string {
		tables := summaryTables[f.Name]
		if tables == nil || f.Definition == nil {
			return nil
		}
		if arg := f.Definition.Arguments.ForName("where"); arg != nil && !withinTables(schema, arg.Type, args["where"]) {
			return nil
		}
		return tables
	}
}

// withinTables walks a where value along its input type and says whether
// every input object in it filters one of whereTables.
func withinTables(schema *ast.Schema, typ *ast.Type, v any) bool {
	if v == nil {
		return true
	}
	if list, ok := v.([]any); ok {
		for _, item := range list {
			if !withinTables(schema, typ, item) {
				return false
			}
		}
		return true
	}
	def := schema.Types[typ.Name()]
	if def == nil || def.Kind != ast.InputObject {
		return def != nil // scalars and enums read no table
	}
	fields, ok := v.(map[string]any)
	if _, known := whereTables[def.Name]; !ok || !known {
		return false
	}
	for name, fv := range fields {
		fd := def.Fields.ForName(name)
		if fd == nil || !withinTables(schema, fd.Type, fv) {
			return false
		}
	}
	return true
}
