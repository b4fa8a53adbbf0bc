package sdk

import (
	"context"
	"net/http"
	"strings"
	"testing"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

func TestTestReportsBadSettingsAsAFailedCheck(t *testing.T) {
	base := app(t, func(w http.ResponseWriter, r *http.Request) {})
	s := testSettings(base)
	s["baseUrl"] = "ftp://nowhere"
	resp, err := dial(t, testConnector(base)).Test(context.Background(), &connectorv1.TestRequest{Settings: s})
	if err != nil || resp.GetOk() || resp.GetChecks()[0].GetId() != "settings" || !strings.Contains(resp.GetChecks()[0].GetMessage(), "baseUrl") {
		t.Fatalf("resp=%v err=%v; want a failed settings check naming baseUrl", resp, err)
	}
}

func TestDefaultTestFetchesAPage(t *testing.T) {
	base, calls := usersApp(t, 3, true)
	cl := dial(t, testConnector(base))
	resp, err := cl.Test(context.Background(), &connectorv1.TestRequest{Settings: testSettings(base)})
	if err != nil || !resp.GetOk() || calls.Load() != 1 {
		t.Fatalf("resp=%v err=%v calls=%d", resp, err, calls.Load())
	}
	s := testSettings(base)
	s["apiKey"] = "wrong-key"
	resp, err = cl.Test(context.Background(), &connectorv1.TestRequest{Settings: s})
	if err != nil || resp.GetOk() || !strings.Contains(resp.GetChecks()[1].GetMessage(), "Api key does not exist") {
		t.Fatalf("bad key: resp=%v err=%v; want a failed check with the app's words", resp, err)
	}
}

func TestTestHookUsesClientAndMasks(t *testing.T) {
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(403)
		_, _ = w.Write([]byte(`{"message":"key ` + r.Header.Get("X-Api-Key") + ` may not"}`))
	})
	c := testConnector(base)
	c.TestHook = func(ctx context.Context, cl *Client) (*TestReport, error) {
		_, err := cl.Get(ctx, "/v1/user")
		return &TestReport{Checks: []Check{{ID: "me", Status: CheckFailed, Message: cl.AppMessage(err) + " " + http.StatusText(HTTPStatus(err))}}}, nil
	}
	resp, err := dial(t, c).Test(context.Background(), &connectorv1.TestRequest{Settings: testSettings(base)})
	if err != nil {
		t.Fatal(err)
	}
	msg := resp.GetChecks()[1].GetMessage()
	if strings.Contains(msg, testKey) || !strings.Contains(msg, "Forbidden") || !strings.Contains(msg, Mask) {
		t.Fatalf("check message %q: want the app's words, masked, with the status", msg)
	}
}
