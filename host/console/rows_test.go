package console

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
)

func TestRowButtonsChangeNumberedRowsAndKeepTheirInputs(t *testing.T) {
	form := url.Values{
		"steps[0].id": {"a"}, "steps[0].inputs.name": {"email"}, "steps[0].inputs.value": {"%ad.mail%"},
		"steps[1].id": {"b"}, "steps[1].kind": {"condition"},
		"steps[2].id": {"c"}, "name": {"kept"},
	}
	edit := func(op string, in url.Values) url.Values {
		t.Helper()
		body := url.Values{}
		for k, v := range in {
			body[k] = v
		}
		body.Set("row", op)
		body.Set("csrf_token", "secret-csrf")
		r, _ := http.NewRequest("POST", "/", strings.NewReader(body.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		out, ok := rowEdit(r)
		if !ok {
			t.Fatalf("%s was not taken as a row button", op)
		}
		if out.Get("csrf_token") != "" || out.Get("row") != "" {
			t.Fatalf("%s kept the CSRF token or the button: %v", op, out)
		}
		return out
	}
	ids := func(f url.Values) string {
		var out []string
		for _, row := range rowValues(f, "steps") {
			out = append(out, row.Get("id"))
		}
		return strings.Join(out, ",")
	}
	up := edit("up:steps[]:2", form)
	if got := ids(up); got != "a,c,b" || up.Get("steps[2].kind") != "condition" || up.Get("name") != "kept" {
		t.Fatalf("moving c up gives %s: %v", got, up)
	}
	down := edit("down:steps[]:0", form)
	if got := ids(down); got != "b,a,c" || down.Get("steps[1].inputs.value") != "%ad.mail%" {
		t.Fatalf("moving a down gives %s: %v", got, down)
	}
	removed := edit("remove:steps[]:0", form)
	if got := ids(removed); got != "b,c" || removed.Get("steps[0].kind") != "condition" {
		t.Fatalf("removing a gives %s: %v", got, removed)
	}
	added := edit("add:steps[]", form)
	if got := ids(added); got != "a,b,c," {
		t.Fatalf("adding a step gives %s", got)
	}
	if got := ids(edit("up:steps[]:0", form)); got != "a,b,c" {
		t.Fatalf("moving the first step up changed the order: %s", got)
	}
	inputs := edit("add:steps[0].inputs", form)
	if got := inputs["steps[0].inputs.name"]; !reflect.DeepEqual(got, []string{"email", ""}) {
		t.Fatalf("adding an input row gives %q", got)
	}
	if got := edit("remove:steps[0].inputs:0", inputs)["steps[0].inputs.value"]; !reflect.DeepEqual(got, []string{""}) {
		t.Fatalf("removing the first input row leaves %q", got)
	}

	r, _ := http.NewRequest("POST", "/", strings.NewReader("name=x"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, ok := rowEdit(r); ok {
		t.Fatal("a form sent to be saved was taken as a row button")
	}
}

func TestProblemsOfSentItemsLandOnTheirRows(t *testing.T) {
	got := toFormRows([]api.FieldError{{Field: "mappings[1].attribute"}, {Field: "mappings[0]"}, {Field: "match.field"}, {Field: "steps[0].condition"}},
		map[string][]int{"mappings": {0, 3}})
	want := []string{"mappings[3].attribute", "mappings[0]", "match.field", "steps[0].condition"}
	for i, f := range got {
		if f.Field != want[i] {
			t.Errorf("field %d is %s, want %s", i, f.Field, want[i])
		}
	}
	// A problem with a whole row or its input rows is placed on it.
	placed, rest := fieldErrors("", []api.FieldError{{Field: "steps[1]", Message: "unreachable"}, {Field: "steps[1].inputs", Message: "missing email"}},
		url.Values{"steps[1].id": {"b"}, "steps[1].inputs.name": {""}})
	if placed["steps[1]"] != "unreachable" || placed["steps[1].inputs"] != "missing email" || len(rest) != 0 {
		t.Fatalf("placed %v, rest %v", placed, rest)
	}
}

func TestRowButtonsRedrawTheWebhookEditorWithoutSaving(t *testing.T) {
	wh := &fakeWebhooks{saved: map[string]map[string]any{}}
	f := newFixture(t, wh)
	b, csrf := f.signIn(t, api.RoleAdmin)
	form := url.Values{"csrf_token": {csrf}, "editing": {""}, "id": {"add-note"}, "name": {"Add a note"}, "method": {"PATCH"},
		"url": {"/v1/notes"}, "messageType": {"json"}, "body": {"{}"},
		"headers.name": {"X-One", "X-Two"}, "headers.value": {"1", "2"}, "secret.token": {"never-kept"}}
	form.Set("row", "add:headers")
	page := afterPost(t, b, f.srv.URL, "/integrations/clockify/outbound/webhooks", form, "/integrations/clockify/outbound#editor")
	for _, want := range []string{`value="X-One"`, `value="X-Two"`, `id="headers-name-2"`, `value="add-note"`, `value="/v1/notes"`, `<option selected>PATCH</option>`} {
		if !strings.Contains(page, want) {
			t.Fatalf("after Add row the editor lacks %s", want)
		}
	}
	if strings.Contains(page, `id="headers-name-3"`) || strings.Contains(page, `id="flash"`) || strings.Contains(page, "never-kept") {
		t.Fatal("Add row drew more than one new row, a message, or a secret")
	}
	form.Set("row", "remove:headers:0")
	page = afterPost(t, b, f.srv.URL, "/integrations/clockify/outbound/webhooks", form, "/integrations/clockify/outbound#editor")
	if strings.Contains(page, `value="X-One"`) || !strings.Contains(page, `value="X-Two"`) {
		t.Fatal("Remove did not take the first header away, or took more")
	}
	if wh.puts != 0 {
		t.Fatalf("row buttons saved the webhook %d times", wh.puts)
	}
}
