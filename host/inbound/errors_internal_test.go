package inbound

import (
	"strings"
	"testing"
)

func TestInvalidDefinitionNamesTheFieldOfEachProblem(t *testing.T) {
	d := Definition{ID: "Bad Id", Method: "DELETE", Paging: Paging{Kind: PagingPage},
		Headers: []KV{{Name: "ok", Value: "1"}, {Name: "bad name", Value: "2"}}}.normalize()
	e := &InvalidError{Problems: d.check(true)}
	got := map[string]string{}
	for _, f := range e.Fields() {
		got[f.Field] = f.Message
	}
	for _, want := range []string{"id", "url", "method", "paging.pageParam", "headers[1].name"} {
		if got[want] == "" {
			t.Fatalf("no problem placed on %s: %v", want, got)
		}
	}
	if _, ok := got["headers[0].name"]; ok {
		t.Fatalf("a good header was refused: %v", got)
	}
	// The message names the fields in words; the paths stay in Fields.
	// See decision 0271.
	msg := e.Error()
	for _, want := range []string{"Header 2 name: ", "Page parameter: ", "URL: ", "ID: "} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not name %q", msg, want)
		}
	}
	if strings.Contains(msg, "headers[") || strings.Contains(msg, "paging.") {
		t.Errorf("message %q shows a JSON path", msg)
	}
}
