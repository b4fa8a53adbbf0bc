package sdk

import "testing"

func TestLabelFrom(t *testing.T) {
	for in, want := range map[string]string{
		"list-users":         "List users",
		"find-user-by-email": "Find user by email",
		"createdAt":          "Created at",
		"apiKey":             "API key",
		"id":                 "ID",
		"externalId":         "External ID",
		"name.givenName":     "Given name",
		"members[].value":    "Value",
		"rate_limit":         "Rate limit",
		"baseURLPath":        "Base URL path",
		"tenant":             "Tenant",
		"":                   "",
	} {
		if got := labelFrom(in); got != want {
			t.Errorf("labelFrom(%q) = %q, want %q", in, got, want)
		}
	}
}
