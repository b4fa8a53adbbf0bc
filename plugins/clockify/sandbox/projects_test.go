package sandbox

import (
	"strings"
	"testing"
)

// TestProjectManagerRole: a project made through the API is found by its
// exact name, a user is made its project manager without a sourceType
// (as Clockify answers live: source null), the role shows in the user
// list with the project's name, and an id that is no project of the
// workspace, or one sent as a user group, is refused. Every call checks
// against the official spec.
func TestProjectManagerRole(t *testing.T) {
	s := start(t, Options{ValidateSpec: true})
	var p projectDTO
	r := do(t, s, DefaultAdminKey, "POST", ws+"/projects", `{"name":"Apollo"}`)
	r.json(t, &p)
	if r.status != 201 || p.Name != "Apollo" || !isID(p.ID) {
		t.Fatalf("create project: %d %s", r.status, r.body)
	}
	do(t, s, DefaultAdminKey, "POST", ws+"/projects", `{"name":"Apollo Two"}`)
	if r := do(t, s, DefaultAdminKey, "POST", ws+"/projects", `{"name":"apollo"}`); r.status != 400 {
		t.Fatalf("a taken name: %d %s", r.status, r.body)
	}
	var found []projectDTO
	do(t, s, DefaultAdminKey, "GET", ws+"/projects?name=apollo&strict-name-search=true", "").json(t, &found)
	if len(found) != 1 || found[0].ID != p.ID {
		t.Fatalf("strict search = %+v", found)
	}
	do(t, s, DefaultAdminKey, "GET", ws+"/projects?name=apollo", "").json(t, &found)
	if len(found) != 2 {
		t.Fatalf("substring search = %+v", found)
	}

	role := `{"entityId":"` + p.ID + `","role":"PROJECT_MANAGER"}`
	r = do(t, s, DefaultAdminKey, "POST", ws+"/users/"+ken+"/roles", role)
	var roles []roleDetailsDTO
	r.json(t, &roles)
	if r.status != 201 || len(roles) != 1 || roles[0].Role.ID != p.ID || roles[0].Role.Source != nil {
		t.Fatalf("give project manager: %d %s", r.status, r.body)
	}
	if r := do(t, s, DefaultAdminKey, "GET", ws+"/users?include-roles=true&email=ken", ""); !strings.Contains(string(r.body), `"entities":[{"id":"`+p.ID+`","name":"Apollo"}]`) {
		t.Fatalf("the user list does not name the managed project: %s", r.body)
	}
	for _, bad := range []string{
		`{"entityId":"0123456789abcdef01234567","role":"PROJECT_MANAGER"}`,
		`{"entityId":"` + p.ID + `","role":"PROJECT_MANAGER","sourceType":"USER_GROUP"}`,
	} {
		r := do(t, s, DefaultAdminKey, "POST", ws+"/users/"+ken+"/roles", bad)
		if r.status != 400 || r.apiErr(t).Message != msgProjectNotInWS {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
	if r := do(t, s, DefaultAdminKey, "DELETE", ws+"/users/"+ken+"/roles", role); r.status != 204 {
		t.Fatalf("remove project manager: %d", r.status)
	}
	for _, u := range s.Users(DefaultWorkspaceID) {
		if u.ID == ken && len(u.Roles) != 0 {
			t.Fatalf("roles after removal = %+v", u.Roles)
		}
	}
	if v := s.SpecViolations(); len(v) != 0 {
		t.Fatalf("spec violations: %v", v)
	}
}
