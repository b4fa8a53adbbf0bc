package macro

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func stepScope() Scope {
	return NewScope(
		AD("mail", "givenName", "sn", "department", "title", "employeeID", "memberOf", "whenCreated", "displayName"),
		Integration("workspaceId", "baseUrl"),
		Steps(Step{ID: "addUser", Outputs: []string{"id", "email"}}),
		Object(),
	)
}

func TestCheckAccepts(t *testing.T) {
	ok := []string{
		"%ad.mail%",
		"%ad.Mail%",
		"/workspaces/%integration.workspaceId%/users/%steps.addUser.id%",
		`%lower(replace(ad.department, " ", "-"))%`,
		`%substring(ad.givenName, 0, 1)%%lower(ad.sn)%@example.com`,
		`%date(now, "yyyy-MM-dd'T'HH:mm:ssK")%`,
		`%date(ad.whenCreated, "dd.MM.yyyy")%`,
		`%default(ad.title, "Staff")%`,
		`%concat(ad.givenName, " ", ad.sn)%`,
		`%split(ad.mail, "@", -1)%`,
		`%join(ad.memberOf, ";")% %first(ad.memberOf)% %object.dn%`,
	}
	for _, src := range ok {
		if _, err := Check(src, stepScope()); err != nil {
			t.Errorf("Check(%q) = %v", src, err)
		}
	}
}

func TestCheckRefusesWithPositionAndSuggestion(t *testing.T) {
	cases := []struct {
		src        string
		kind       error
		col        int
		suggestion string
		contains   string
	}{
		{"x %ad.mial%", ErrUnknownMacro, 4, "%ad.mail%", "\"mial\" is not one of the attributes of the AD object"},
		{"%ads.mail%", ErrUnknownMacro, 2, "%ad.mail%", "no \"ads\" here"},
		{"%integration.workspaceID2%", ErrUnknownMacro, 2, "%integration.workspaceId%", ""},
		{"%steps.addUser.idd%", ErrUnknownMacro, 2, "%steps.addUser.id%", ""},
		{"%steps.removeUser.id%", ErrUnknownMacro, 2, "", "outputs of earlier steps"},
		{"%mail%", ErrUnknownMacro, 2, "%ad.mail%", "not a macro"},
		{"%lowr(ad.mail)%", ErrUnknownFunction, 2, "lower(...)", "unknown function lowr"},
		{"%lower(ad.mail, ad.sn)%", ErrArguments, 2, "", "lower takes 1 argument, not 2"},
		{"%substring(ad.sn)%", ErrArguments, 2, "", "2 to 3 arguments"},
		{"%concat(ad.sn)%", ErrArguments, 2, "", "2 or more arguments"},
		{`%substring(ad.sn, "0", 1)%`, ErrArguments, 19, "", "must be a whole number"},
		{`%date(now, ad.title)%`, ErrArguments, 12, "", "double quotes"},
		{`%date(now, "YYYY-MM-DD")%`, ErrArguments, 12, `"yyyy-MM-dd"`, "not a date token"},
		{`%date(now, "'open")%`, ErrArguments, 12, "", "not closed"},
		{`%lower(now)% %default(ad.nope, "x")%`, ErrUnknownMacro, 23, "", "\"nope\" is not one"},
	}
	for _, c := range cases {
		_, err := Check(c.src, stepScope())
		if !errors.Is(err, c.kind) {
			t.Errorf("Check(%q) = %v, want %v", c.src, err, c.kind)
			continue
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("Check(%q) error %T has no position", c.src, err)
		}
		if e.Pos.Col != c.col || e.Suggestion != c.suggestion || !strings.Contains(e.Msg, c.contains) {
			t.Errorf("Check(%q) = col %d %q suggestion %q; want col %d containing %q suggestion %q",
				c.src, e.Pos.Col, e.Msg, e.Suggestion, c.col, c.contains, c.suggestion)
		}
	}
}

func TestCheckReportsEveryProblem(t *testing.T) {
	_, err := Check("%ad.mial%\n%lowr(ad.sn)% %integration.nope%", stepScope())
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 3 {
		t.Fatalf("err = %v, want 3 problems", err)
	}
	if list[1].Pos.Line != 2 || list[1].Pos.Col != 2 {
		t.Errorf("second problem at %d:%d, want 2:2", list[1].Pos.Line, list[1].Pos.Col)
	}
	if !strings.Contains(err.Error(), "line 1, column 2: unknown macro %ad.mial%") || !strings.Contains(err.Error(), " — did you mean %ad.mail%?") {
		t.Errorf("message = %q", err.Error())
	}
	labeled := In("Body", err)
	if !errors.Is(labeled, ErrUnknownMacro) {
		t.Errorf("In lost the kind: %v", labeled)
	}
	lines := strings.Split(labeled.Error(), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "Body, line 1, column 2: unknown macro %ad.mial%") || !strings.HasPrefix(lines[2], "Body, line 2, column 16: ") {
		t.Errorf("labeled = %q, want every problem prefixed with the field's label", labeled.Error())
	}
}

func TestCheckNowForbidden(t *testing.T) {
	s := NewScope(Record("email"))
	s.NoNow = true
	if _, err := Check(`%date(now, "yyyy")%`, s); !errors.Is(err, ErrUnknownMacro) || !strings.Contains(err.Error(), "same on every run") {
		t.Fatalf("err = %v", err)
	}
}

func TestOpenNamespaceAcceptsAnyName(t *testing.T) {
	ns := AD()
	ns.Open = true
	if _, err := Check("%ad.anythingAtAll%", NewScope(ns)); err != nil {
		t.Fatal(err)
	}
}

func TestAvailableAndFunctions(t *testing.T) {
	got := Available(stepScope())
	if got[0].Macro != "%ad.department%" || got[0].Namespace != "ad" {
		t.Errorf("first entry = %+v", got[0])
	}
	var steps []string
	for _, m := range got {
		if m.Namespace == "steps" {
			steps = append(steps, m.Macro)
		}
	}
	if strings.Join(steps, ",") != "%steps.addUser.email%,%steps.addUser.id%" {
		t.Errorf("steps macros = %v", steps)
	}
	// Every listed macro must pass Check: the chooser never offers a macro
	// the save would refuse.
	for _, m := range got {
		if _, err := Check(m.Macro, stepScope()); err != nil {
			t.Errorf("chooser offers %s but Check refuses it: %v", m.Macro, err)
		}
	}
	fns := Functions()
	sigs := map[string]string{}
	for _, f := range fns {
		sigs[f.Name] = f.Signature()
		if _, err := Check(f.Example, stepScope()); err != nil && !strings.Contains(f.Example, "proxyAddresses") {
			t.Errorf("example of %s does not check: %v", f.Name, err)
		}
	}
	if sigs["substring"] != "substring(text, start, [length])" || sigs["concat"] != "concat(text, text, ...)" {
		t.Errorf("signatures = %v", sigs)
	}
	if fns[0].Name != "ascii" {
		t.Errorf("functions not sorted: first is %s", fns[0].Name)
	}
}

func TestHasAcceptsSchemaAttributesNotListed(t *testing.T) {
	ad := AD("mail")
	ad.Has = func(name string) bool { return strings.EqualFold(name, "extensionAttribute1") }
	scope := NewScope(ad)
	if _, err := Check("%ad.extensionAttribute1%", scope); err != nil {
		t.Fatalf("schema attribute refused: %v", err)
	}
	if _, err := Check("%ad.extensionAttribute2%", scope); !errors.Is(err, ErrUnknownMacro) {
		t.Fatalf("unknown attribute accepted: %v", err)
	}
	if got := Available(scope); len(got) != 1 {
		t.Fatalf("the chooser lists only declared fields, got %v", got)
	}
}

func TestFunctionListAsJSON(t *testing.T) {
	b, err := json.Marshal(Functions()[0])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"ascii","params":[{"name":"text","kind":"text"}],"description":`
	if !strings.HasPrefix(string(b), want) {
		t.Fatalf("json = %s", b)
	}
	for k, want := range map[ArgKind]string{ArgText: "text", ArgNumber: "number", ArgLiteral: "literal"} {
		if k.String() != want {
			t.Errorf("%d = %s", k, k)
		}
	}
}
