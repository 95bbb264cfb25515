package sqljson

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/aidregistry/registry/ent/migrate"
	"github.com/aidregistry/registry/graph"
	"github.com/aidregistry/registry/graph/generated"
)

// TestObjectsMatchSchema: every field the path builds exists in the GraphQL
// schema with the type it assumes, and every column and table it reads
// exists in the database schema, so a renamed field or column fails here
// rather than sending clients to the fallback (or wrong JSON) unnoticed.
func TestObjectsMatchSchema(t *testing.T) {
	gql := graph.NewSchema(nil).Schema()
	tables := map[string]map[string]bool{}
	for _, tb := range migrate.Tables {
		cols := map[string]bool{}
		for _, c := range tb.Columns {
			cols[c.Name] = true
		}
		tables[tb.Name] = cols
	}
	hasColumn := func(table, column string) {
		t.Helper()
		if !tables[table][column] {
			t.Errorf("table %s has no column %s", table, column)
		}
	}
	for typ, obj := range objects {
		def := gql.Types[typ]
		if def == nil || def.Kind != ast.Object {
			t.Errorf("GraphQL schema has no object type %s", typ)
			continue
		}
		if tables[obj.table] == nil {
			t.Errorf("%s: no table %s", typ, obj.table)
		}
		for name, f := range obj.fields {
			fd := def.Fields.ForName(name)
			if fd == nil {
				t.Errorf("%s.%s is not in the GraphQL schema", typ, name)
				continue
			}
			for _, a := range fd.Arguments {
				if f.kind != connection || a.Name != "first" && a.Name != "after" {
					t.Errorf("%s.%s takes %s, which this path ignores", typ, name, a.Name)
				}
			}
			named := fd.Type.Name()
			switch f.kind {
			case column, decimal, timestamp:
				hasColumn(obj.table, f.column)
				if gql.Types[named].Kind != ast.Scalar && gql.Types[named].Kind != ast.Enum {
					t.Errorf("%s.%s is a %s, not a scalar", typ, name, named)
				}
				if (f.kind == decimal) != (named == "Decimal") {
					t.Errorf("%s.%s is a %s: read it as decimal only if it is a Decimal", typ, name, named)
				}
			case anyID, jsonMap:
				hasColumn(obj.table, f.column)
				if want := map[kind]string{anyID: "ID", jsonMap: "Map"}[f.kind]; named != want {
					t.Errorf("%s.%s is a %s, not a %s", typ, name, named, want)
				}
			case jsonObject:
				hasColumn(obj.table, f.column)
				if _, ok := shapes[f.shape]; !ok || named != f.shape || fd.Type.Elem != nil || fd.Type.NonNull {
					t.Errorf("%s.%s is a %s, not a nullable %s", typ, name, fd.Type, f.shape)
				}
			case jsonList:
				hasColumn(obj.table, f.column)
				if _, ok := shapes[f.shape]; !ok || named != f.shape || fd.Type.Elem == nil || fd.Type.NonNull != f.nonNull {
					t.Errorf("%s.%s is a %s, not a list of %s (non-null %v)", typ, name, fd.Type, f.shape, f.nonNull)
				}
			case elements:
				hasColumn(obj.table, f.column)
				if _, ok := views[f.shape]; !ok || named != f.shape || fd.Type.Elem == nil || !fd.Type.NonNull {
					t.Errorf("%s.%s is a %s, not a non-null list of the view %s", typ, name, fd.Type, f.shape)
				}
			case connection:
				if named != f.target+"Connection" {
					t.Errorf("%s.%s is a %s, not a connection of %s", typ, name, named, f.target)
				}
				hasColumn(objects[f.target].table, f.column)
			case globalID:
				if named != "ID" {
					t.Errorf("%s.%s is a %s, not an ID", typ, name, named)
				}
			case money:
				hasColumn(obj.table, f.amount)
				hasColumn(obj.table, f.currency)
				if named != "Money" {
					t.Errorf("%s.%s is a %s, not Money", typ, name, named)
				}
			case toOne, toMany, manyToMany:
				if named != f.target {
					t.Errorf("%s.%s links %s, not %s", typ, name, named, f.target)
				}
				if isList := fd.Type.Elem != nil; isList != (f.kind != toOne) {
					t.Errorf("%s.%s: list is %v in the schema", typ, name, isList)
				}
				target := objects[f.target]
				switch f.kind {
				case toOne:
					hasColumn(obj.table, f.column)
				case toMany:
					hasColumn(target.table, f.column)
				case manyToMany:
					hasColumn(f.join, f.own)
					hasColumn(f.join, f.other)
				}
			}
		}
	}
}

// TestObjectsLeaveResolversAlone: no field of the generated map has a
// resolver of its own in gqlgen's generated code, except Money, whose rule
// (null unless both halves are there, as money.New) the compiler repeats,
// the connections the generator names (history: a page of the records
// naming this one, in its pagedLinks) and the IATI families' views
// (elements.go), whose resolvers the equality tests of internal/server
// hold it to; every other resolver computes in Go what
// SQL would only guess.
func TestObjectsLeaveResolversAlone(t *testing.T) {
	root := reflect.TypeOf((*generated.ResolverRoot)(nil)).Elem()
	for i := 0; i < root.NumMethod(); i++ {
		typ := root.Method(i)
		resolver := typ.Type.Out(0)
		if _, ok := shapes[typ.Name]; ok {
			t.Errorf("%s has resolvers of its own, yet the map reads it from stored JSON", typ.Name)
		}
		obj, ok := objects[typ.Name]
		if !ok {
			continue
		}
		for j := 0; j < resolver.NumMethod(); j++ {
			name := resolver.Method(j).Name
			for field, f := range obj.fields {
				if strings.EqualFold(field, name) && f.kind != money && f.kind != connection && f.kind != elements && !resolvedLinks[typ.Name+"."+field] {
					t.Errorf("%s.%s has a resolver of its own, yet the map reads it from the tables", typ.Name, field)
				}
			}
		}
	}
}

// TestRootsMatchSchema: every generated root is a Query connection of its
// object type, with order fields of its order enum.
func TestRootsMatchSchema(t *testing.T) {
	gql := graph.NewSchema(nil).Schema()
	for name, r := range roots {
		if _, err := rootOf(gql, name, r); err != nil {
			t.Error(err)
			continue
		}
		if _, ok := objects[r.object]; !ok {
			t.Errorf("%s: no object %s", name, r.object)
		}
		enum := gql.Types[r.object+"OrderField"]
		for o := range r.orders {
			if enum == nil || enum.EnumValues.ForName(o) == nil {
				t.Errorf("%s: %s is not a value of %sOrderField", name, o, r.object)
			}
		}
	}
}

// TestViewsMatchSchema: every element view reads every field of its
// GraphQL type, each as the type's field asks (a String for an attribute
// or a text, a non-null list of strings or of another view, a nullable
// view, Money), and nothing the type lacks, so a field added to a view's
// type fails here until the view reads it.
func TestViewsMatchSchema(t *testing.T) {
	gql := graph.NewSchema(nil).Schema()
	for view, rules := range views {
		def := gql.Types[view]
		if def == nil || def.Kind != ast.Object {
			t.Errorf("GraphQL schema has no object type %s", view)
			continue
		}
		for _, fd := range def.Fields {
			if _, ok := rules[fd.Name]; !ok && !strings.HasPrefix(fd.Name, "__") {
				t.Errorf("view %s does not read %s", view, fd.Name)
			}
		}
		for name, r := range rules {
			fd := def.Fields.ForName(name)
			if fd == nil {
				t.Errorf("%s.%s is not in the GraphQL schema", view, name)
				continue
			}
			typ := fd.Type
			ok := len(fd.Arguments) == 0
			switch r.kind {
			case elemAttr, elemText:
				ok = ok && typ.String() == "String!"
			case elemAttrList:
				ok = ok && typ.String() == "[String!]!"
			case elemChildren:
				ok = ok && typ.NonNull && typ.Elem != nil && typ.Elem.NonNull && typ.Elem.Name() == r.view && views[r.view] != nil
			case elemObject:
				ok = ok && !typ.NonNull && typ.Elem == nil && typ.Name() == r.view && views[r.view] != nil
			case elemMoney:
				ok = ok && !typ.NonNull && typ.Elem == nil && typ.Name() == "Money"
			default:
				ok = false
			}
			if !ok {
				t.Errorf("%s.%s is a %s, which its rule (kind %d) does not give", view, name, typ, r.kind)
			}
		}
	}
}
