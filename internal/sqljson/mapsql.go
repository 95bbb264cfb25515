package sqljson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// gqlgen writes a Map with encoding/json's encoder of the map[string]any
// ent reads: every object's keys sorted by byte, <, > and & (and U+2028,
// U+2029) escaped, numbers written as float64s. PostgreSQL's jsonb keeps
// keys shortest first and writes numbers out in full (json, which the
// history keeps, keeps the text as written), and writing the encoder's
// rules in SQL (unfolding the value into its members with a recursive
// query) made the planner expect thousands of rows for each and compile
// the statement (JIT) for seconds. So PostgreSQL writes the stored text
// as it is, wrapped in a mark, and the record's JSON is finished in Go by
// the encoder itself (finishMaps); SQLite runs the same Go as a function
// (registry_map).

// mapMark opens the object a Map's stored text is wrapped in. Its key
// holds a NUL character, so nothing the compiler writes outside a mark
// holds it: names are GraphQL's, strings hold no unescaped quote, and the
// JSON columns written as they are (a Float's list, elements) are jsonb,
// which refuses \u0000. A Map's own text may hold it (the history's before
// and after are json, which does not refuse it), and may even spell a
// mark, but a marked Map is decoded whole and written straight out, never
// looked at again for marks (finishMarked), so what it holds is only
// ever data.
const mapMark = `{"\u0000m":`

// markNUL is the NUL escaped that mapMark and floatMark both hold.
const markNUL = `\u0000`

// markOpen is what every mark opens with.
const markOpen = `{"` + markNUL

// markedMap is a Map column's text (json or jsonb) wrapped in the mark,
// null for null.
func markedMap(column string) string {
	return "CASE WHEN " + column + " IS NULL THEN NULL ELSE ('" + mapMark + "' || " + column + "::text || '}')::json END"
}

// marked is a kind of marked value: its mark, and write, which writes the
// value that follows the mark and says how many bytes of rest it took, the
// mark's closing brace included.
type marked struct {
	mark  string
	write func(out *bytes.Buffer, rest []byte) (int, error)
}

// mapValue writes a marked Map as gqlgen writes it.
var mapValue = marked{mapMark, func(out *bytes.Buffer, rest []byte) (int, error) {
	dec := json.NewDecoder(bytes.NewReader(rest))
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return 0, fmt.Errorf("a Map as stored: %w", err)
	}
	end := int(dec.InputOffset())
	for end < len(rest) && isSpace(rest[end]) {
		end++
	}
	if end == len(rest) || rest[end] != '}' {
		return 0, fmt.Errorf("a Map as stored: no end to its mark")
	}
	return end + 1, writeMap(out, m)
}}

// isSpace says c is JSON's whitespace, which a json column keeps as
// written.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// finishMaps rewrites each marked Map of a record's JSON as gqlgen writes
// it.
func finishMaps(node []byte) ([]byte, error) { return finishMarked(node, mapValue) }

// finishMarked rewrites each value of node opened by one of kinds' marks,
// in one pass: what a rewrite writes is not read again, so a Map holding
// the text of a mark stays as it is.
func finishMarked(node []byte, kinds ...marked) ([]byte, error) {
	open := []byte(markOpen)
	i := bytes.Index(node, open)
	if i < 0 {
		return node, nil
	}
	var out bytes.Buffer
	for i >= 0 {
		out.Write(node[:i])
		rest, n, err := finishOne(&out, node[i:], kinds)
		if err != nil {
			return nil, err
		}
		node = rest[n:]
		i = bytes.Index(node, open)
	}
	out.Write(node)
	return out.Bytes(), nil
}

// finishOne rewrites the marked value at the start of node, if one of
// kinds' marks opens it, and gives what follows its mark and how much of
// that it took; node is copied as it is up to the next byte otherwise.
func finishOne(out *bytes.Buffer, node []byte, kinds []marked) ([]byte, int, error) {
	for _, k := range kinds {
		if bytes.HasPrefix(node, []byte(k.mark)) {
			rest := node[len(k.mark):]
			n, err := k.write(out, rest)
			return rest, n, err
		}
	}
	out.WriteByte(node[0])
	return node, 1, nil
}

// writeMap writes m as gqlgen's Map does, without the encoder's newline;
// a nil map (stored JSON null) as null, as gqlgen writes a nil Map.
func writeMap(out *bytes.Buffer, m map[string]any) error {
	if m == nil {
		out.WriteString("null")
		return nil
	}
	if err := json.NewEncoder(out).Encode(m); err != nil {
		return fmt.Errorf("a Map: %w", err)
	}
	out.Truncate(out.Len() - 1) // Encode's newline
	return nil
}

// floatMark opens the object a Float's stored number is wrapped in
// (jsonlist.go), as mapMark does a Map's.
const floatMark = `{"\u0000f":`

// floatValue writes a marked number as gqlgen's Float writes the float64
// ent reads.
var floatValue = marked{floatMark, func(out *bytes.Buffer, rest []byte) (int, error) {
	end := bytes.IndexByte(rest, '}')
	if end < 0 {
		return 0, fmt.Errorf("a Float as stored: no end to its mark")
	}
	text, err := formatFloat(string(bytes.TrimSpace(rest[:end])))
	if err != nil {
		return 0, err
	}
	out.WriteString(text)
	return end + 1, nil
}}

// finishFloats rewrites each marked number as gqlgen's Float writes it.
func finishFloats(node []byte) ([]byte, error) { return finishMarked(node, floatValue) }

// formatFloat reads a stored JSON number as encoding/json reads it into a
// float64 and writes it as gqlgen's MarshalFloatContext does.
func formatFloat(text string) (string, error) {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", fmt.Errorf("a Float as stored: %q", text)
	}
	return fmt.Sprintf("%g", f), nil
}
