package orchestration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/store"
)

// directoryOf stands in for the directory: it knows objs by id and DN.
type directoryOf []outbound.Object

func (d directoryOf) Lookup(_ context.Context, ref string) (outbound.Object, error) {
	for _, o := range d {
		if o.ID == ref || strings.EqualFold(o.DN, ref) {
			return o, nil
		}
	}
	return outbound.Object{}, fmt.Errorf("%s: %w", ref, directory.ErrNotFound)
}

func TestRoutesStartShowAndApprove(t *testing.T) {
	known := people("api", 2)
	e := newEnv(t, envOptions{config: func(c *Config) { c.Objects = directoryOf(known) }})
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
	if st := do("PUT", "/v1/templates/onboard", onboarding("onboard"), nil); st != http.StatusOK {
		t.Fatalf("save template: %d", st)
	}
	bad := onboarding("looping")
	bad.Steps[2].OnSuccess = "add"
	if st := do("PUT", "/v1/templates/looping", bad, nil); st != http.StatusUnprocessableEntity {
		t.Errorf("a looping template: %d, want 422", st)
	}
	// Checking runs the same checks and stores nothing.
	if st := do("POST", "/v1/templates/looping/check", bad, nil); st != http.StatusUnprocessableEntity {
		t.Errorf("checking a looping template: %d, want 422", st)
	}
	var checked TemplateCheck
	if st := do("POST", "/v1/templates/fresh/check", onboarding("fresh"), &checked); st != http.StatusOK || checked.Template != "fresh" || checked.Steps == 0 {
		t.Errorf("checking a good template: %d %+v", st, checked)
	}
	if st := do("GET", "/v1/templates/fresh", nil, nil); st != http.StatusNotFound {
		t.Errorf("a checked template was stored: GET answered %d", st)
	}
	// The path names the template; a body naming another is refused
	// rather than saved under the path's id.
	if st := do("PUT", "/v1/templates/onboard", onboarding("offboard"), nil); st != http.StatusBadRequest {
		t.Errorf("a body id that differs from the path: %d, want 400", st)
	}
	e.start(t)
	var started RunView
	refs := []ObjectRef{{ID: known[0].ID}, {DN: known[1].DN}}
	if st := do("POST", "/v1/runs", StartRequest{TemplateID: "onboard", Objects: refs}, &started); st != http.StatusCreated {
		t.Fatalf("start run: %d", st)
	}
	if started.Trigger != "api:admin" || started.Automation != "onboard" {
		t.Errorf("trigger = %q, automation = %q; want what really started it: api:admin, the template", started.Trigger, started.Automation)
	}
	e.wait(t, started.ID, 30*time.Second)
	var shown RunView
	do("GET", "/v1/runs/"+started.ID, nil, &shown)
	if shown.Status != store.RunSucceeded || shown.Summary.Succeeded != 2 {
		t.Errorf("shown run: %+v", shown)
	}
	var entries EntryPage
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

// TestStartRunTakesReferencesAndGuardsTheGuard is the attack of an
// operator token: invent the objects' attributes, claim another trigger,
// or switch the deactivation guard off. Each is refused; an admin may
// set the guard, and the objects' attributes always come from the
// directory.
func TestStartRunTakesReferencesAndGuardsTheGuard(t *testing.T) {
	real := guardObjects()
	e := newEnv(t, envOptions{config: func(c *Config) { c.Objects = directoryOf(real); c.DeactivationLimit = 1 }})
	ctx := context.Background()
	tokens := api.NewTokens(e.st)
	admin, _, err := tokens.Create(ctx, "admin", api.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	operator, _, err := tokens.Create(ctx, "night shift", api.RoleOperator)
	if err != nil {
		t.Fatal(err)
	}
	srv := api.NewServer(api.Options{Auth: tokens})
	if err := srv.Register(e.eng.Routes()...); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	if _, err := e.eng.SaveTemplate(ctx, Template{ID: "offboard", Name: "Offboard", Steps: []Step{disable("off")}}); err != nil {
		t.Fatal(err)
	}
	post := func(token, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest("POST", ts.URL+"/v1/runs", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	message := func(out map[string]any) string {
		e, _ := out["error"].(map[string]any)
		m, _ := e["message"].(string)
		return m
	}
	a, b := real[0], real[1]
	for _, c := range []struct {
		name, token, body string
		status            int
		field             string
	}{
		{"operator lowers the guard", operator, `{"templateId":"offboard","objects":[{"id":"` + a.ID + `"}],"deactivationLimit":-1}`, http.StatusForbidden, "deactivationLimit"},
		{"operator raises the guard", operator, `{"templateId":"offboard","objects":[{"id":"` + a.ID + `"}],"deactivationLimit":100}`, http.StatusForbidden, "deactivationLimit"},
		{"invented attributes", operator, `{"templateId":"offboard","objects":[{"id":"` + a.ID + `","attributes":{"mail":["grace@example.com"]}}]}`, http.StatusBadRequest, "attributes"},
		{"invented object", operator, `{"templateId":"offboard","objects":[{"dn":"CN=Ghost,OU=Staff,DC=corp,DC=example"}]}`, http.StatusUnprocessableEntity, "objects[0].dn"},
		{"id and dn disagree", operator, `{"templateId":"offboard","objects":[{"id":"` + a.ID + `","dn":"` + b.DN + `"}]}`, http.StatusUnprocessableEntity, "objects[0].dn"},
		{"claimed automation", operator, `{"templateId":"offboard","automation":"nightly","objects":[{"id":"` + a.ID + `"}]}`, http.StatusBadRequest, "automation"},
		{"claimed trigger", operator, `{"templateId":"offboard","trigger":"schedule","objects":[{"id":"` + a.ID + `"}]}`, http.StatusBadRequest, "trigger"},
		{"unknown template", operator, `{"templateId":"nope","objects":[{"id":"` + a.ID + `"}]}`, http.StatusUnprocessableEntity, "templateId"},
		{"no objects", operator, `{"templateId":"offboard","objects":[]}`, http.StatusBadRequest, "objects"},
	} {
		st, out := post(c.token, c.body)
		if st != c.status || !strings.Contains(message(out), c.field) {
			t.Errorf("%s: %d %q; want %d naming %s", c.name, st, message(out), c.status, c.field)
		}
	}
	if runs, _, _ := e.eng.Runs(ctx, store.RunFilter{}); len(runs) != 0 {
		t.Fatalf("refused requests started %d runs", len(runs))
	}

	// Two deactivations against a limit of one: the run waits, and its
	// summary claims nothing done.
	st, out := post(operator, `{"templateId":"offboard","objects":[{"id":"`+a.ID+`"},{"dn":"`+b.DN+`"}]}`)
	if st != http.StatusCreated || out["Status"] != string(StatusNeedsApproval) {
		t.Fatalf("an operator's run over the guard: %d %v; want 201 waiting for approval", st, out)
	}
	if sum, _ := out["summary"].(map[string]any); sum["succeeded"] != float64(0) || sum["failed"] != float64(0) {
		t.Errorf("a waiting run's summary: %v; nothing ran, so nothing succeeded", sum)
	}
	// The engine got the directory's attributes, whatever was sent.
	var doc runDoc
	if err := e.st.Get(ctx, DocRun, out["ID"].(string), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Pending) != 2 || doc.Pending[0].Attributes["department"][0] != a.Attributes["department"][0] || doc.Pending[1].ID != b.ID {
		t.Errorf("the pending objects are not the directory's: %+v", doc.Pending)
	}
	// Retrying it is refused with the reason, not a 500.
	req, _ := http.NewRequest("POST", ts.URL+"/v1/runs/"+out["ID"].(string)+"/retry", nil)
	req.Header.Set("Authorization", "Bearer "+operator)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var refused map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&refused)
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict || !strings.Contains(message(refused), "approve") {
		t.Errorf("retrying a waiting run: %d %q; want 409 saying to approve or cancel it", resp.StatusCode, message(refused))
	}
	// An admin may turn the guard off for one run.
	if st, out := post(admin, `{"templateId":"offboard","dryRun":true,"objects":[{"id":"`+a.ID+`"},{"id":"`+b.ID+`"}],"deactivationLimit":-1}`); st != http.StatusCreated || out["Status"] != string(store.RunRunning) {
		t.Errorf("an admin's run with the guard off: %d %v", st, out)
	}
}
