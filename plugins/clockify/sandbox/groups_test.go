package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestGroupListShape(t *testing.T) {
	s := start(t, Options{})
	r := do(t, s, DefaultAdminKey, "GET", ws+"/user-groups?name=Support", "")
	// All five keys, empty arrays as [].
	var raw []map[string]json.RawMessage
	r.json(t, &raw)
	if len(raw) != 1 || len(raw[0]) != 5 || string(raw[0]["userIds"]) != "[]" || string(raw[0]["teamManagers"]) != "[]" ||
		r.header.Get("Last-Page") != "true" {
		t.Fatalf("%s (Last-Page %s)", r.body, r.header.Get("Last-Page"))
	}
	var gs []groupDTO
	do(t, s, DefaultAdminKey, "GET", ws+"/user-groups", "").json(t, &gs)
	if len(gs) != 3 || gs[0].Name != "Engineering" || gs[2].Name != "Support" || len(gs[0].UserIDs) != 3 || gs[0].WorkspaceID != DefaultWorkspaceID {
		t.Fatalf("groups = %+v", gs)
	}
	r = do(t, s, DefaultAdminKey, "GET", ws+"/user-groups?page=1&page-size=2&sort-order=DESCENDING", "")
	r.json(t, &gs)
	if len(gs) != 2 || gs[0].Name != "Support" || r.header.Get("Last-Page") != "false" {
		t.Fatalf("page = %+v, Last-Page %s", gs, r.header.Get("Last-Page"))
	}
	do(t, s, DefaultAdminKey, "GET", ws+"/user-groups?name=sales", "").json(t, &gs)
	if len(gs) != 0 {
		t.Fatal("name filter is case-sensitive in Clockify")
	}
	wantError(t, do(t, s, DefaultAdminKey, "GET", ws+"/user-groups?project-id=0123456789abcdef01234567", ""), 400, codeBusiness, msgProjectNotInWS)
	wantError(t, do(t, s, DefaultAdminKey, "GET", ws+"/user-groups?includeTeamManagers=1", ""), 400, codeBadRequestBody, "")
}

func TestGroupLifecycle(t *testing.T) {
	s := start(t, Options{})
	a := DefaultAdminKey
	r := do(t, s, a, "POST", ws+"/user-groups", `{"name":"Contractors"}`)
	var g groupDTO
	r.json(t, &g)
	if r.status != 201 || !isID(g.ID) || g.Name != "Contractors" || len(g.UserIDs) != 0 {
		t.Fatalf("%d %+v", r.status, g)
	}
	wantError(t, do(t, s, a, "POST", ws+"/user-groups", `{"name":"Contractors"}`), 400, codeBusiness, "User group with name 'Contractors' already exists")
	wantError(t, do(t, s, a, "POST", ws+"/user-groups", `{"name":""}`), 400, codeBusiness, msgGroupNameMissing)
	wantError(t, do(t, s, a, "POST", ws+"/user-groups", `{}`), 400, codeBusiness, msgGroupNameMissing)
	wantError(t, do(t, s, a, "POST", ws+"/user-groups", fmt.Sprintf(`{"name":%q}`, strings.Repeat("x", 101))), 400, codeBusiness, "")
	if r := do(t, s, a, "POST", ws+"/user-groups", fmt.Sprintf(`{"name":%q}`, strings.Repeat("é", 100))); r.status != 201 {
		t.Fatalf("100-character name: %d", r.status)
	}

	base := ws + "/user-groups/" + g.ID
	r = do(t, s, a, "PUT", base, `{"name":"Freelancers"}`)
	r.json(t, &g)
	if r.status != 200 || g.Name != "Freelancers" {
		t.Fatalf("rename: %d %+v", r.status, g)
	}
	if r := do(t, s, a, "PUT", base, `{"name":"Freelancers"}`); r.status != 200 {
		t.Fatalf("rename to own name: %d", r.status)
	}
	wantError(t, do(t, s, a, "PUT", base, `{"name":"Sales"}`), 400, codeBusiness, "User group with name 'Sales' already exists")
	wantError(t, do(t, s, a, "PUT", ws+"/user-groups/0123456789abcdef01234567", `{"name":"X"}`), 400, codeBusiness, msgGroupNotInWS)

	// Members: add, add again (unchanged), unknown, empty.
	do(t, s, a, "POST", base+"/users", `{"userId":"`+ken+`"}`).json(t, &g)
	if len(g.UserIDs) != 1 || g.UserIDs[0] != ken {
		t.Fatalf("after add: %+v", g)
	}
	r = do(t, s, a, "POST", base+"/users", `{"userId":"`+ken+`"}`)
	r.json(t, &g)
	if r.status != 200 || len(g.UserIDs) != 1 {
		t.Fatalf("add twice: %d %+v", r.status, g)
	}
	wantError(t, do(t, s, a, "POST", base+"/users", `{"userId":"0123456789abcdef01234567"}`), 400, codeBusiness, msgUserNotInWS)
	wantError(t, do(t, s, a, "POST", base+"/users", `{}`), 400, codeBusiness, "Some users do not belong to workspace with id "+DefaultWorkspaceID)
	wantError(t, do(t, s, a, "POST", ws+"/user-groups/0123456789abcdef01234567/users", `{"userId":"`+ken+`"}`), 400, codeBusiness, msgGroupNotInWS)

	// Remove: member, not a member (unchanged), unknown user.
	do(t, s, a, "DELETE", base+"/users/"+ken, "").json(t, &g)
	if len(g.UserIDs) != 0 {
		t.Fatalf("after remove: %+v", g)
	}
	if r := do(t, s, a, "DELETE", base+"/users/"+ken, ""); r.status != 200 {
		t.Fatalf("remove non-member: %d", r.status)
	}
	wantError(t, do(t, s, a, "DELETE", base+"/users/0123456789abcdef01234567", ""), 404, codeBusiness, "USER with ID '0123456789abcdef01234567' not found")

	// Delete answers with the group; a second delete is a 400.
	r = do(t, s, a, "DELETE", base, "")
	r.json(t, &g)
	if r.status != 200 || g.Name != "Freelancers" {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	wantError(t, do(t, s, a, "DELETE", base, ""), 400, codeBusiness, msgGroupNotInWS)
	for _, sg := range s.Groups(DefaultWorkspaceID) {
		if sg.ID == g.ID {
			t.Fatal("group still stored")
		}
	}
}
