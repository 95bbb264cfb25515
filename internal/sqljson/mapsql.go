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
// keys shortest first and writes numbers out in full, and writing the
// encoder's rules in SQL (unfolding the value into its members with a
// recursive query) made the planner expect thousands of rows for each and
// compile the statement (JIT) for seconds. So PostgreSQL writes the jsonb as
// it is, wrapped in a mark, and the record's JSON is finished in Go by the
// encoder itself (finishMaps); SQLite runs the same Go as a function
// (registry_map).

// mapMark opens the object a Map's jsonb text is wrapped in. Its key, one
// NUL character, cannot come from stored data (jsonb refuses \u0000), and
// no string holds an unescaped quote, so the text marks only what the
// compiler wrapped.
const mapMark = `{"\u0000m":`

// markNUL is the NUL escaped that mapMark and floatMark both hold.
const markNUL = `\u0000`

// markedMap is a jsonb column's text wrapped in the mark, null for null.
func markedMap(column string) string {
	return "CASE WHEN " + column + " IS NULL THEN NULL ELSE ('" + mapMark + "' || " + column + "::text || '}')::json END"
}

// finishMaps rewrites each marked Map of a record's JSON as gqlgen writes
// it.
func finishMaps(node []byte) ([]byte, error) {
	return finishMarked(node, mapMark, func(out *bytes.Buffer, rest []byte) (int, error) {
		dec := json.NewDecoder(bytes.NewReader(rest))
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return 0, fmt.Errorf("a Map as stored: %w", err)
		}
		end := int(dec.InputOffset())
		for end < len(rest) && rest[end] == ' ' {
			end++
		}
		if end == len(rest) || rest[end] != '}' {
			return 0, fmt.Errorf("a Map as stored: no end to its mark")
		}
		return end + 1, writeMap(out, m)
	})
}

// finishMarked rewrites each value of node opened by mark: write writes
// the value that follows the mark and says how many bytes of rest it took,
// the mark's closing brace included.
func finishMarked(node []byte, mark string, write func(out *bytes.Buffer, rest []byte) (int, error)) ([]byte, error) {
	m := []byte(mark)
	i := bytes.Index(node, m)
	if i < 0 {
		return node, nil
	}
	var out bytes.Buffer
	for i >= 0 {
		out.Write(node[:i])
		rest := node[i+len(m):]
		n, err := write(&out, rest)
		if err != nil {
			return nil, err
		}
		node = rest[n:]
		i = bytes.Index(node, m)
	}
	out.Write(node)
	return out.Bytes(), nil
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

// finishFloats rewrites each marked number as gqlgen's Float writes the
// float64 ent reads.
func finishFloats(node []byte) ([]byte, error) {
	return finishMarked(node, floatMark, func(out *bytes.Buffer, rest []byte) (int, error) {
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
	})
}

// formatFloat reads a stored JSON number as encoding/json reads it into a
// float64 and writes it as gqlgen's MarshalFloatContext does.
func formatFloat(text string) (string, error) {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", fmt.Errorf("a Float as stored: %q", text)
	}
	return fmt.Sprintf("%g", f), nil
}
