package sandbox

import (
	"strings"
	"testing"
)

// step is one call of a scenario and the status it must get.
type step struct {
	key, method, path, body string
	status                  int
}

// provisioningScenario is every call a provisioning connector makes, with
// the error answers the spec can describe, in an order that works on the
// default seed.
func provisioningScenario() []step {
	a, m := DefaultAdminKey, DefaultMemberKey
	eng := "6650a1b2c3d4e5f6a7b8cb01"
	sales := "6650a1b2c3d4e5f6a7b8cb02"
	barbara := "6650a1b2c3d4e5f6a7b8c905"
	ken := "6650a1b2c3d4e5f6a7b8c906"
	return []step{
		{a, "GET", "/v1/user", "", 200},
		{a, "GET", "/v1/user?include-memberships=true", "", 200},
		{m, "GET", "/v1/user", "", 200},
		{a, "GET", "/v1/workspaces", "", 200},
		{a, "GET", "/v1/workspaces?roles=OWNER", "", 200},
		{a, "GET", ws, "", 200},
		{a, "GET", ws + "/users", "", 200},
		{a, "GET", ws + "/users?include-roles=false", "", 200},
		{a, "GET", ws + "/users?memberships=ALL&status=ALL&page=1&page-size=3&include-roles=true", "", 200},
		{a, "GET", ws + "/users?memberships=WORKSPACE&page=2&page-size=3", "", 200},
		{a, "GET", ws + "/users?memberships=USERGROUP&sort-column=NAME&sort-order=DESCENDING", "", 200},
		{a, "GET", ws + "/users?email=ken&status=ACTIVE", "", 200},
		{a, "GET", ws + "/users?account-statuses=LIMITED", "", 200},
		{a, "GET", ws + "/users?name=dev&memberships=PROJECT", "", 200},
		{a, "POST", ws + "/users/info", `{"userGroups":["` + eng + `"],"memberships":"WORKSPACE","page":1,"pageSize":10}`, 200},
		{a, "POST", ws + "/users/info", `{"roles":["WORKSPACE_ADMIN"],"includeRoles":true}`, 200},
		{a, "POST", ws + "/users?send-email=false", `{"email":"hire.one@example.com"}`, 200},
		{a, "POST", ws + "/users?send-email=true", `{"email":"hire.one@example.com"}`, 400},
		{a, "POST", ws + "/users?send-email=true", `{"email":""}`, 400},
		{a, "PUT", ws + "/users/" + ken, `{"status":"INACTIVE"}`, 200},
		{a, "PUT", ws + "/users/" + ken, `{"status":"ACTIVE"}`, 200},
		{a, "PUT", ws + "/users/" + ken, `{"status":"ACTIVE"}`, 200},
		{a, "PUT", ws + "/users/" + DefaultAdminUserID, `{"status":"INACTIVE"}`, 403},
		{a, "PUT", ws + "/users/0000000000000000000000aa", `{"status":"INACTIVE"}`, 400},
		{m, "PUT", ws + "/users/" + ken, `{"status":"INACTIVE"}`, 403},
		{a, "DELETE", ws + "/users/" + ken, "", 400},
		{a, "PUT", ws + "/users/" + barbara + "/custom-field/" + defaultEmployeeIDField + "/value", `{"value":"E-2005"}`, 201},
		{a, "PUT", ws + "/users/" + barbara + "/custom-field/" + defaultDepartmentField + "/value", `{"value":"Engineering"}`, 201},
		{a, "GET", ws + "/custom-fields", "", 200},
		{a, "POST", ws + "/users/" + barbara + "/roles", `{"entityId":"` + sales + `","role":"TEAM_MANAGER","sourceType":"USER_GROUP"}`, 201},
		{a, "POST", ws + "/users/" + ken + "/roles", `{"entityId":"` + DefaultWorkspaceID + `","role":"WORKSPACE_ADMIN"}`, 201},
		{a, "GET", ws + "/users/" + ken + "/managers", "", 200},
		{a, "GET", ws + "/users/" + barbara + "/managers?page=1&page-size=1", "", 200},
		{a, "DELETE", ws + "/users/" + ken + "/roles", `{"entityId":"` + DefaultWorkspaceID + `","role":"WORKSPACE_ADMIN"}`, 204},
		{a, "GET", ws + "/user-groups", "", 200},
		{a, "GET", ws + "/user-groups?includeTeamManagers=true&sort-column=ID&page=1&page-size=2", "", 200},
		{a, "GET", ws + "/user-groups?name=Sal", "", 200},
		{a, "POST", ws + "/user-groups", `{"name":"Contractors"}`, 201},
		{a, "POST", ws + "/user-groups", `{"name":"Contractors"}`, 400},
		{a, "POST", ws + "/user-groups", `{"name":""}`, 400},
		{a, "PUT", ws + "/user-groups/" + eng, `{"name":"Engineering EU"}`, 200},
		{a, "POST", ws + "/user-groups/" + sales + "/users", `{"userId":"` + barbara + `"}`, 200},
		{a, "POST", ws + "/user-groups/" + sales + "/users", `{"userId":"` + barbara + `"}`, 200},
		{a, "POST", ws + "/user-groups/" + sales + "/users", `{"userId":"0000000000000000000000aa"}`, 400},
		{a, "DELETE", ws + "/user-groups/" + sales + "/users/" + barbara, "", 200},
		{a, "DELETE", ws + "/user-groups/" + sales + "/users/" + barbara, "", 200},
		{a, "DELETE", ws + "/user-groups/" + sales + "/users/0000000000000000000000aa", "", 404},
		{a, "DELETE", ws + "/user-groups/" + sales, "", 200},
		{a, "DELETE", ws + "/user-groups/" + sales, "", 400},
		{m, "POST", ws + "/user-groups", `{"name":"Nope"}`, 403},
	}
}

func runScenario(t *testing.T, s *Server, steps []step) {
	t.Helper()
	for i, st := range steps {
		r := do(t, s, st.key, st.method, st.path, st.body)
		if r.status != st.status {
			t.Fatalf("step %d %s %s: status %d, want %d; body %s", i, st.method, st.path, r.status, st.status, r.body)
		}
	}
}

// TestScenarioConformsToSpec runs the whole provisioning scenario with
// validation on: neither the requests (as a connector sends them) nor the
// sandbox's answers may differ from the official spec beyond the
// documented corrections.
func TestScenarioConformsToSpec(t *testing.T) {
	s := start(t, Options{ValidateSpec: true})
	runScenario(t, s, provisioningScenario())
	if v := s.SpecViolations(); len(v) > 0 {
		t.Fatalf("%d spec violations:\n%s", len(v), strings.Join(v, "\n"))
	}
}

// TestUncorrectedSpecFlagsResponses proves the response check is live: the
// same scenario against the official document without the documented
// corrections must produce violations, one kind per correction.
func TestUncorrectedSpecFlagsResponses(t *testing.T) {
	v, err := buildSpecValidator(false)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	s.setValidator(v)
	if err := s.listen(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	runScenario(t, s, provisioningScenario())
	all := strings.Join(s.SpecViolations(), "\n")
	for _, want := range []string{
		`response 200 to GET /api/v1/user`,                                 // status is a string, not an object
		`response 200 to GET /api/v1/workspaces/` + DefaultWorkspaceID,     // features is a list
		`request GET /api/v1/workspaces/` + DefaultWorkspaceID + `/users:`, // include-roles omitted
		`response 201 to PUT`,                                              // custom field value is a string
		`response 201 to POST`,                                             // role source null
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no violation containing %q; got:\n%s", want, all)
		}
	}
}

// TestValidatorFlagsBadRequests shows that what a sloppy client sends is
// reported: a missing required parameter, an enum value the spec does not
// know, a body without a required field, and an operation the spec lacks.
func TestValidatorFlagsBadRequests(t *testing.T) {
	s := start(t, Options{ValidateSpec: true})
	a := DefaultAdminKey
	do(t, s, a, "POST", ws+"/users", `{"email":"x@example.com"}`)
	do(t, s, a, "GET", ws+"/users?status=GONE", "")
	do(t, s, a, "POST", ws+"/user-groups/6650a1b2c3d4e5f6a7b8cb01/users", `{}`)
	do(t, s, a, "GET", ws+"/user-groups/6650a1b2c3d4e5f6a7b8cb01", "")
	got := s.SpecViolations()
	want := []string{"send-email", "status", "userId", "no such operation"}
	if len(got) != len(want) {
		t.Fatalf("got %d violations, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(got[i], w) {
			t.Errorf("violation %d = %q, want it to mention %q", i, got[i], w)
		}
	}
}
