package tutorial_test

import (
	"context"
	"fmt"

	"github.com/idbridge/idbridge/plugins/tutorial"
	"github.com/idbridge/idbridge/plugins/tutorial/acmeapi"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk"
)

// The connector's Test against the Acme test server, in process: what an
// admin sees after entering a reader key.
func Example_connectionTest() {
	srv, err := acmeapi.Start(acmeapi.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	conn, err := sdk.NewServer(tutorial.Connector(), sdk.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := conn.Test(context.Background(), &connectorv1.TestRequest{Settings: map[string]string{
		"tenant":  acmeapi.DefaultTenant,
		"baseUrl": srv.URL(),
		"apiKey":  acmeapi.DefaultReaderKey,
	}})
	if err != nil {
		fmt.Println(sdk.FormatAppError(sdk.ErrorFromStatus(err)))
		return
	}
	fmt.Println("ok:", resp.GetOk(), "account:", resp.GetAccount())
	for _, c := range resp.GetChecks() {
		fmt.Printf("%s: %s\n", c.GetName(), c.GetStatus())
	}
	// Output:
	// ok: true account: auditor@acme.example
	// Settings: CHECK_STATUS_OK
	// API key: CHECK_STATUS_OK
	// Manage users (outbound): CHECK_STATUS_WARNING
}

// Invoke runs a webhook the host has rendered; the answer carries the
// outputs and the exchange with the API key masked.
func Example_invoke() {
	srv, err := acmeapi.Start(acmeapi.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	conn, err := sdk.NewServer(tutorial.Connector(), sdk.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := conn.Invoke(context.Background(), &connectorv1.InvokeRequest{
		Settings: map[string]string{
			"tenant":  acmeapi.DefaultTenant,
			"baseUrl": srv.URL(),
			"apiKey":  acmeapi.DefaultAdminKey,
		},
		WebhookId: "find-user-by-email",
		Call: &connectorv1.RenderedCall{Method: "GET", Url: "/v1/tenants/{tenant}/users",
			Query: []*connectorv1.KeyValue{{Name: "email", Value: "user0042@acme.example"}}},
		Outputs: []*connectorv1.OutputSpec{{Name: "userId", Path: "users[email=user0042@acme.example].id"}},
	})
	if err != nil {
		fmt.Println(sdk.FormatAppError(sdk.ErrorFromStatus(err)))
		return
	}
	for _, h := range resp.GetExchange().GetRequest().GetHeaders() {
		if h.GetName() == "X-Acme-Key" {
			fmt.Println("X-Acme-Key:", h.GetValue())
		}
	}
	fmt.Println("userId:", resp.GetOutputs().GetFields()["userId"].GetStringValue())
	// Output:
	// X-Acme-Key: ****
	// userId: u_0042
}
