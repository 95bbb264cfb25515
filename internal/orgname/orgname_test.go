package orgname

import "testing"

func TestKey(t *testing.T) {
	same := [][]string{
		{"International Organization for Migration (IOM)", "INTERNATIONAL ORGANIZATION FOR MIGRATION", "The International Organization for Migration"},
		{"United Nations Children's Fund (UNICEF)", "UNITED NATIONS CHILDREN'S FUND", "United Nations Children’s Fund"},
		{"Agencia Española de Cooperación", "AGENCIA ESPANOLA DE COOPERACION"},
		{"UN Women", "un-women"},
	}
	for _, names := range same {
		for _, n := range names[1:] {
			if Key(n) != Key(names[0]) {
				t.Errorf("Key(%q) = %q, Key(%q) = %q; want equal", n, Key(n), names[0], Key(names[0]))
			}
		}
	}
	differ := [][2]string{
		{"International Organisation for Migration", "International Organization for Migration"},
		{"Government of Norway", "Government of Denmark"},
		{"The World Bank", "World Bank Group"},
	}
	for _, d := range differ {
		if Key(d[0]) == Key(d[1]) {
			t.Errorf("Key(%q) = Key(%q) = %q; want different", d[0], d[1], Key(d[0]))
		}
	}
	if got := Key("(IOM)"); got != "iom" {
		t.Errorf("Key of an acronym alone = %q, want iom", got)
	}
	if got := Key("The"); got != "the" {
		t.Errorf("Key(The) = %q", got)
	}
}

func TestSimilarKey(t *testing.T) {
	pairs := [][2]string{
		{"GOVERNMENT OF RUSSIAN FEDERATION", "Government of the Russian Federation"},
		{"International Organisation for Migration", "International Organization for Migration (IOM)"},
	}
	for _, p := range pairs {
		if SimilarKey(p[0]) != SimilarKey(p[1]) {
			t.Errorf("SimilarKey(%q) = %q, SimilarKey(%q) = %q", p[0], SimilarKey(p[0]), p[1], SimilarKey(p[1]))
		}
	}
}

func TestAcronym(t *testing.T) {
	for name, want := range map[string]string{
		"International Organization for Migration (IOM)": "IOM",
		"UN HIGH COMMISSIONER FOR REFUGEES (UNHCR)":      "UNHCR",
		"World Food Programme":                           "",
	} {
		if got := Acronym(name); got != want {
			t.Errorf("Acronym(%q) = %q, want %q", name, got, want)
		}
	}
}
