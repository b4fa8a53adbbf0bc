package mapping

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func decode(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFlatten(t *testing.T) {
	rec := decode(t, `{
		"id": "u1", "email": "a@x.com", "active": true, "rate": 12.5, "note": null,
		"settings": {"weekStart": "MONDAY", "summary": {"group": "PROJECT"}, "empty": {}},
		"memberships": [{"membershipStatus": "ACTIVE", "targetId": "w1"}, {"membershipStatus": "INACTIVE", "extra": 1}],
		"tags": ["a", "b"], "none": []
	}`)
	got := Flatten(rec)
	want := []Field{
		{"active", "boolean", "true"},
		{"email", "string", "a@x.com"},
		{"id", "string", "u1"},
		{"memberships[].extra", "number", "1"},
		{"memberships[].membershipStatus", "string", "ACTIVE"},
		{"memberships[].targetId", "string", "w1"},
		{"none", "array", ""},
		{"note", "null", ""},
		{"rate", "number", "12.5"},
		{"settings.empty", "object", ""},
		{"settings.summary.group", "string", "PROJECT"},
		{"settings.weekStart", "string", "MONDAY"},
		{"tags[]", "string", "a"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Flatten =\n%v\nwant\n%v", got, want)
	}
}

func TestFlattenAllMergesTypesAndSamples(t *testing.T) {
	got := FlattenAll([]map[string]any{
		decode(t, `{"title": null, "name": ""}`),
		decode(t, `{"title": "Engineer", "name": "`+strings.Repeat("x", 100)+`"}`),
	})
	if got[1].Path != "title" || got[1].Type != "string" || got[1].Sample != "Engineer" {
		t.Errorf("title = %+v: a later record's real type must replace null", got[1])
	}
	if n := len([]rune(got[0].Sample)); n != sampleLen || !strings.HasSuffix(got[0].Sample, "…") {
		t.Errorf("long sample not shortened: %d runes", n)
	}
	if p := FieldPaths(got); !reflect.DeepEqual(p, []string{"name", "title"}) {
		t.Errorf("paths = %v", p)
	}
}

func TestPathValues(t *testing.T) {
	rec := decode(t, `{"a": {"b": [{"c": 1}, {"c": "x"}, {"d": 2}, {"c": null}, {"c": {"o": 1}}]}, "n": 3000000, "s": "  "}`)
	cases := map[string][]string{
		"a.b[].c": {"1", "x"},
		"n":       {"3000000"},
		"s":       nil,
		"a.b":     nil,
		"a.x.y":   nil,
		"n[].x":   nil,
	}
	for p, want := range cases {
		pp, err := parsePath(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := pp.values(rec, nil); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
	for _, bad := range []string{"", "a..b", "a[0].b", "[]"} {
		if _, err := parsePath(bad); err == nil {
			t.Errorf("parsePath(%q) accepted", bad)
		}
	}
}

func TestScalarTextOfGoValues(t *testing.T) {
	for in, want := range map[any]string{
		int(7): "7", int64(-8): "-8", int32(9): "9", uint64(10): "10", float32(1.5): "1.5",
		json.Number("12.50"): "12.50", false: "false", 1e21: "1000000000000000000000",
	} {
		if got, ok := scalarText(in); !ok || got != want {
			t.Errorf("scalarText(%#v) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := scalarText([]any{"x"}); ok {
		t.Error("a list is not a scalar")
	}
}

// TestFlattenMaskedMasksBeforeShortening echoes a key longer than a
// sample is kept: masked after shortening, its prefix would match no
// secret and leak.
func TestFlattenMaskedMasksBeforeShortening(t *testing.T) {
	key := strings.Repeat("k3y", 40)
	mask := func(s string) string { return strings.ReplaceAll(s, key, "****") }
	fields := FlattenMasked([]map[string]any{{"token": key, "name": "Ada"}}, mask)
	for _, f := range fields {
		if strings.Contains(f.Sample, "k3yk3y") {
			t.Errorf("field %s shows part of the key: %q", f.Path, f.Sample)
		}
	}
	if len(fields) != 2 || fields[0].Sample != "Ada" || fields[1].Sample != "****" {
		t.Errorf("fields = %+v", fields)
	}
}
