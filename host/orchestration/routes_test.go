package orchestration

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/store"
)

func TestRoutesStartShowAndApprove(t *testing.T) {
	e := newEnv(t, envOptions{})
	tokens := api.NewTokens(e.st)
	secret, _, err := tokens.Create(context.Background(), "admin", api.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	srv := api.NewServer(api.Options{Auth: tokens})
	if err := srv.Register(e.eng.Routes()...); err != nil {
		t.Fatal(err)
	}
	if err := srv.Register(e.hooks.Routes()...); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	do := func(method, path string, body any, out any) int {
		t.Helper()
		var rd bytes.Buffer
		if body != nil {
			json.NewEncoder(&rd).Encode(body)
		}
		req, _ := http.NewRequest(method, ts.URL+path, &rd)
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if out != nil {
			json.NewDecoder(resp.Body).Decode(out)
		}
		return resp.StatusCode
	}
	if st := do("PUT", "/v1/templates/onboard", onboarding("ignored"), nil); st != http.StatusOK {
		t.Fatalf("save template: %d", st)
	}
	bad := onboarding("x")
	bad.Steps[2].OnSuccess = "add"
	if st := do("PUT", "/v1/templates/looping", bad, nil); st != http.StatusUnprocessableEntity {
		t.Errorf("a looping template: %d, want 422", st)
	}
	e.start(t)
	var started RunView
	if st := do("POST", "/v1/runs", RunRequest{TemplateID: "onboard", Objects: people("api", 2)}, &started); st != http.StatusCreated {
		t.Fatalf("start run: %d", st)
	}
	if started.Trigger != "apply-now" {
		t.Errorf("trigger = %q", started.Trigger)
	}
	e.wait(t, started.ID, 30*time.Second)
	var shown RunView
	do("GET", "/v1/runs/"+started.ID, nil, &shown)
	if shown.Status != store.RunSucceeded || shown.Summary.Succeeded != 2 {
		t.Errorf("shown run: %+v", shown)
	}
	var entries entryPage
	do("GET", "/v1/runs/"+started.ID+"/entries?object=api-00001", nil, &entries)
	if len(entries.Entries) != 3 {
		t.Errorf("entries of one object: %d, want 3", len(entries.Entries))
	}
	if st := do("POST", "/v1/runs/"+started.ID+"/approve", nil, nil); st != http.StatusConflict {
		t.Errorf("approving a run that does not wait: %d, want 409", st)
	}
	var hooks []map[string]any
	if st := do("GET", "/v1/integrations/"+integ+"/webhooks", nil, &hooks); st != http.StatusOK || len(hooks) == 0 {
		t.Errorf("list webhooks: %d, %d", st, len(hooks))
	}
}
