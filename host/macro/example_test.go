package macro_test

import (
	"fmt"
	"time"

	"github.com/idbridge/idbridge/host/macro"
)

// A webhook URL and body, checked when saved and rendered per user.
func Example() {
	scope := macro.NewScope(
		macro.AD("mail", "givenName", "sn", "department"),
		macro.Integration("workspaceId"),
		macro.Steps(macro.Step{ID: "addUser", Outputs: []string{"id"}}),
	)
	url, err := macro.Check("/workspaces/%integration.workspaceId%/users/%steps.addUser.id%", scope)
	if err != nil {
		panic(err)
	}
	body, err := macro.Check(`{"email": "%lower(ad.mail)%", "group": "%default(ad.department, "Staff")%"}`, scope)
	if err != nil {
		panic(err)
	}
	env := macro.Env{
		Object: "CN=Bob,OU=Staff,DC=example,DC=com",
		Values: macro.Data{
			"ad":          {"mail": {"Bob@Example.com"}},
			"integration": {"workspaceId": {"ws1"}},
			"steps":       {"addUser.id": {"u 7"}},
		},
	}
	u, _ := url.Render(env, macro.URL)
	b, _ := body.Render(env, macro.JSON)
	fmt.Println(u)
	fmt.Println(b)
	// Output:
	// /workspaces/ws1/users/u%207
	// {"email": "bob@example.com", "group": "Staff"}
}

// Save-time errors carry a position and a suggestion.
func ExampleCheck() {
	_, err := macro.Check("Hello %ad.givenNmae%", macro.NewScope(macro.AD("givenName", "sn")))
	fmt.Println(err)
	// Output:
	// line 1, column 8: unknown macro %ad.givenNmae%: "givenNmae" is not one of the attributes of the AD object — did you mean %ad.givenName%?
}

// In names the field a problem is in by the label the admin sees.
func ExampleIn() {
	_, err := macro.Check("%ad.mial%", macro.NewScope(macro.AD("mail")))
	fmt.Println(macro.In("Body", err))
	// Output:
	// Body, line 1, column 2: unknown macro %ad.mial%: "mial" is not one of the attributes of the AD object — did you mean %ad.mail%?
}

// A missing value fails the render, naming the macro and the object.
func ExampleTemplate_Render_missing() {
	t := macro.MustParse("%ad.employeeID%")
	_, err := t.Render(macro.Env{Object: "CN=Bob,OU=Staff,DC=example,DC=com", Values: macro.Data{}}, macro.Text)
	fmt.Println(err)
	// Output:
	// %ad.employeeID% has no value for CN=Bob,OU=Staff,DC=example,DC=com
}

// Date layouts use the tokens of PowerShell's Get-Date -Format.
func ExampleFunctions() {
	t := macro.MustParse(`%date(now, "dd.MM.yyyy HH:mm")%`)
	s, _ := t.Render(macro.Env{Now: time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)}, macro.Text)
	fmt.Println(s)
	for _, f := range macro.Functions()[:3] {
		fmt.Println(f.Signature(), "—", f.Example)
	}
	// Output:
	// 04.05.2026 09:30
	// ascii(text) — %lower(ascii(ad.givenName))%
	// concat(text, text, ...) — %concat(ad.givenName, " ", ad.sn)%
	// date(time, layout) — %date(now, "yyyy-MM-dd")%
}
