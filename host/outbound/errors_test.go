package outbound

import (
	"errors"
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
	if !got["headers"] || !got["body"] || len(got) != 2 {
		t.Fatalf("macro problems placed on %v, want headers and body (problems %q)", got, inv.Problems)
	}
}
