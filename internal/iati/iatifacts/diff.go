package iatifacts

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Diff lists the differences between two activities, normally both from
// Canonical, as readable lines, empty when they are equal:
//
//	@hierarchy: 1 != 2
//	transaction[3]/value: text 100 != 100.00
//	transaction[3]/value/@currency: missing in b
//	sector[2]: missing in b
//	{http://d-portal.org/xmlns/dstore}x: missing in a
//
// A path names elements by local name ("{uri}local" in other namespaces)
// and attributes as @name, @xml:lang or @{uri}name. An element gets a
// 1-based index among its same-named siblings when either side has more than
// one; the index is a's, or b's for "missing in a". Attributes compare as a
// set. Same-named siblings are aligned, not just paired by position:
// identical elements are matched first (longest common subsequence), and the
// rest between them are paired or reported missing so as to give the fewest
// lines, so one removed sector is one line.
func Diff(a, b *Node) []string {
	var out []string
	diffNode("", a, b, &out)
	return out
}

func diffNode(path string, a, b *Node, out *[]string) {
	if a.key() != b.key() {
		*out = append(*out, fmt.Sprintf("%s: name %s != %s", orRoot(path), a.key(), b.key()))
		return
	}
	diffAttrs(path, a, b, out)
	if a.Text != b.Text {
		ta, tb := clip(a.Text, b.Text)
		*out = append(*out, fmt.Sprintf("%s: text %s != %s", orRoot(path), ta, tb))
	}
	diffChildren(path, a.Children, b.Children, out)
}

func orRoot(path string) string {
	if path == "" {
		return "."
	}
	return path
}

func join(path, step string) string {
	if path == "" {
		return step
	}
	return path + "/" + step
}

func attrName(a Attr) string {
	switch a.Space {
	case "":
		return "@" + a.Name
	case XMLNamespace:
		return "@xml:" + a.Name
	}
	return "@{" + a.Space + "}" + a.Name
}

func diffAttrs(path string, a, b *Node, out *[]string) {
	type k struct{ space, name string }
	am := map[k]Attr{}
	bm := map[k]Attr{}
	var keys []k
	for _, x := range a.Attrs {
		am[k{x.Space, x.Name}] = x
		keys = append(keys, k{x.Space, x.Name})
	}
	for _, x := range b.Attrs {
		if _, ok := am[k{x.Space, x.Name}]; !ok {
			keys = append(keys, k{x.Space, x.Name})
		}
		bm[k{x.Space, x.Name}] = x
	}
	sort.SliceStable(keys, func(i, j int) bool {
		if keys[i].space != keys[j].space {
			return keys[i].space < keys[j].space
		}
		return keys[i].name < keys[j].name
	})
	for _, key := range keys {
		x, inA := am[key]
		y, inB := bm[key]
		switch {
		case !inB:
			*out = append(*out, fmt.Sprintf("%s: missing in b", join(path, attrName(x))))
		case !inA:
			*out = append(*out, fmt.Sprintf("%s: missing in a", join(path, attrName(y))))
		case x.Value != y.Value:
			va, vb := clip(x.Value, y.Value)
			*out = append(*out, fmt.Sprintf("%s: %s != %s", join(path, attrName(x)), va, vb))
		}
	}
}

// clip shows two different strings readably: quoted when empty or holding
// more than plain spaces, and cut around the first difference when long.
func clip(a, b string) (string, string) {
	const before, width = 20, 60
	if len(a) > width || len(b) > width {
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		start := max(i-before, 0)
		for start > 0 && !utf8.RuneStart(a[start]) {
			start--
		}
		a, b = cut(a, start, width), cut(b, start, width)
	}
	return show(a), show(b)
}

func cut(s string, start, width int) string {
	if start > len(s) {
		start = len(s)
	}
	end := min(start+width, len(s))
	for end < len(s) && !utf8.RuneStart(s[end]) {
		end++
	}
	r := s[start:end]
	if start > 0 {
		r = "…" + r
	}
	if end < len(s) {
		r += "…"
	}
	return r
}

func show(s string) string {
	if s == "" || strings.ContainsAny(s, "\t\r\n") || strings.TrimSpace(s) != s {
		return strconv.Quote(s)
	}
	return s
}

// diffChildren compares children group by group, a group being the
// same-named siblings, in order of the names' first appearance in a, then b.
func diffChildren(path string, as, bs []*Node, out *[]string) {
	var keys []string
	ga := map[string][]*Node{}
	gb := map[string][]*Node{}
	for _, c := range as {
		if _, ok := ga[c.key()]; !ok {
			keys = append(keys, c.key())
		}
		ga[c.key()] = append(ga[c.key()], c)
	}
	for _, c := range bs {
		if _, ok := ga[c.key()]; !ok {
			if _, ok := gb[c.key()]; !ok {
				keys = append(keys, c.key())
			}
		}
		gb[c.key()] = append(gb[c.key()], c)
	}
	for _, key := range keys {
		diffGroup(path, key, ga[key], gb[key], out)
	}
}

// diffGroup aligns same-named siblings: identical subtrees by longest common
// subsequence, then each gap between them by the alignment with the fewest
// difference lines (a pair costs its lines, a missing element one).
func diffGroup(path, key string, as, bs []*Node, out *[]string) {
	indexed := len(as) > 1 || len(bs) > 1
	step := func(i int) string {
		if indexed {
			return join(path, key+"["+strconv.Itoa(i+1)+"]")
		}
		return join(path, key)
	}
	fa := make([]string, len(as))
	fb := make([]string, len(bs))
	for i, n := range as {
		fa[i] = fingerprint(n)
	}
	for i, n := range bs {
		fb[i] = fingerprint(n)
	}
	// Longest common subsequence of identical subtrees.
	n, m := len(as), len(bs)
	l := make([][]int32, n+1)
	for i := range l {
		l[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if fa[i] == fb[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	i, j := 0, 0
	gi, gj := 0, 0 // start of the current gap
	for i < n && j < m {
		switch {
		case fa[i] == fb[j]:
			alignGap(as, bs, gi, i, gj, j, step, out)
			i++
			j++
			gi, gj = i, j
		case l[i+1][j] >= l[i][j+1]:
			i++
		default:
			j++
		}
	}
	alignGap(as, bs, gi, n, gj, m, step, out)
}

// alignGap reports as[a0:a1] against bs[b0:b1], none of them identical.
func alignGap(as, bs []*Node, a0, a1, b0, b1 int, step func(int) string, out *[]string) {
	n, m := a1-a0, b1-b0
	if n == 0 && m == 0 {
		return
	}
	missingB := func(i int) { *out = append(*out, step(i)+": missing in b") }
	missingA := func(j int) { *out = append(*out, step(j)+": missing in a") }
	if n == m || n*m > 10000 {
		// Same count, or too many to align: pair by position.
		k := min(n, m)
		for x := 0; x < k; x++ {
			diffNode(step(a0+x), as[a0+x], bs[b0+x], out)
		}
		for x := k; x < n; x++ {
			missingB(a0 + x)
		}
		for x := k; x < m; x++ {
			missingA(b0 + x)
		}
		return
	}
	// Edit distance where a pair costs its difference lines.
	pair := make([][][]string, n)
	for x := range pair {
		pair[x] = make([][]string, m)
		for y := range pair[x] {
			var lines []string
			diffNode(step(a0+x), as[a0+x], bs[b0+y], &lines)
			pair[x][y] = lines
		}
	}
	cost := make([][]int, n+1)
	for x := range cost {
		cost[x] = make([]int, m+1)
	}
	for x := n; x >= 0; x-- {
		for y := m; y >= 0; y-- {
			switch {
			case x == n && y == m:
				cost[x][y] = 0
			case x == n:
				cost[x][y] = 1 + cost[x][y+1]
			case y == m:
				cost[x][y] = 1 + cost[x+1][y]
			default:
				cost[x][y] = min(len(pair[x][y])+cost[x+1][y+1], 1+cost[x+1][y], 1+cost[x][y+1])
			}
		}
	}
	x, y := 0, 0
	for x < n || y < m {
		switch {
		case x < n && y < m && cost[x][y] == len(pair[x][y])+cost[x+1][y+1]:
			*out = append(*out, pair[x][y]...)
			x++
			y++
		case x < n && cost[x][y] == 1+cost[x+1][y]:
			missingB(a0 + x)
			x++
		default:
			missingA(b0 + y)
			y++
		}
	}
}

// fingerprint serializes a subtree unambiguously, attributes as a set.
func fingerprint(n *Node) string {
	var sb strings.Builder
	var walk func(*Node)
	field := func(s string) {
		sb.WriteString(strconv.Itoa(len(s)))
		sb.WriteByte(':')
		sb.WriteString(s)
	}
	walk = func(n *Node) {
		sb.WriteByte('<')
		field(n.Space)
		field(n.Name)
		attrs := append([]Attr(nil), n.Attrs...)
		sort.Slice(attrs, func(i, j int) bool {
			if attrs[i].Space != attrs[j].Space {
				return attrs[i].Space < attrs[j].Space
			}
			return attrs[i].Name < attrs[j].Name
		})
		for _, a := range attrs {
			sb.WriteByte('@')
			field(a.Space)
			field(a.Name)
			field(a.Value)
		}
		sb.WriteByte('"')
		field(n.Text)
		for _, c := range n.Children {
			walk(c)
		}
		sb.WriteByte('>')
	}
	walk(n)
	return sb.String()
}
