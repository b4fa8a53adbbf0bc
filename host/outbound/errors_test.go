package outbound

import (
	"errors"
	"strings"
	"testing"
)

func TestInvalidWebhookNamesTheFieldOfEachProblem(t *testing.T) {
	w := custom()
	w.Name, w.Method, w.MessageType = "", "FETCH", "yaml"
	w.Headers[0].Value = "%ad.nosuch%"
	w.Body = "%ad.mail"
	w.Method = "get"
	_, err := Compile(w, testScope)
	var inv *InvalidError
	if !errors.As(err, &inv) {
		t.Fatalf("Compile: %v, want an InvalidError", err)
	}
	got := map[string]bool{}
	for _, f := range inv.Fields() {
		got[f.Field] = true
		if f.Message == "" {
			t.Fatalf("field %s has no message", f.Field)
		}
	}
	for _, want := range []string{"name", "messageType", "body"} {
		if !got[want] {
			t.Fatalf("no problem placed on %s: %v (problems %q)", want, got, inv.Problems)
		}
	}
	w = custom()
	w.Headers[0].Value = "%ad.nosuch%"
	w.Body = "%ad.mail"
	_, err = Compile(w, testScope)
	if !errors.As(err, &inv) {
		t.Fatalf("Compile: %v, want an InvalidError", err)
	}
	got = map[string]bool{}
	for _, f := range inv.Fields() {
		got[f.Field] = true
	}
	if !got["headers[0].value"] || !got["body"] || len(got) != 2 {
		t.Fatalf("macro problems placed on %v, want the first header's value and the body (problems %q)", got, inv.Problems)
	}
	// The message names each field in words, capitalised; the fields keep
	// the path and the problem alone. See decision 0271.
	for _, want := range []string{"Header " + w.Headers[0].Name + ", line 1", "Body, line 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not name %q", err, want)
		}
	}
	for _, f := range inv.Fields() {
		if strings.HasPrefix(f.Message, "header") || strings.HasPrefix(f.Message, "body") || strings.HasPrefix(f.Message, "Body") {
			t.Errorf("field %s's problem repeats the field's name: %q", f.Field, f.Message)
		}
	}
}
