//go:build linux

package api_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/app/apptest"
)

var update = flag.Bool("update", false, "rewrite the generated parts of the docs from the code (make docs)")

// TestBadInputIsRefusedOnEveryRoute walks every route that takes a body
// and sends it each kind of bad input: an unknown field, a wrong type, a
// NUL, a line break and an over-long value in a name, invalid UTF-8, a
// body over the limit. Each must answer a 4xx with a documented error
// code and a message naming the field, and the host must still serve.
func TestBadInputIsRefusedOnEveryRoute(t *testing.T) {
	h := startHost(t)
	wildcards := regexp.MustCompile(`\{[^}]+\}`)
	huge := append(append([]byte(`{"name":"`), bytes.Repeat([]byte("x"), api.MaxBodyBytes)...), `"}`...)
	walked := 0
	for _, r := range h.API.Routes() {
		if r.Request == nil {
			continue
		}
		walked++
		name := r.Method + " " + r.Pattern
		path := wildcards.ReplaceAllString(r.Pattern, "probe")
		type bad struct{ kind, body, field string }
		cases := []bad{
			{"unknown field", `{"zzNoSuchField": 1}`, "zzNoSuchField"},
			{"invalid UTF-8", "{\"zz\": \"caf\xe9\"}", "UTF-8"},
		}
		if f, ok := firstField(r.Request); ok {
			cases = append(cases, bad{"wrong type", fmt.Sprintf(`{%q: %s}`, f.name, wrongValue(f.kind)), f.name})
		}
		if n, ok := nameField(r.Request); ok {
			cases = append(cases,
				bad{"NUL in a name", fmt.Sprintf(`{%q: "a\u0000b"}`, n), n},
				bad{"line break in a name", fmt.Sprintf(`{%q: "a\r\nb"}`, n), n},
				bad{"name too long", fmt.Sprintf(`{%q: %q}`, n, strings.Repeat("n", api.MaxNameLen+1)), n})
		}
		for _, c := range cases {
			st, raw := apptest.Send(t, h.base, r.Method, path, h.admin, c.body)
			checkRefusal(t, name, c.kind, st, raw, c.field)
		}
		st, raw := sendBytes(t, h.base, r.Method, path, h.admin, huge)
		if st != http.StatusRequestEntityTooLarge || !strings.Contains(string(raw), "body_too_large") {
			t.Errorf("%s, a body over the limit: %d %.200s; want 413 body_too_large", name, st, raw)
		}
		if st, _ := apptest.Send(t, h.base, "GET", "/healthz", "", ""); st != http.StatusOK {
			t.Fatalf("the host stopped serving after %s: /healthz answered %d", name, st)
		}
	}
	if walked < 20 {
		t.Fatalf("only %d routes take a body; the walk found too few routes", walked)
	}
	t.Logf("%d routes refused every kind of bad body", walked)
}

// checkRefusal asserts one bad-input answer.
func checkRefusal(t *testing.T, route, kind string, status int, raw []byte, field string) {
	t.Helper()
	var body struct {
		Error struct {
			Code, Message string
		}
	}
	if err := json.Unmarshal(raw, &body); err != nil || status < 400 || status >= 500 {
		t.Errorf("%s, %s: %d %.300s; want a 4xx error answer", route, kind, status, raw)
		return
	}
	if _, ok := api.ErrorCodes[body.Error.Code]; !ok {
		t.Errorf("%s, %s: code %q is not a documented error code (api.ErrorCodes)", route, kind, body.Error.Code)
	}
	if !strings.Contains(body.Error.Message, field) {
		t.Errorf("%s, %s: %d %q does not name %s", route, kind, status, body.Error.Message, field)
	}
	if strings.Contains(body.Error.Message, "Go struct") || strings.Contains(body.Error.Message, "json: ") {
		t.Errorf("%s, %s: the message speaks of Go: %q", route, kind, body.Error.Message)
	}
}

type bodyField struct {
	name string
	kind reflect.Kind
}

// fields lists the top-level JSON fields of a request example.
func fields(example any) []bodyField {
	t := reflect.TypeOf(example)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []bodyField
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || tag == "-" || f.Anonymous {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		k := f.Type.Kind()
		if k == reflect.Pointer {
			k = f.Type.Elem().Kind()
		}
		if k == reflect.Interface {
			continue // takes any JSON value
		}
		out = append(out, bodyField{tag, k})
	}
	return out
}

func firstField(example any) (bodyField, bool) {
	fs := fields(example)
	if len(fs) == 0 {
		return bodyField{}, false
	}
	return fs[0], true
}

// nameField is a top-level string field holding a name, or for a map
// body a key (map keys are names).
func nameField(example any) (string, bool) {
	t := reflect.TypeOf(example)
	if t.Kind() == reflect.Map && t.Key().Kind() == reflect.String {
		return "", false
	}
	for _, f := range fields(example) {
		if f.kind == reflect.String && (f.name == "name" || f.name == "id" || strings.HasSuffix(f.name, "Id") || strings.HasSuffix(f.name, "_id")) {
			return f.name, true
		}
	}
	return "", false
}

// wrongValue is a JSON value of another kind than k.
func wrongValue(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return `{"not": "a string"}`
	case reflect.Slice, reflect.Array:
		return `"not a list"`
	case reflect.Map, reflect.Struct:
		return `["not", "an object"]`
	}
	return `"not a number or flag"`
}

func sendBytes(t *testing.T, base, method, path, token string, body []byte) (int, []byte) {
	t.Helper()
	return apptest.Send(t, base, method, path, token, string(body))
}

// TestSecurityPageListsWhatEachRoleCanDo compares the role table and the
// error codes on the security page of the admin docs with the host's
// route table; `make docs` (go test ./host/api -run
// TestSecurityPageListsWhatEachRoleCanDo -update) rewrites them.
func TestSecurityPageListsWhatEachRoleCanDo(t *testing.T) {
	h := startHost(t)
	page := filepath.Join("..", "..", "docs", "admin", "security-and-access.md")
	raw, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	for _, part := range []struct{ name, want string }{
		{"routes", api.RoleTable(h.API.Routes())},
		{"error codes", api.ErrorCodeTable()},
	} {
		begin, end := "<!-- generated: "+part.name+" (make docs) -->\n", "<!-- end generated: "+part.name+" -->"
		i, j := strings.Index(doc, begin), strings.Index(doc, end)
		if i < 0 || j < i {
			t.Fatalf("%s has no %q … %q section", page, strings.TrimSpace(begin), end)
		}
		have := doc[i+len(begin) : j]
		if have == part.want {
			continue
		}
		if *update {
			doc = doc[:i+len(begin)] + part.want + doc[j:]
			continue
		}
		t.Errorf("the %s table of %s differs from the code; run `make docs` and commit the page", part.name, page)
	}
	if *update {
		if err := os.WriteFile(page, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
