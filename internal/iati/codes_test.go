package iati

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// entEnum reads the values of field.Enum(name).Values(...) from a schema
// file in ent/schema, so the mappings here follow the data model.
func entEnum(t *testing.T, file, name string) []string {
	t.Helper()
	path := filepath.Join("..", "..", "ent", "schema", file)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the mappings are checked against the ent schema: %v", err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), path, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var values []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Values" {
			return true
		}
		enum, ok := sel.X.(*ast.CallExpr)
		if !ok || len(enum.Args) != 1 {
			return true
		}
		if es, ok := enum.Fun.(*ast.SelectorExpr); !ok || es.Sel.Name != "Enum" {
			return true
		}
		if lit, ok := enum.Args[0].(*ast.BasicLit); !ok || lit.Value != strconv.Quote(name) {
			return true
		}
		for _, arg := range call.Args {
			if lit, ok := arg.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				v, _ := strconv.Unquote(lit.Value)
				values = append(values, v)
			}
		}
		return false
	})
	if len(values) == 0 {
		t.Fatalf("no field.Enum(%q).Values(...) in %s", name, path)
	}
	sort.Strings(values)
	return values
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func values(m map[string]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range m {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

func without(ss []string, drop string) []string {
	var out []string
	for _, s := range ss {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

// TestMappingsCoverTheModel: every enum value of the data model has its
// IATI code, and every mapped name is an enum value.
func TestMappingsCoverTheModel(t *testing.T) {
	kinds := entEnum(t, "organisation.go", "kind")
	roles := entEnum(t, "participation.go", "role")
	statuses := entEnum(t, "programme.go", "status")
	fundingKinds := entEnum(t, "funding.go", "kind")
	runChecks(t, "", []check{
		{"kinds named after codes", keys(OrganisationTypeByKind), kinds},
		{"kinds codes map to", values(OrganisationKindByType), kinds},
		{"roles (PARTNER has no IATI code)", values(ParticipationRoleByRole), without(roles, ParticipationPartner)},
		{"roles back", keys(RoleByParticipationRole), without(roles, ParticipationPartner)},
		{"statuses", values(ProgrammeStatusByStatus), statuses},
		{"statuses back", keys(StatusByProgrammeStatus), statuses},
		{"funding kinds", values(FundingKindByTransactionType), fundingKinds},
		{"funding kinds back", keys(TransactionTypeByFundingKind), fundingKinds},
	})
}

func TestMappings(t *testing.T) {
	// Every OrganisationType code has a kind; the kind's own code maps back
	// to it.
	for code := range organisationTypes.codes {
		kind, ok := OrganisationKindByType[code]
		if !ok {
			t.Errorf("OrganisationType %s has no kind", code)
		}
		if OrganisationKindByType[OrganisationTypeByKind[kind]] != kind {
			t.Errorf("kind %s does not map back", kind)
		}
	}
	for kind, code := range OrganisationTypeByKind {
		if OrganisationKindByType[code] != kind {
			t.Errorf("%s -> %s -> %s", kind, code, OrganisationKindByType[code])
		}
	}
	runChecks(t, "", []check{
		{"the domain's table", OrganisationTypeByKind, map[string]string{
			"GOVERNMENT": "10", "LOCAL_GOVERNMENT": "11", "OTHER_PUBLIC_SECTOR": "15", "INTERNATIONAL_NGO": "21",
			"NATIONAL_NGO": "22", "REGIONAL_NGO": "23", "PUBLIC_PRIVATE_PARTNERSHIP": "30", "MULTILATERAL": "40",
			"FOUNDATION": "60", "PRIVATE_SECTOR": "70", "ACADEMIC": "80", "OTHER": "90"}},
		{"24 partner-country NGO", OrganisationKindByType["24"], KindNationalNGO},
		{"71-73 private sector", [3]string{OrganisationKindByType["71"], OrganisationKindByType["72"], OrganisationKindByType["73"]},
			[3]string{KindPrivateSector, KindPrivateSector, KindPrivateSector}},
		{"roles", ParticipationRoleByRole, map[string]string{"1": "FUNDING", "2": "ACCOUNTABLE", "3": "EXTENDING", "4": "IMPLEMENTING"}},
		{"statuses", ProgrammeStatusByStatus, map[string]string{"1": "PIPELINE", "2": "IMPLEMENTATION", "3": "FINALISATION",
			"4": "CLOSED", "5": "CANCELLED", "6": "SUSPENDED"}},
		{"transaction types", FundingKindByTransactionType, map[string]string{"1": "INCOMING_FUNDS", "2": "COMMITMENT",
			"3": "DISBURSEMENT", "4": "EXPENDITURE", "11": "COMMITMENT", "12": "PLEDGE", "13": "PLEDGE"}},
		{"funding kinds exported", TransactionTypeByFundingKind, map[string]string{"INCOMING_FUNDS": "1", "COMMITMENT": "2",
			"DISBURSEMENT": "3", "EXPENDITURE": "4", "PLEDGE": "12"}},
		{"related", LinkByRelatedType, map[string]string{"1": "PARENT", "2": "CHILD"}},
		{"names", [3]string{CodeName("TransactionType", "5"), CodeName("OrganisationType", "24"), CodeName("Nope", "1")},
			[3]string{"Interest Payment", "Partner Country based NGO", ""}},
	})
	// Valid transaction types without a Funding kind: kept by the reader,
	// skipped with a reason by the importer.
	for _, code := range []string{"5", "6", "7", "8", "9", "10"} {
		if !transactionTypes.has(code) {
			t.Errorf("%s is a TransactionType", code)
		}
		if _, ok := FundingKindByTransactionType[code]; ok {
			t.Errorf("%s should have no Funding kind", code)
		}
	}
	for code := range FundingKindByTransactionType {
		if !transactionTypes.has(code) {
			t.Errorf("mapped %s is no TransactionType", code)
		}
	}
	for code := range ParticipationRoleByRole {
		if !organisationRoles.has(code) {
			t.Errorf("mapped %s is no OrganisationRole", code)
		}
	}
	for code := range ProgrammeStatusByStatus {
		if !activityStatuses.has(code) {
			t.Errorf("mapped %s is no ActivityStatus", code)
		}
	}
}
