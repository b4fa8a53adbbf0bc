package orchestration

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/plugins/clockify"
)

// TestConditionReadsIntegrationSettings: a condition of a template that
// calls one integration reads that integration's settings, so a table of
// groups is data the admin edits, not template logic; the run adds only the
// user in a group the table names. A secret setting is not readable.
func TestConditionReadsIntegrationSettings(t *testing.T) {
	e := newEnv(t, envOptions{settings: map[string]string{
		clockify.SettingRoleTable: "Nobody -> WORKSPACE_ADMIN; CN=Admins,OU=Groups,DC=corp,DC=example -> WORKSPACE_ADMIN; CN=Staff,OU=Groups,DC=corp,DC=example -> TEAM_MANAGER",
	}})
	tm := addOnly("admins-only")
	tm.Steps = append([]Step{{ID: "isAdmin", Kind: KindCondition,
		Condition: "inAnyGroup(object.groups, integration." + clockify.SettingRoleTable + `, "WORKSPACE_ADMIN")`, OnFailure: End}}, tm.Steps...)
	mustSave(t, e, tm)

	secret := addOnly("reads-secret")
	secret.Steps = append([]Step{{ID: "key", Kind: KindCondition, Condition: `integration.apiKey != ""`}}, secret.Steps...)
	var invalid *InvalidError
	if _, err := e.eng.SaveTemplate(context.Background(), secret); !errors.As(err, &invalid) || !strings.Contains(err.Error(), "integration.apiKey") {
		t.Errorf("a condition reading the API key was saved: %v", err)
	}

	e.start(t)
	objs := people("tbl", 2)
	objs[0].Groups = []string{"cn=admins,ou=groups,dc=corp,dc=example"}
	objs[1].Groups = []string{"CN=Staff,OU=Groups,DC=corp,DC=example"}
	id, err := e.eng.StartRun(context.Background(), RunRequest{TemplateID: "admins-only", Objects: []outbound.Object{objs[0], objs[1]}})
	if err != nil {
		t.Fatal(err)
	}
	v := e.wait(t, id, 30*time.Second)
	if v.Error != "" || v.Summary.Failed != 0 {
		t.Fatalf("run ended %s with %+v (%s)", v.Status, v.Summary, v.Error)
	}
	if e.userByEmail(objs[0].Attributes["mail"][0]) == nil {
		t.Error("the member of a group the table names was not added")
	}
	if e.userByEmail(objs[1].Attributes["mail"][0]) != nil {
		t.Error("a user in no group of the table was added")
	}
}
