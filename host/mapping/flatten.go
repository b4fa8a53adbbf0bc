package mapping

import (
	"encoding/json"
	"sort"
	"unicode/utf8"
)

// Field is one field discovered in sample records, shown by test-and-save
// and used as the endpoint's field list for validation.
type Field struct {
	// Path is the flattened path: "email", "profile.title",
	// "memberships[].membershipStatus".
	Path string `json:"path"`
	// Type is string, number, boolean, null, object or array (the last two
	// only when empty, since otherwise their contents are listed).
	Type string `json:"type"`
	// Sample is one value seen, shortened; empty for non-scalars.
	Sample string `json:"sample,omitempty"`
}

const sampleLen = 64

// Flatten lists the fields of one record, sorted by path.
func Flatten(record map[string]any) []Field {
	return FlattenAll([]map[string]any{record})
}

// FlattenAll lists the fields seen across records (the first page of an
// endpoint), so a field that is null or absent in the first record is still
// found with its real type in a later one.
func FlattenAll(records []map[string]any) []Field {
	return FlattenMasked(records, nil)
}

// FlattenMasked is FlattenAll with every sample passed through mask before
// it is shortened, so a secret the app echoes (an API key in a field) is
// masked whole rather than cut into a prefix no masker recognises. A nil
// mask keeps samples as they are.
func FlattenMasked(records []map[string]any, mask func(string) string) []Field {
	seen := map[string]*Field{}
	for _, r := range records {
		flattenInto(seen, "", r, mask)
	}
	out := make([]Field, 0, len(seen))
	for _, f := range seen {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// FieldPaths returns just the paths, the form Schema wants.
func FieldPaths(fields []Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Path
	}
	return out
}

func flattenInto(seen map[string]*Field, prefix string, v any, mask func(string) string) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 && prefix != "" {
			note(seen, prefix, "object", "")
		}
		for k, child := range v {
			flattenInto(seen, join(k), child, mask)
		}
	case []any:
		if len(v) == 0 {
			note(seen, prefix, "array", "")
			return
		}
		for _, el := range v {
			flattenInto(seen, prefix+"[]", el, mask)
		}
	default:
		typ := jsonType(v)
		sample, _ := scalarText(v)
		if mask != nil {
			sample = mask(sample)
		}
		note(seen, prefix, typ, shorten(sample))
	}
}

// note records a field, letting a real type replace null and an empty
// container replace nothing.
func note(seen map[string]*Field, p, typ, sample string) {
	f, ok := seen[p]
	if !ok {
		seen[p] = &Field{Path: p, Type: typ, Sample: sample}
		return
	}
	if f.Type == "null" && typ != "null" {
		f.Type = typ
	}
	if f.Sample == "" && sample != "" {
		f.Sample = sample
	}
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64, float32, int, int32, int64, uint64, json.Number:
		return "number"
	}
	return "unknown"
}

func shorten(s string) string {
	if utf8.RuneCountInString(s) <= sampleLen {
		return s
	}
	r := []rune(s)
	return string(r[:sampleLen-1]) + "…"
}
