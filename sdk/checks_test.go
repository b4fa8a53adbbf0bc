package sdk

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// TestCheckBuilders: a hook written with the builders reports a passed
// call, a failed call with the app's message and the declared advice,
// and a warning, in order.
func TestCheckBuilders(t *testing.T) {
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/me" {
			fmt.Fprint(w, `{"email":"ann@example.com","role":"reader"}`)
			return
		}
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"detail":"reader keys cannot list audit logs","code":"forbidden"}`)
	})
	c := testConnector(base)
	c.Errors = ErrorShape{MessagePath: "detail", CodePath: "code", AdviceByCode: map[string]string{"forbidden": "use an admin key"}}
	c.TestHook = func(ctx context.Context, cl *Client) (*TestReport, error) {
		var me struct{ Email, Role string }
		resp, err := cl.Get(ctx, "/me")
		if err == nil {
			err = resp.JSON(&me)
		}
		_, auditErr := cl.Get(ctx, "/audit")
		return &TestReport{Account: me.Email, Checks: []Check{
			cl.Check("credentials", "API key", err, "the key belongs to "+me.Email),
			cl.Check("audit", "Read the audit log", auditErr, "readable"),
			Warned("write", "Change users", "the key has the "+me.Role+" role", "use an admin key for outbound webhooks"),
		}}, nil
	}
	rep, err := dial(t, c).Test(t.Context(), &connectorv1.TestRequest{Settings: testSettings(base)})
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, ch := range rep.GetChecks() {
		got += fmt.Sprintf("%s %s %q %q\n", ch.GetId(), ch.GetStatus(), ch.GetMessage(), ch.GetRemedy())
	}
	want := `settings CHECK_STATUS_OK "all required settings are present and well formed" ""
credentials CHECK_STATUS_OK "the key belongs to ann@example.com" ""
audit CHECK_STATUS_FAILED "reader keys cannot list audit logs" "use an admin key"
write CHECK_STATUS_WARNING "the key has the reader role" "use an admin key for outbound webhooks"
`
	if got != want {
		t.Fatalf("checks:\n%s\nwant:\n%s", got, want)
	}
}
