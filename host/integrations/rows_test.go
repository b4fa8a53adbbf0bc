package integrations

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
)

func TestRoleTableRowsAreRefusedInTheAdminsWords(t *testing.T) {
	f := newFixture(t)
	f.create(t, testKey)
	for _, c := range []struct{ table, want string }{
		{"Admins -> WORKSPACE_ADMIN; Leads -> TEAM_MANAGER; CN=Admins -> WORKSPACE_ADMN",
			"Role table row 3: WORKSPACE_ADMN is not a role the app gives; use WORKSPACE_ADMIN, TEAM_MANAGER or PROJECT_MANAGER"},
		{"Admins WORKSPACE_ADMIN", `Role table row 1: "Admins WORKSPACE_ADMIN" gives no role; write it as "Admins WORKSPACE_ADMIN -> WORKSPACE_ADMIN"`},
		{"Admins -> WORKSPACE_ADMIN\n\n -> TEAM_MANAGER", "Role table row 2: names no AD group before ->"},
		{"CN=Admins,,DC=example -> WORKSPACE_ADMIN", `Role table row 1: "CN=Admins,,DC=example" is not a DN that parses`},
		{"Leads ->", "Role table row 1: names no role after ->; use WORKSPACE_ADMIN"},
	} {
		_, err := f.svc.UpdateSettings(t.Context(), "main", map[string]string{"roleTable": c.table})
		ve, ok := err.(*ValidationError)
		if !ok || len(ve.Problems) != 1 || ve.Problems[0].Key != "roleTable" || !strings.HasPrefix(ve.Problems[0].Message, c.want) {
			t.Errorf("table %q: %v; want one roleTable problem starting %q", c.table, err, c.want)
		}
	}
	_, err := f.svc.UpdateSettings(t.Context(), "main", map[string]string{"roleTable": "A -> ADMIN; B -> OWNER"})
	if ve, ok := err.(*ValidationError); !ok || len(ve.Problems) != 2 {
		t.Errorf("two bad rows: %v; want both named", err)
	}
}

func TestABadRoleTableIsAnswered400AndTheStoredSettingsStay(t *testing.T) {
	f := newAPIFixture(t)
	f.create(t, testKey)
	admin := api.RoleAdmin
	good := "CN=Timesheet Admins,OU=Groups,DC=example,DC=com -> WORKSPACE_ADMIN; Project Leads → project_manager"
	if status, body := f.do(t, admin, "PATCH", "/v1/integrations/main/settings", `{"roleTable":`+quote(good)+`}`); status != 200 {
		t.Fatalf("a good table: %d %s", status, body)
	}
	status, body := f.do(t, admin, "PATCH", "/v1/integrations/main/settings",
		`{"rate":"7","roleTable":"Admins -> WORKSPACE_ADMIN; Leads -> TEAM_MANAGER; CN=Admins -> WORKSPACE_ADMN"}`)
	if status != 400 || !strings.Contains(body, `"roleTable"`) || !strings.Contains(body, "Role table row 3: WORKSPACE_ADMN is not a role the app gives") {
		t.Fatalf("a bad row: %d %s; want 400 naming row 3 of roleTable", status, body)
	}
	stored, err := f.svc.Settings(t.Context(), "main")
	if err != nil {
		t.Fatal(err)
	}
	if stored["roleTable"] != good || stored["rate"] != "" {
		t.Fatalf("after a refused save the settings are %v; want the good table kept and nothing of the refused patch", stored)
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
