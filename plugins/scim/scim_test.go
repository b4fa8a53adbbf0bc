package scim_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/plugins/scim"
	"github.com/idbridge/idbridge/plugins/scim/scimtest"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

const token = "scim-test-token-0123"

// pluginPath is the connector binary, built once for the package's tests.
var pluginPath string

func TestMain(m *testing.M) { connectortest.Main(m, "./cmd/idbridge-scim", &pluginPath) }

func start(t *testing.T, users int) (*scimtest.Server, map[string]string) {
	t.Helper()
	srv, err := scimtest.Start(scimtest.Options{Token: token, Users: users})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, map[string]string{scim.SettingBaseURL: srv.URL(), scim.SettingToken: token, scim.SettingRateLimit: "200"}
}

// TestConformance runs the SDK's conformance kit, in process and as the
// built plugin, each against a fresh server of 120 users: more than a
// page, so the full fetch crosses page edges at two page sizes.
func TestConformance(t *testing.T) {
	connectortest.Run(t, connectortest.Config{
		Connector:      scim.Connector(),
		Plugin:         pluginPath,
		BaseURLSetting: scim.SettingBaseURL,
		Start: func(t *testing.T) map[string]string {
			_, s := start(t, 120)
			return s
		},
		// Ids are the server's, in creation order: user 121 is the one
		// create-user makes, group 1 the one create-group makes.
		Samples: map[string]map[string]string{
			"create-user":           {"userName": "new.person@example.com", "givenName": "New", "familyName": "Person", "email": "new.person@example.com"},
			"find-user-by-username": {"userName": "user7@example.com"},
			"deactivate-user":       {"userId": "u-0007"},
			"reactivate-user":       {"userId": "u-0007"},
			"find-group-by-name":    {"name": "Engineering"},
			"create-group":          {"name": "Engineering"},
			"add-group-member":      {"groupId": "g-0001", "userId": "u-0007"},
			"remove-group-member":   {"groupId": "g-0001", "userId": "u-0007"},
		},
	})
}

// invoke runs the preconfigured webhook id with vars and returns its
// outputs.
func invoke(t *testing.T, cl connectorv1.ConnectorClient, settings map[string]string, id string, vars map[string]string) (map[string]any, error) {
	t.Helper()
	d, err := cl.Describe(t.Context(), &connectorv1.DescribeRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range d.GetWebhooks() {
		if w.GetId() == id {
			res, err := connectortest.Invoke(t.Context(), cl, settings, w, vars)
			if err != nil {
				return nil, err
			}
			return res.Outputs, nil
		}
	}
	t.Fatalf("no webhook %s", id)
	return nil, nil
}

// TestLifecycleAgainstTheServer drives every webhook in the order a
// lifecycle uses them and checks the server's state after each.
func TestLifecycleAgainstTheServer(t *testing.T) {
	srv, settings := start(t, 3)
	cl := connectortest.InProcess(t, scim.Connector())
	vars := map[string]string{"userName": "ada@example.com", "givenName": "Ada", "familyName": "Lovelace", "email": "ada@example.com"}
	created, err := invoke(t, cl, settings, "create-user", vars)
	if err != nil {
		t.Fatal(err)
	}
	userID, _ := created["userId"].(string)
	if u, ok := srv.User("ada@example.com"); !ok || u["id"] != userID || u["active"] != true {
		t.Fatalf("created user %v (id %q)", u, userID)
	}
	found, err := invoke(t, cl, settings, "find-user-by-username", map[string]string{"userName": "ada@example.com"})
	if err != nil || found["userId"] != userID {
		t.Fatalf("find: %v %v", found, err)
	}
	if _, err := invoke(t, cl, settings, "find-user-by-username", map[string]string{"userName": "nobody@example.com"}); err == nil || !strings.Contains(err.Error(), "not_found") {
		t.Fatalf("find of an absent user: %v, want not found", err)
	}
	if _, err := invoke(t, cl, settings, "deactivate-user", map[string]string{"userId": userID}); err != nil {
		t.Fatal(err)
	}
	if u, _ := srv.User("ada@example.com"); u["active"] != false {
		t.Fatalf("after deactivate: %v", u)
	}
	if _, err := invoke(t, cl, settings, "reactivate-user", map[string]string{"userId": userID}); err != nil {
		t.Fatal(err)
	}
	if u, _ := srv.User("ada@example.com"); u["active"] != true {
		t.Fatalf("after reactivate: %v", u)
	}
	g, err := invoke(t, cl, settings, "create-group", map[string]string{"name": "Research"})
	if err != nil {
		t.Fatal(err)
	}
	groupID, _ := g["groupId"].(string)
	for range 2 { // adding twice leaves one membership
		if _, err := invoke(t, cl, settings, "add-group-member", map[string]string{"groupId": groupID, "userId": userID}); err != nil {
			t.Fatal(err)
		}
	}
	if m := srv.Members("Research"); strings.Join(m, ",") != userID {
		t.Fatalf("members after add: %v", m)
	}
	if _, err := invoke(t, cl, settings, "remove-group-member", map[string]string{"groupId": groupID, "userId": userID}); err != nil {
		t.Fatal(err)
	}
	if m := srv.Members("Research"); len(m) != 0 {
		t.Fatalf("members after remove: %v", m)
	}
}

// TestSCIMErrorsCarryAdvice: the server's SCIM error bodies are decoded
// (detail, scimType) and get the connector's advice.
func TestSCIMErrorsCarryAdvice(t *testing.T) {
	_, settings := start(t, 1)
	cl := connectortest.InProcess(t, scim.Connector())
	_, err := invoke(t, cl, settings, "create-user", map[string]string{"userName": "user1@example.com", "givenName": "A", "familyName": "B", "email": "user1@example.com"})
	if err == nil || !strings.Contains(err.Error(), "already taken") || !strings.Contains(err.Error(), "look it up instead") {
		t.Fatalf("duplicate userName: %v", err)
	}
	bad := map[string]string{scim.SettingBaseURL: settings[scim.SettingBaseURL], scim.SettingToken: "wrong-token"}
	rep, err := cl.Test(context.Background(), &connectorv1.TestRequest{Settings: bad})
	if err != nil {
		t.Fatal(err)
	}
	text := ""
	for _, c := range rep.GetChecks() {
		text += c.GetMessage() + " " + c.GetRemedy()
	}
	if !strings.Contains(text, "issue a new SCIM token") {
		t.Fatalf("a refused token: %s", text)
	}
}

// TestListUsersReadsEveryPage fetches 250 users, three pages of 100 by
// 1-based startIndex, exactly once each.
func TestListUsersReadsEveryPage(t *testing.T) {
	_, settings := start(t, 250)
	cl := connectortest.InProcess(t, scim.Connector())
	st, err := cl.Fetch(context.Background(), &connectorv1.FetchRequest{Settings: settings, Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for {
		m, err := st.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(sdk.FormatAppError(sdk.ErrorFromStatus(err)))
		}
		for _, r := range m.GetRecords() {
			id := r.GetFields()["id"].GetStringValue()
			if seen[id] {
				t.Fatalf("user %s read twice", id)
			}
			seen[id] = true
		}
	}
	if len(seen) != 250 {
		t.Fatalf("read %d users, want 250", len(seen))
	}
}
