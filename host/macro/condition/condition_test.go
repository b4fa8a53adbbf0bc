package condition

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/macro"
)

func scope() macro.Scope {
	return macro.NewScope(
		macro.AD("mail", "department", "title", "memberOf", "employeeID").WithMulti("memberOf"),
		macro.Integration("workspaceId"),
		macro.Steps(macro.Step{ID: "addUser", Outputs: []string{"id"}}),
		macro.Object(),
	)
}

var bob = macro.Data{
	"ad": {
		"mail":       {"bob@example.com"},
		"Department": {"Sales"},
		"memberOf":   {"CN=Staff,OU=Groups,DC=example,DC=com"},
	},
	"steps":  {"addUser.id": {"u-1"}},
	"object": {"dn": {"CN=Bob,OU=Staff,DC=example,DC=com"}},
}

func TestEval(t *testing.T) {
	cases := map[string]bool{
		`ad.department == "Sales"`: true,
		`ad.department == "Sales" && ad.memberOf.exists(g, g.startsWith("CN=Contractors"))`: false,
		`ad.memberOf.exists(g, g.startsWith("CN=Staff"))`:                                   true,
		`has(ad.title)`: false,
		`has(ad.mail) && ad.mail.endsWith("@example.com")`: true,
		`steps.addUser.id == "u-1"`:                        true,
		`object.dn.endsWith("OU=Staff,DC=example,DC=com")`: true,
		`ad["mail"] == "bob@example.com"`:                  true,
		`size(ad.memberOf) == 1`:                           true,
	}
	for src, want := range cases {
		c, err := Compile(src, scope())
		if err != nil {
			t.Errorf("Compile(%q): %v", src, err)
			continue
		}
		got, err := c.Eval(context.Background(), bob, "CN=Bob")
		if err != nil || got != want {
			t.Errorf("%s = %v, %v; want %v", src, got, err, want)
		}
	}
}

func TestCompileRefuses(t *testing.T) {
	cases := []struct {
		src, contains, suggestion string
		line, col                 int
	}{
		{`ad.mial == "x"`, "ad.mial is not declared", "ad.mail", 1, 1},
		{"true &&\n  ad.Department == \"x\"", "case-sensitive", "ad.department", 2, 3},
		{`ad["titel"] == "x"`, "ad.titel is not declared", "ad.title", 1, 1},
		{`steps.addUser.idd == "x"`, "steps.addUser.idd is not declared", "steps.addUser.id", 1, 1},
		{`steps.removeUser.id == "x"`, "steps.removeUser.id", "", 1, 1},
		{`ad.mail`, "must be true or false, but this one gives a value of unknown type", "", 1, 1},
		{`size(ad.memberOf)`, "gives a value of type int", "", 1, 1},
		{`ad.mail ==`, "Syntax error", "", 1, 11},
		{`adx.mail == "x"`, "undeclared reference to 'adx'", "", 1, 1},
		{`size(ad.mail) + "x"`, "no matching overload", "", 1, 15},
	}
	for _, c := range cases {
		_, err := Compile(c.src, scope())
		if !errors.Is(err, ErrCompile) {
			t.Errorf("Compile(%q) = %v, want ErrCompile", c.src, err)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Msg, c.contains) || e.Suggestion != c.suggestion || e.Line != c.line || e.Col != c.col {
			t.Errorf("Compile(%q) = %v; want %d:%d %q suggestion %q", c.src, err, c.line, c.col, c.contains, c.suggestion)
		}
	}
}

func TestEvalMissingAttributeFailsNamingObject(t *testing.T) {
	c, err := Compile(`ad.title == "Boss"`, scope())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Eval(context.Background(), bob, "CN=Bob")
	if !errors.Is(err, ErrEval) || !strings.Contains(err.Error(), "CN=Bob") || !strings.Contains(err.Error(), "has(") {
		t.Fatalf("err = %v", err)
	}
}

func TestEvalCostLimit(t *testing.T) {
	c, err := Compile(`[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, a+b+c > 0)))`, scope(), WithCostLimit(100))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Eval(context.Background(), bob, "CN=Bob")
	if !errors.Is(err, ErrEval) || !strings.Contains(err.Error(), "cost limit") {
		t.Fatalf("err = %v, want a cost-limit failure", err)
	}
	c2, _ := Compile(`[1,2,3].all(a, a > 0)`, scope(), WithCostLimit(1000))
	if ok, err := c2.Eval(context.Background(), bob, "CN=Bob"); err != nil || !ok {
		t.Fatalf("cheap condition = %v, %v", ok, err)
	}
}

func TestEvalCancelled(t *testing.T) {
	c, err := Compile(`[1,2,3].map(a, [1,2,3].map(b, a*b)).size() > 0`, scope())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Eval(ctx, bob, "CN=Bob"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestStepsIndexAccessAndErrorText(t *testing.T) {
	c, err := Compile(`steps["addUser"]["id"] == "u-1"`, scope())
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := c.Eval(context.Background(), bob, "CN=Bob"); err != nil || !ok {
		t.Fatalf("eval = %v, %v", ok, err)
	}
	_, err = Compile("ad.mial == \"x\" || ad.titel == \"y\"", scope())
	if got := err.Error(); got != "line 1, column 1: ad.mial is not declared here — did you mean ad.mail?\nline 1, column 19: ad.titel is not declared here — did you mean ad.title?" {
		t.Fatalf("message = %q", got)
	}
}

func TestCompileAcceptsSchemaAttributes(t *testing.T) {
	sc := scope()
	sc.Namespaces[0].Has = func(name string) bool { return name == "extensionAttribute1" }
	if _, err := Compile(`ad.extensionAttribute1 == "x"`, sc); err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(`ad.extensionAttribute2 == "x"`, sc); !errors.Is(err, ErrCompile) {
		t.Fatalf("err = %v", err)
	}
}

// TestInAnyGroupReadsATable: a table of groups (text, one entry a line or
// separated by ";", by CN or DN, any case) decides membership, and a table
// that names no group of the user gives false.
func TestInAnyGroupReadsATable(t *testing.T) {
	groups := []string{"CN=Ops,OU=Groups,DC=example,DC=com", "CN=Clockify Workspace Admins,OU=Groups,DC=example,DC=com"}
	cases := map[string]bool{
		"clockify workspace admins":                        true,
		"Finance; \n  cn=ops,ou=groups,dc=example,dc=com ": true,
		"Finance\nClockify Team Managers":                  false,
		"Clockify":                                         false, // a CN prefix is not the group
		"":                                                 false,
		" ; \n":                                            false,
	}
	c, err := Compile(`inAnyGroup(object.groups, integration.workspaceId)`, scope())
	if err != nil {
		t.Fatal(err)
	}
	for table, want := range cases {
		data := macro.Data{"object": {"groups": groups}, "integration": {"workspaceId": {table}}}
		got, err := c.Eval(context.Background(), data, "CN=Bob")
		if err != nil || got != want {
			t.Errorf("table %q: %v, %v; want %v", table, got, err, want)
		}
	}
	// No groups at all: nobody is in a mapped group.
	got, err := c.Eval(context.Background(), macro.Data{"object": {"groups": nil}, "integration": {"workspaceId": {"Ops"}}}, "CN=Bob")
	if err != nil || got {
		t.Errorf("no groups: %v, %v; want false", got, err)
	}
	if _, err := Compile(`inAnyGroup(object.groups)`, scope()); !errors.Is(err, ErrCompile) {
		t.Errorf("one argument: %v, want ErrCompile", err)
	}
}

// TestInAnyGroupReadsRowsForOneValue: in a table of rows "group -> value"
// only the rows of the value asked for count, the typographic arrow reads
// as "->", and tableMaps says whether any row names a value at all.
func TestInAnyGroupReadsRowsForOneValue(t *testing.T) {
	groups := []string{"CN=Apollo Leads,OU=Groups,DC=example,DC=com"}
	table := "Clockify Workspace Admins -> WORKSPACE_ADMIN;\nCN=Apollo Leads,OU=Groups,DC=example,DC=com → project_manager; Ops"
	data := macro.Data{"object": {"groups": groups}, "integration": {"workspaceId": {table}}}
	cases := map[string]bool{
		`inAnyGroup(object.groups, integration.workspaceId, "PROJECT_MANAGER")`: true,
		`inAnyGroup(object.groups, integration.workspaceId, "WORKSPACE_ADMIN")`: false,
		`inAnyGroup(object.groups, integration.workspaceId)`:                    true, // any row
		`tableMaps(integration.workspaceId, "WORKSPACE_ADMIN")`:                 true,
		`tableMaps(integration.workspaceId, "TEAM_MANAGER")`:                    false,
	}
	for expr, want := range cases {
		c, err := Compile(expr, scope())
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Eval(context.Background(), data, "CN=Bob")
		if err != nil || got != want {
			t.Errorf("%s: %v, %v; want %v", expr, got, err, want)
		}
	}
	rows := GroupRows(" Leads ->TEAM_MANAGER ;; CN=X,DC=y\n")
	if len(rows) != 2 || rows[0] != (GroupRow{Group: "Leads", Value: "TEAM_MANAGER"}) || rows[1] != (GroupRow{Group: "CN=X,DC=y"}) {
		t.Fatalf("rows %+v", rows)
	}
}
