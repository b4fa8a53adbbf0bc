package console

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/api"
)

// branchedRun serves one succeeded onboarding run whose lookup found
// nothing and whose template went on to add the user, by design.
type branchedRun struct{}

func (branchedRun) Routes() []api.Route {
	at := time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)
	return []api.Route{
		{Method: "GET", Pattern: "/v1/runs", MinRole: api.RoleAuditor, Summary: "List runs",
			Handler: func(*api.Call) (any, error) { return map[string]any{"runs": []any{}}, nil }},
		{Method: "GET", Pattern: "/v1/runs/{id}", MinRole: api.RoleAuditor, Summary: "Show a run",
			Handler: func(c *api.Call) (any, error) {
				return map[string]any{"ID": c.PathValue("id"), "Status": "succeeded", "Kind": "template", "Started": at,
					"summary": map[string]int{"objects": 1, "succeeded": 1, "failed": 0}}, nil
			}},
		{Method: "GET", Pattern: "/v1/runs/{id}/entries", MinRole: api.RoleAuditor, Summary: "A run's entries",
			Handler: func(*api.Call) (any, error) {
				return map[string]any{"entries": []map[string]any{
					{"Seq": 1, "ObjectID": "u1", "Object": "nora", "Step": "find", "Outcome": "failed", "Error": "not found", "At": at},
					{"Seq": 2, "ObjectID": "u1", "Object": "nora", "Step": "add", "Outcome": "ok", "At": at},
				}}, nil
			}},
		{Method: "POST", Pattern: "/v1/runs/{id}/retry", MinRole: api.RoleOperator, Summary: "Retry",
			Handler: func(*api.Call) (any, error) { return map[string]string{}, nil }},
	}
}

// TestBranchesTakenByDesignAreNotFailures checks that a lookup's "not
// found" followed by the step it leads to is drawn as a branch, not as a
// red failure, and that a run with no failure offers no retry.
func TestBranchesTakenByDesignAreNotFailures(t *testing.T) {
	f := newFixture(t, branchedRun{})
	b, _ := f.signIn(t, api.RoleOperator)
	code, page := get(t, b, f.srv.URL+"/runs/r1")
	if code != http.StatusOK {
		t.Fatalf("run page: %d", code)
	}
	if !strings.Contains(page, `data-outcome="branch"`) || strings.Contains(page, `class="st-failed"`) {
		t.Errorf("the lookup that led to add is not drawn as a branch:\n%s", page)
	}
	if strings.Contains(page, `id="retry-run"`) || strings.Contains(page, "Retry this object") {
		t.Error("a run without failures offers a retry")
	}
}

// TestAuditSaysWhatInWords checks that an audited route is named by the
// summary its route declares, before the first ";".
func TestAuditSaysWhatInWords(t *testing.T) {
	rt := routeTable{{Method: "POST", Pattern: "/v1/tokens", Summary: "Create an API token; its secret is returned once"}}
	if got := describeAction(rt, "POST /v1/tokens"); got != "Create an API token" {
		t.Errorf("describeAction = %q", got)
	}
	if got := describeAction(rt, "DELETE /v1/nowhere"); got != "" {
		t.Errorf("an unknown route is described as %q", got)
	}
}

// TestRefusalsSpeakTheConsolesWords checks that an API refusal meant for
// the command line is told in the console's words.
func TestRefusalsSpeakTheConsolesWords(t *testing.T) {
	r := httptest.NewRequest("POST", "/extensions/install", strings.NewReader("name=clockify"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	f := refusal(r, answer{Status: http.StatusConflict, Code: "downgrade_refused", Err: "refusing to downgrade or reinstall: pass --allow-downgrade if that is what you want"})
	if strings.Contains(f.Message, "--") || f.Form.Get("name") != "clockify" {
		t.Errorf("refusal: %q, form %v", f.Message, f.Form)
	}
}
