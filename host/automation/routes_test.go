package automation_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/store"
)

// TestRefusedAutomationNamesEachField: the API's answer lists every
// problem with its field path, the problem alone, and its message names
// the fields in words, so a form places each problem beside its input.
// See decision 0271.
func TestRefusedAutomationNamesEachField(t *testing.T) {
	tokens := api.NewTokens(store.NewMemoryDocs())
	admin, _, err := tokens.Create(context.Background(), "root", api.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	srv := api.NewServer(api.Options{Auth: tokens})
	if err := srv.Mount(newService(t, flatDirectory{})); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	body := `{"name":"Nightly","trigger":{"type":"schedule","schedule":"every morning"},"scope":{"filter":"(mail=a"},"action":{"template":"onboard"}}`
	req, _ := http.NewRequest(http.MethodPost, hs.URL+"/v1/automations", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+admin)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct {
		Error api.Error `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("answer %d, %v", resp.StatusCode, err)
	}
	got := map[string]string{}
	for _, f := range e.Error.Fields {
		got[f.Field] = f.Message
	}
	if !strings.HasPrefix(got["trigger.schedule"], `"every morning" has 2 field(s); write five fields`) || got["scope.filter"] == "" {
		t.Fatalf("fields %v", got)
	}
	for _, want := range []string{`Schedule: "every morning" has 2 field(s)`, "LDAP filter: the LDAP filter does not parse"} {
		if !strings.Contains(e.Error.Message, want) {
			t.Errorf("message %q does not say %q", e.Error.Message, want)
		}
	}
	if strings.Contains(e.Error.Message, "Result Code") || strings.Contains(got["scope.filter"], "Result Code") {
		t.Errorf("the answer shows an LDAP result code: %q", e.Error.Message)
	}
}
