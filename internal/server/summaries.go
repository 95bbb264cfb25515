package server

import (
	"context"
	"io"
	"maps"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/aidregistry/registry/internal/analytics"
	"github.com/aidregistry/registry/internal/readcache"
	"github.com/aidregistry/registry/internal/sqljson"
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

// summaryTables are the tables each summary reads whatever its filter and
// selection: the rows it adds up and the records its buckets are by. The
// records a bucket's selection follows further (a funder's aliases, say)
// are added from the selection (selectionReads).
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
// cache (internal/readcache): its own and those its buckets' records lead
// to, when its where input stays within them and its selection asks
// nothing of a resolver; else nil (any write makes it stale).
func summaryReads(schema *ast.Schema) readcache.Reads {
	return func(op *graphql.OperationContext, f graphql.CollectedField, args map[string]any) []string {
		own := summaryTables[f.Name]
		if own == nil || f.Definition == nil {
			return nil
		}
		if arg := f.Definition.Arguments.ForName("where"); arg != nil && !withinTables(schema, arg.Type, args["where"]) {
			return nil
		}
		tables := map[string]bool{}
		for _, t := range own {
			tables[t] = true
		}
		if !selectionReads(op, schema, f.Definition.Type.Name(), f.Selections, tables) {
			return nil
		}
		return slices.Sorted(maps.Keys(tables))
	}
}

// selectionReads adds the tables of the records a summary's selection on
// typ reaches: a value the summary computes (a bucket, its totals) reads
// none of its own, a record (a bucket's funder) reads what sqljson.Reads
// says. False when some field's reads are unknown.
func selectionReads(op *graphql.OperationContext, schema *ast.Schema, typ string, sel ast.SelectionSet, tables map[string]bool) bool {
	if sqljson.Entity(typ) {
		return sqljson.Reads(op, typ, sel, tables)
	}
	for _, cf := range graphql.CollectFields(op, sel, []string{typ}) {
		if cf.Definition == nil {
			continue // __typename
		}
		def := schema.Types[cf.Definition.Type.Name()]
		if def != nil && def.Kind == ast.Object && !selectionReads(op, schema, def.Name, cf.Selections, tables) {
			return false
		}
	}
	return true
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
