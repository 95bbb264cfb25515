// Command gen writes internal/sqljson's map of GraphQL fields to tables,
// columns and links (objects_gen.go), from the ent schema and the GraphQL
// schema, so that a field or entity added to either is covered by the SQL
// JSON path without touching the compiler. It runs under go generate in
// internal/sqljson, after ent's and gqlgen's generators.
//
// A GraphQL field goes into the map only when the two schemas say how it is
// read: entgql generated it (it is declared in the entgql schema file) from
// an ent field whose stored value is its wire value, or from an ent edge
// without arguments (an ID-typed integer holding any record's id, a JSON
// map given as a Map included, and a JSON slice of structs or pointer to a
// struct written as the GraphQL object bound to it: jsonshapes.go, also
// when the field is declared by hand with no resolver, as qualityNotes);
// or it is a Money made of the two ent fields NAME_amount and
// NAME_currency; or it is one of the connections declared by
// hand that this file names (pagedLinks, handRoots), checked against both
// schemas; or it is the list of an IATI family the programme keeps,
// named by iati.ActivityFamilies (elements.go). Everything else (hand-written fields, fields with arguments,
// custom Go types) is listed in the generated file as left to the
// resolvers.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"go/types"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"entgo.io/ent/schema/field"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	schemaDir := flag.String("ent", "../../ent/schema", "the ent schema package")
	graphDir := flag.String("graphql", "../../graph", "the directory of the GraphQL schema files")
	entFile := flag.String("entgql", "ent.graphql", "the file entgql writes, within -graphql")
	out := flag.String("out", "objects_gen.go", "the file to write")
	flag.Parse()
	if err := run(*schemaDir, *graphDir, *entFile, *out); err != nil {
		log.Fatalf("sqljson/gen: %v", err)
	}
}

func run(schemaDir, graphDir, entFile, out string) error {
	graph, err := entc.LoadGraph(schemaDir, &gen.Config{})
	if err != nil {
		return fmt.Errorf("loading the ent schema: %w", err)
	}
	schema, err := loadGraphQL(graphDir)
	if err != nil {
		return err
	}
	m := mapper{graph: graph, schema: schema, entFile: entFile}
	model, err := m.build()
	if err != nil {
		return err
	}
	src, err := render(model)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

func loadGraphQL(dir string) (*ast.Schema, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.graphql"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var sources []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading the GraphQL schema: %w", err)
		}
		sources = append(sources, &ast.Source{Name: filepath.Base(f), Input: string(b)})
	}
	schema, gerr := gqlparser.LoadSchema(sources...)
	if gerr != nil {
		return nil, fmt.Errorf("parsing the GraphQL schema: %w", gerr)
	}
	return schema, nil
}

// annotation reads entgql's annotation from an ent schema element.
func annotation(ants map[string]any) (entgql.Annotation, error) {
	var a entgql.Annotation
	if v, ok := ants[a.Name()]; ok {
		if err := a.Decode(v); err != nil {
			return a, fmt.Errorf("reading an entgql annotation: %w", err)
		}
	}
	return a, nil
}

var (
	camel = gen.Funcs["camel"].(func(string) string)
	snake = gen.Funcs["snake"].(func(string) string)
)

// pagedLinks are connections declared by hand (graph/writes.graphql) whose
// resolvers page, as entgql's Paginate does with no order, through the
// target's records that name the record in one column: history is the
// Changes whose record_id is the record's id (graph/writes.resolvers.go).
// A resolver's body is beyond what the generator can read, so the link is
// named here once, for every type that declares the field.
var pagedLinks = map[string]pagedLink{
	"history": {connection: "ChangeConnection", target: "Change", column: "record_id"},
}

type pagedLink struct{ connection, target, column string }

// resolvedLinks are lists declared by hand whose resolvers list an ent
// edge's records in id order, as the compiler lists a link:
// Organisation.aliases is obj.QueryAliases() by id
// (graph/identity.resolvers.go). Named by ent type and GraphQL field, with
// the ent edge; the map reads them as links, and the generated
// resolvedLinks tells TestObjectsLeaveResolversAlone they were checked.
var resolvedLinks = map[string]string{
	"Organisation.aliases": "aliases",
}

// handRoots are Query connections declared by hand that page an ent type
// as entgql's Paginate does, with its WhereInput, and whose other
// arguments are each one ent predicate on the argument's value:
// changes(since:) is at >= since (graph/writes.resolvers.go).
var handRoots = map[string]handRoot{
	"changes": {object: "Change", args: map[string]handArg{"since": {predicate: "AtGTE", scalar: "Time"}}},
}

type handRoot struct {
	object string
	args   map[string]handArg
}

// handArg is an argument read as the scalar and given to the predicate,
// a function of the ent type's package.
type handArg struct{ predicate, scalar string }

// fieldSpec is one generated entry of an object's fields.
type fieldSpec struct {
	Name, Kind, Column, Target, Amount, Currency, Join, Own, Other, Shape, Family string
	NonNull                                                                       bool
}

type objectSpec struct {
	Name, Table, EntType string
	Where                bool // entgql generated its WhereInput
	Fields               []fieldSpec
	Left                 []string // fields left to the resolvers, with why
	Resolved             []string // fields of resolvedLinks, read as links
}

type orderSpec struct{ Name, Column, Cursor string }

type rootSpec struct {
	Field, Object, EntType string
	Orders                 []orderSpec
	Args                   []argSpec
}

// argSpec is a hand-written root's argument: the predicate of the ent
// type's package (Package.Predicate) that takes its value, read as Scalar.
type argSpec struct{ Name, Package, Predicate, Scalar string }

type model struct {
	EntPackage string
	Objects    []objectSpec
	Roots      []rootSpec
	Shapes     []shapeSpec
}

type mapper struct {
	graph   *gen.Graph
	schema  *ast.Schema
	entFile string
	byGQL   map[string]*gen.Type
	shapes  map[string]shapeSpec      // by GraphQL type (jsonshapes.go)
	pkgs    map[string]*types.Package // Go packages of JSON columns' types, by path
}

func (m *mapper) build() (model, error) {
	md := model{EntPackage: m.graph.Config.Package}
	m.byGQL = map[string]*gen.Type{}
	for _, t := range m.graph.Nodes {
		name, ok, err := m.gqlName(t)
		if err != nil {
			return md, err
		}
		if ok {
			m.byGQL[name] = t
		}
	}
	names := make([]string, 0, len(m.byGQL))
	for name := range m.byGQL {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		obj, err := m.object(name, m.byGQL[name])
		if err != nil {
			return md, err
		}
		md.Objects = append(md.Objects, obj)
	}
	roots, err := m.roots()
	if err != nil {
		return md, err
	}
	md.Roots = roots
	md.Shapes = m.sortedShapes()
	return md, nil
}

// gqlName is the GraphQL object type entgql made of an ent type, if any.
func (m *mapper) gqlName(t *gen.Type) (string, bool, error) {
	a, err := annotation(t.Annotations)
	if err != nil {
		return "", false, fmt.Errorf("%s: %w", t.Name, err)
	}
	name := t.Name
	if a.Type != "" {
		name = a.Type
	}
	def := m.schema.Types[name]
	if a.Skip.Is(entgql.SkipType) || def == nil || def.Kind != ast.Object || t.HasCompositeID() {
		return "", false, nil
	}
	return name, true, nil
}

func (m *mapper) object(name string, t *gen.Type) (objectSpec, error) {
	obj := objectSpec{Name: name, Table: t.Table(), EntType: t.Name}
	if in := m.schema.Types[name+"WhereInput"]; in != nil && in.Kind == ast.InputObject {
		obj.Where = true
	}
	def := m.schema.Types[name]
	for _, fd := range def.Fields {
		if strings.HasPrefix(fd.Name, "__") {
			continue
		}
		spec, why, err := m.field(t, fd)
		if err != nil {
			return obj, fmt.Errorf("%s.%s: %w", name, fd.Name, err)
		}
		if why != "" {
			obj.Left = append(obj.Left, fd.Name+": "+why)
			continue
		}
		spec.Name = fd.Name
		obj.Fields = append(obj.Fields, spec)
		if _, ok := resolvedLinks[t.Name+"."+fd.Name]; ok {
			obj.Resolved = append(obj.Resolved, fd.Name)
		}
	}
	return obj, nil
}

// field maps one GraphQL field, or says why it is left to the resolvers.
func (m *mapper) field(t *gen.Type, fd *ast.FieldDefinition) (fieldSpec, string, error) {
	if link, ok := pagedLinks[fd.Name]; ok {
		return m.paged(link, fd)
	}
	if len(fd.Arguments) > 0 {
		return fieldSpec{}, "arguments", nil
	}
	if fd.Type.Name() == "Money" {
		return m.money(t, fd)
	}
	if name, ok := resolvedLinks[t.Name+"."+fd.Name]; ok {
		return m.resolvedLink(t, name, fd)
	}
	if fd.Position == nil || fd.Position.Src == nil || fd.Position.Src.Name != m.entFile {
		// A list declared by hand with no resolver of its own is the
		// ent field of its name, which gqlgen binds (qualityNotes);
		// TestObjectsLeaveResolversAlone holds the map to that.
		if f := jsonFieldNamed(t, fd.Name); f != nil && fd.Type.Elem != nil {
			return m.jsonList(f, fd)
		}
		if spec, ok := elementsField(t, fd); ok {
			return spec, "", nil
		}
		return fieldSpec{}, "declared by hand, with a resolver of its own", nil
	}
	if fd.Name == "id" {
		return fieldSpec{Kind: "globalID"}, "", nil
	}
	for _, f := range t.Fields {
		names, err := mapping(f.Annotations, f.Name)
		if err != nil {
			return fieldSpec{}, "", err
		}
		if contains(names, fd.Name) {
			return m.scalar(f, fd)
		}
	}
	for _, e := range t.Edges {
		names, err := mapping(e.Annotations, e.Name)
		if err != nil {
			return fieldSpec{}, "", err
		}
		if contains(names, fd.Name) {
			return m.edge(e, fd)
		}
	}
	return fieldSpec{}, "no ent field or edge of that name", nil
}

// resolvedLink maps a list of resolvedLinks as its ent edge, which must
// still be there and lead to many records of the field's type.
func (m *mapper) resolvedLink(t *gen.Type, edge string, fd *ast.FieldDefinition) (fieldSpec, string, error) {
	for _, e := range t.Edges {
		if e.Name != edge {
			continue
		}
		spec, why, err := m.edge(e, fd)
		if err == nil && why == "" && spec.Kind != "toMany" && spec.Kind != "manyToMany" {
			err = fmt.Errorf("resolved link %s.%s: edge %s is no list", t.Name, fd.Name, edge)
		}
		return spec, why, err
	}
	return fieldSpec{}, "", fmt.Errorf("resolved link %s.%s: no edge %s", t.Name, fd.Name, edge)
}

// paged maps a connection of pagedLinks, checking that the schemas still
// say what the entry says: the connection, first and after only, and the
// target's column.
func (m *mapper) paged(link pagedLink, fd *ast.FieldDefinition) (fieldSpec, string, error) {
	if fd.Type.Name() != link.connection {
		return fieldSpec{}, "a connection other than " + link.connection, nil
	}
	for _, a := range fd.Arguments {
		if a.Name != "first" && a.Name != "after" {
			return fieldSpec{}, "an argument other than first and after (" + a.Name + ")", nil
		}
	}
	t := m.byGQL[link.target]
	if t == nil {
		return fieldSpec{}, "", fmt.Errorf("paged link to %s, which the map does not hold", link.target)
	}
	for _, f := range t.Fields {
		if f.StorageKey() == link.column {
			return fieldSpec{Kind: "connection", Column: link.column, Target: link.target}, "", nil
		}
	}
	return fieldSpec{}, "", fmt.Errorf("paged link: %s has no column %s", link.target, link.column)
}

func mapping(ants map[string]any, name string) ([]string, error) {
	a, err := annotation(ants)
	if err != nil {
		return nil, err
	}
	if len(a.Mapping) > 0 {
		return a.Mapping, nil
	}
	return []string{camel(name)}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// scalar maps an ent field whose stored value the JSON can carry as is.
func (m *mapper) scalar(f *gen.Field, fd *ast.FieldDefinition) (fieldSpec, string, error) {
	named := fd.Type.Name()
	if def := m.schema.Types[named]; f.Type.Type == field.TypeJSON && def != nil && def.Kind == ast.Object {
		if fd.Type.Elem != nil {
			return m.jsonList(f, fd)
		}
		return m.jsonObject(f, fd)
	}
	if fd.Type.Elem != nil {
		return fieldSpec{}, "a list", nil
	}
	col := f.StorageKey()
	custom := f.Type.RType != nil && f.Type.RType.Ident != ""
	switch {
	case named == "Decimal" && custom && strings.HasSuffix(f.Type.RType.Ident, ".Decimal"):
		return fieldSpec{Kind: "decimal", Column: col}, "", nil
	case named == "Map" && f.Type.Type == field.TypeJSON && f.Type.RType != nil && f.Type.RType.Kind == reflect.Map:
		return fieldSpec{Kind: "jsonMap", Column: col}, "", nil
	case named == "ID" && (f.Type.Type == field.TypeInt || f.Type.Type == field.TypeInt64) && !custom:
		return fieldSpec{Kind: "anyID", Column: col}, "", nil
	case custom:
		return fieldSpec{}, "a Go type of its own (" + f.Type.RType.Ident + ")", nil
	case named == "Time" && f.Type.Type == field.TypeTime:
		return fieldSpec{Kind: "timestamp", Column: col}, "", nil
	case f.Type.Type == field.TypeEnum:
		def := m.schema.Types[named]
		if def == nil || def.Kind != ast.Enum || !sameEnum(f, def) {
			return fieldSpec{}, "an enum whose GraphQL values are not the stored ones", nil
		}
		return fieldSpec{Kind: "column", Column: col}, "", nil
	case f.Type.Type == field.TypeString && (named == "String" || named == "PartialDate"),
		f.Type.Type == field.TypeBool && named == "Boolean",
		(f.Type.Type == field.TypeInt || f.Type.Type == field.TypeInt32) && named == "Int":
		return fieldSpec{Kind: "column", Column: col}, "", nil
	}
	return fieldSpec{}, fmt.Sprintf("%s stored as %s", named, f.Type.Type), nil
}

func sameEnum(f *gen.Field, def *ast.Definition) bool {
	if len(f.Enums) != len(def.EnumValues) {
		return false
	}
	for _, e := range f.Enums {
		if def.EnumValues.ForName(e.Value) == nil {
			return false
		}
	}
	return true
}

// money is a Money field made of NAME_amount and NAME_currency.
func (m *mapper) money(t *gen.Type, fd *ast.FieldDefinition) (fieldSpec, string, error) {
	prefix := snake(fd.Name)
	var amount, currency *gen.Field
	for _, f := range t.Fields {
		switch f.Name {
		case prefix + "_amount":
			amount = f
		case prefix + "_currency":
			currency = f
		}
	}
	if amount == nil || currency == nil {
		return fieldSpec{}, "a Money without " + prefix + "_amount and " + prefix + "_currency", nil
	}
	return fieldSpec{Kind: "money", Amount: amount.StorageKey(), Currency: currency.StorageKey()}, "", nil
}

func (m *mapper) edge(e *gen.Edge, fd *ast.FieldDefinition) (fieldSpec, string, error) {
	target, ok, err := m.gqlName(e.Type)
	if err != nil {
		return fieldSpec{}, "", err
	}
	if !ok || target != fd.Type.Name() {
		return fieldSpec{}, "a link to a type the map does not hold", nil
	}
	if e.Unique != (fd.Type.Elem == nil) {
		return fieldSpec{}, "", fmt.Errorf("edge %s: unique is %v but the GraphQL type is %s", e.Name, e.Unique, fd.Type)
	}
	spec := fieldSpec{Target: target}
	switch {
	case e.Unique && e.OwnFK():
		spec.Kind, spec.Column = "toOne", e.Rel.Column()
	case e.Unique:
		return fieldSpec{}, "a one-to-one link held by the other side", nil
	case e.M2M():
		spec.Kind, spec.Join = "manyToMany", e.Rel.Table
		spec.Own, spec.Other = e.Rel.Columns[0], e.Rel.Columns[1]
		if e.IsInverse() {
			spec.Own, spec.Other = spec.Other, spec.Own
		}
	default:
		spec.Kind, spec.Column = "toMany", e.Rel.Column()
	}
	return spec, "", nil
}

// roots are the Query fields entgql generated as connections of ent types:
// entgql's Paginate answers them, with its WhereInput and order fields.
func (m *mapper) roots() ([]rootSpec, error) {
	var roots []rootSpec
	for _, fd := range m.schema.Query.Fields {
		if fd.Position == nil || fd.Position.Src == nil || fd.Position.Src.Name != m.entFile {
			continue
		}
		name := strings.TrimSuffix(fd.Type.Name(), "Connection")
		t := m.byGQL[name]
		if t == nil || name == fd.Type.Name() || fd.Arguments.ForName("where") == nil {
			continue
		}
		a, err := annotation(t.Annotations)
		if err != nil {
			return nil, err
		}
		if !a.MultiOrder {
			continue // a single order's cursor holds a value, not a list: not written here
		}
		root := rootSpec{Field: fd.Name, Object: name, EntType: t.Name}
		orders, err := m.orders(t, name)
		if err != nil {
			return nil, err
		}
		root.Orders = orders
		roots = append(roots, root)
	}
	hand, err := m.handRoots()
	if err != nil {
		return nil, err
	}
	roots = append(roots, hand...)
	sort.Slice(roots, func(i, j int) bool { return roots[i].Field < roots[j].Field })
	return roots, nil
}

// handRoots checks each of handRoots against the GraphQL schema (its
// arguments are first, after, where and its own) and maps it.
func (m *mapper) handRoots() ([]rootSpec, error) {
	var roots []rootSpec
	for name, h := range handRoots {
		fd := m.schema.Query.Fields.ForName(name)
		t := m.byGQL[h.object]
		if fd == nil || t == nil || fd.Type.Name() != h.object+"Connection" {
			return nil, fmt.Errorf("hand-written root %s: no Query.%s: %sConnection", name, name, h.object)
		}
		root := rootSpec{Field: name, Object: h.object, EntType: t.Name}
		for _, a := range fd.Arguments {
			switch a.Name {
			case "first", "after", "where":
				continue
			}
			arg, ok := h.args[a.Name]
			if !ok || a.Type.Name() != arg.scalar || a.Type.Elem != nil {
				return nil, fmt.Errorf("hand-written root %s: argument %s: %s is not mapped", name, a.Name, a.Type)
			}
			root.Args = append(root.Args, argSpec{Name: a.Name, Package: t.Package(), Predicate: arg.predicate, Scalar: arg.scalar})
		}
		roots = append(roots, root)
	}
	return roots, nil
}

// orders are the type's entgql order fields that are columns of its own,
// with how their values go into a cursor.
func (m *mapper) orders(t *gen.Type, name string) ([]orderSpec, error) {
	enum := m.schema.Types[name+"OrderField"]
	var orders []orderSpec
	for _, f := range t.Fields {
		a, err := annotation(f.Annotations)
		if err != nil {
			return nil, err
		}
		if a.OrderField == "" || enum == nil || enum.EnumValues.ForName(a.OrderField) == nil {
			continue
		}
		cursor := ""
		switch {
		case f.Type.RType != nil && f.Type.RType.Ident != "":
			cursor = "" // a Go type of its own: its cursor value is not a column's
		case f.Type.Type == field.TypeString, f.Type.Type == field.TypeEnum:
			cursor = "cursorString"
		case f.Type.Type == field.TypeTime:
			cursor = "cursorTime"
		}
		if cursor == "" {
			continue
		}
		orders = append(orders, orderSpec{Name: a.OrderField, Column: f.StorageKey(), Cursor: cursor})
	}
	return orders, nil
}

func render(md model) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/sqljson/gen from ent/schema and graph/*.graphql. DO NOT EDIT.\n\n")
	b.WriteString("package sqljson\n\nimport (\n\"" + md.EntPackage + "\"\n\"" + md.EntPackage + "/predicate\"\n")
	imported := map[string]bool{}
	for _, r := range md.Roots {
		for _, a := range r.Args {
			if !imported[a.Package] {
				imported[a.Package] = true
				fmt.Fprintf(&b, "%q\n", md.EntPackage+"/"+a.Package)
			}
		}
	}
	b.WriteString(")\n\n")
	b.WriteString("// objects are the GraphQL object types backed by one table, with the\n// fields this path reads from their columns and links.\nvar objects = map[string]object{\n")
	for _, o := range md.Objects {
		fmt.Fprintf(&b, "%q: {table: %q, fields: map[string]field{\n", o.Name, o.Table)
		for _, f := range o.Fields {
			fmt.Fprintf(&b, "%q: %s,\n", f.Name, f.literal())
		}
		b.WriteString("}},\n")
		if len(o.Left) > 0 {
			fmt.Fprintf(&b, "// %s, left to the resolvers:\n", o.Name)
			for _, l := range o.Left {
				fmt.Fprintf(&b, "//   %s\n", l)
			}
		}
	}
	b.WriteString("}\n\n")
	b.WriteString("// wheres read each object's entgql WhereInput.\nvar wheres = map[string]whereFunc{\n")
	for _, o := range md.Objects {
		if o.Where {
			fmt.Fprintf(&b, "%q: whereOf[ent.%sWhereInput, predicate.%s](ent.ErrEmpty%sWhereInput),\n", o.Name, o.EntType, o.EntType, o.EntType)
		}
	}
	b.WriteString("}\n\n")
	b.WriteString("// resolvedLinks are the lists declared by hand, with resolvers, that\n// the map reads as links: their resolvers list an ent edge in id order.\nvar resolvedLinks = map[string]bool{\n")
	for _, o := range md.Objects {
		for _, f := range o.Resolved {
			fmt.Fprintf(&b, "%q: true,\n", o.Name+"."+f)
		}
	}
	b.WriteString("}\n\n")
	renderShapes(&b, md.Shapes)
	b.WriteString("// roots are the Query connections entgql answers with Paginate.\nvar roots = map[string]root{\n")
	for _, r := range md.Roots {
		fmt.Fprintf(&b, "%q: {object: %q, where: whereOf[ent.%sWhereInput, predicate.%s](ent.ErrEmpty%sWhereInput), orders: map[string]orderField{\n",
			r.Field, r.Object, r.EntType, r.EntType, r.EntType)
		for _, o := range r.Orders {
			fmt.Fprintf(&b, "%q: {column: %q, cursor: %s},\n", o.Name, o.Column, o.Cursor)
		}
		b.WriteString("}")
		if len(r.Args) > 0 {
			b.WriteString(", args: map[string]argFunc{\n")
			for _, a := range r.Args {
				fmt.Fprintf(&b, "%q: arg%s(%s.%s),\n", a.Name, a.Scalar, a.Package, a.Predicate)
			}
			b.WriteString("}")
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting the generated map: %w\n%s", err, b.Bytes())
	}
	return src, nil
}

func (f fieldSpec) literal() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, fmt.Sprintf("%s: %q", k, v))
		}
	}
	parts = append(parts, "kind: "+f.Kind)
	add("column", f.Column)
	add("target", f.Target)
	add("amount", f.Amount)
	add("currency", f.Currency)
	add("join", f.Join)
	add("own", f.Own)
	add("other", f.Other)
	add("shape", f.Shape)
	add("family", f.Family)
	if f.NonNull {
		parts = append(parts, "nonNull: true")
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
