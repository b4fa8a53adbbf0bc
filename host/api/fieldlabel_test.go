package api

import "testing"

func TestFieldLabelNamesPathsInWords(t *testing.T) {
	form := map[string]string{
		"url":              "URL",
		"headers[]":        "Header #",
		"query[]":          "Query parameter #",
		"trigger.schedule": "Schedule",
		"steps[].inputs[]": "Step # input #",
	}
	for path, want := range map[string]string{
		"url":                   "URL",
		"headers[0].value":      "Header 1 value",
		"headers[2].name":       "Header 3 name",
		"headers":               "Headers",
		"query[1].value":        "Query parameter 2 value",
		"trigger.schedule":      "Schedule",
		"trigger.events":        "Trigger events",
		"paging.pageParam":      "Paging page param",
		"mappings[0].attribute": "Mapping 1 attribute",
		"steps[1].inputs[0]":    "Step 2 input 1",
		"options.change_limit":  "Options change limit",
		"scope.ou":              "Scope OU",
		"workspaceId":           "Workspace ID",
		"":                      "",
	} {
		if got := FieldLabel(path, form); got != want {
			t.Errorf("FieldLabel(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestLabelledPutsThePositionAfterAComma(t *testing.T) {
	if got := Labelled("URL", "required"); got != "URL: required" {
		t.Fatal(got)
	}
	if got := Labelled("Body", "line 1, column 2: unknown macro"); got != "Body, line 1, column 2: unknown macro" {
		t.Fatal(got)
	}
	if got := Labelled("Body", "line 1, column 2: a\nline 3, column 1: b"); got != "Body, line 1, column 2: a\nBody, line 3, column 1: b" {
		t.Fatal(got)
	}
	if got := Labelled("", "required"); got != "required" {
		t.Fatal(got)
	}
}
