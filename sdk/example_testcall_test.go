package sdk_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk"
)

// A connection test as data: the app's "who am I" call proves the key,
// names its owner, and tells whether it may write. This key is read-only,
// so the test passes with a warning.
func ExampleTestCall() {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"user":{"email":"ada@acme.example"},"scope":"read"}`)
	}))
	defer app.Close()
	c := sdk.Connector{
		Info:    sdk.Info{ID: "acme", Version: "1.0.0"},
		BaseURL: sdk.BaseURL{Default: app.URL},
		Auth:    sdk.DescribedAuth(sdk.BearerAuth("token"), "API token", "A token from Acme's admin settings."),
		Test: &sdk.TestCall{URL: "/me", Account: "user.email",
			Expect: []sdk.Expect{{ID: "write-users", Path: "scope", Equals: "write",
				Otherwise: "the token's scope is {value}: users can be read, not changed",
				Remedy:    "issue a token with the write scope"}}},
	}
	srv, err := sdk.NewServer(c, sdk.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, _ := srv.Test(context.Background(), &connectorv1.TestRequest{Settings: map[string]string{"token": "t0k3n"}})
	fmt.Println("ok:", resp.GetOk(), "account:", resp.GetAccount())
	for _, ch := range resp.GetChecks() {
		fmt.Printf("%s %s: %s\n", ch.GetStatus(), ch.GetName(), ch.GetMessage())
	}
	// Output:
	// ok: true account: ada@acme.example
	// CHECK_STATUS_OK Settings: all required settings are present and well formed
	// CHECK_STATUS_OK API token: the API token belongs to ada@acme.example
	// CHECK_STATUS_WARNING Write users: the token's scope is read: users can be read, not changed
}
