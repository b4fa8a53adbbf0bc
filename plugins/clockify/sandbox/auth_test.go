package sandbox

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-hclog"
)

// raw sends a request with arbitrary headers.
func raw(t *testing.T, s *Server, method, path string, headers map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, s.BaseURL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

func TestAuthFailuresUseClockifyBodies(t *testing.T) {
	seed := DefaultSeed()
	seed.APIKeys = append(seed.APIKeys, APIKey{ID: "addon", Key: "addon-jwt", UserID: DefaultAdminUserID, Addon: true})
	s := start(t, Options{Seed: seed})
	cases := []struct {
		name    string
		headers map[string]string
		code    int
		msg     string
	}{
		{"none", nil, 1000, msgMultipleOrNone},
		{"bearer only", map[string]string{"Authorization": "Bearer x"}, 1000, msgMultipleOrNone},
		{"both", map[string]string{"X-Api-Key": DefaultAdminKey, "X-Addon-Token": "addon-jwt"}, 1000, msgMultipleOrNone},
		{"unknown key", map[string]string{"X-Api-Key": "nope"}, 4003, msgAPIKeyNotExist},
		{"empty key", map[string]string{"X-Api-Key": ""}, 4003, msgAPIKeyNotExist},
		{"bad addon token", map[string]string{"X-Addon-Token": "forged"}, 4017, msgTokenNotValid},
		{"api key sent as addon token", map[string]string{"X-Addon-Token": DefaultAdminKey}, 4017, msgTokenNotValid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, raw(t, s, "GET", "/v1/user", c.headers), http.StatusUnauthorized, c.code, c.msg)
		})
	}
	t.Run("lower-case header and addon token accepted", func(t *testing.T) {
		if r := raw(t, s, "GET", "/v1/user", map[string]string{"x-api-key": DefaultAdminKey}); r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
		if r := raw(t, s, "GET", ws+"/users", map[string]string{"X-Addon-Token": "addon-jwt"}); r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
	})
}

// TestMemberKeyCannotAdminister covers every outbound call with a key
// whose user is a plain member: each is refused with 403 and changes
// nothing, while reads still work.
func TestMemberKeyCannotAdminister(t *testing.T) {
	s := start(t, Options{})
	m := DefaultMemberKey
	ken := "6650a1b2c3d4e5f6a7b8c906"
	g := "6650a1b2c3d4e5f6a7b8cb01"
	before := s.Snapshot()
	for _, st := range []step{
		{m, "POST", ws + "/users?send-email=false", `{"email":"x@example.com"}`, 403},
		{m, "PUT", ws + "/users/" + ken, `{"status":"INACTIVE"}`, 403},
		{m, "DELETE", ws + "/users/" + ken, "", 403},
		{m, "PUT", ws + "/users/" + ken + "/custom-field/" + defaultEmployeeIDField + "/value", `{"value":"x"}`, 403},
		{m, "POST", ws + "/users/" + ken + "/roles", `{"entityId":"` + DefaultWorkspaceID + `","role":"WORKSPACE_ADMIN"}`, 403},
		{m, "DELETE", ws + "/users/" + ken + "/roles", `{"entityId":"` + DefaultWorkspaceID + `","role":"WORKSPACE_ADMIN"}`, 403},
		{m, "POST", ws + "/user-groups", `{"name":"X"}`, 403},
		{m, "PUT", ws + "/user-groups/" + g, `{"name":"X"}`, 403},
		{m, "DELETE", ws + "/user-groups/" + g, "", 403},
		{m, "POST", ws + "/user-groups/" + g + "/users", `{"userId":"` + ken + `"}`, 403},
		{m, "DELETE", ws + "/user-groups/" + g + "/users/" + DefaultMemberUserID, "", 403},
	} {
		r := do(t, s, st.key, st.method, st.path, st.body)
		wantError(t, r, 403, codeBusiness, msgAccessDenied)
	}
	if got, want := mustJSON(t, s.Snapshot()), mustJSON(t, before); got != want {
		t.Fatal("a refused call changed the state")
	}
	for _, p := range []string{ws + "/users", ws + "/user-groups", ws + "/custom-fields", ws} {
		if r := do(t, s, m, "GET", p, ""); r.status != 200 {
			t.Errorf("member GET %s = %d, want 200", p, r.status)
		}
	}
}

// TestInactiveOrForeignWorkspace: a workspace the key's user is not an
// active member of looks absent (404, empty body) on the workspace itself
// and forbidden below it.
func TestInactiveOrForeignWorkspace(t *testing.T) {
	s := start(t, Options{})
	r := do(t, s, DefaultAdminKey, "GET", "/v1/workspaces/0123456789abcdef01234567", "")
	if r.status != 404 || len(r.body) != 0 {
		t.Fatalf("unknown workspace: %d %q, want 404 with empty body", r.status, r.body)
	}
	wantError(t, do(t, s, DefaultAdminKey, "GET", "/v1/workspaces/0123456789abcdef01234567/users", ""), 403, codeBusiness, msgAccessDenied)

	// Deactivate the member, whose key then loses the workspace.
	if r := do(t, s, DefaultAdminKey, "PUT", ws+"/users/"+DefaultMemberUserID, `{"status":"INACTIVE"}`); r.status != 200 {
		t.Fatal(r.status)
	}
	if r := do(t, s, DefaultMemberKey, "GET", ws, ""); r.status != 404 {
		t.Fatalf("inactive member GET workspace = %d", r.status)
	}
	var list []map[string]any
	do(t, s, DefaultMemberKey, "GET", "/v1/workspaces", "").json(t, &list)
	if len(list) != 0 {
		t.Fatalf("inactive member still lists %d workspaces", len(list))
	}
}

func TestRequestsRecordKeyIDNotKey(t *testing.T) {
	s := start(t, Options{})
	do(t, s, DefaultAdminKey, "GET", ws+"/users?page=2", "")
	do(t, s, "bad-key", "GET", "/v1/user", "")
	recs := s.Requests()
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	if recs[0].KeyID != DefaultAdminKeyID || recs[0].Status != 200 || recs[0].Method != "GET" ||
		recs[0].Path != "/api"+ws+"/users" || recs[0].Query != "page=2" {
		t.Fatalf("record = %+v", recs[0])
	}
	if recs[1].KeyID != "" || recs[1].Status != 401 {
		t.Fatalf("record = %+v", recs[1])
	}
	for _, r := range recs {
		if strings.Contains(r.Path+r.Query+r.KeyID, DefaultAdminKey) {
			t.Fatal("key leaked into a record")
		}
	}
	s.ResetRequests()
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("%d records after reset", n)
	}
}

// TestLogsNeverHoldKeys runs calls with a debug logger and checks that no
// credential, good or bad, reaches the log.
func TestLogsNeverHoldKeys(t *testing.T) {
	var buf strings.Builder
	var mu sync.Mutex
	logger := hclog.New(&hclog.LoggerOptions{Level: hclog.Debug, Output: writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	})})
	s := start(t, Options{Logger: logger})
	do(t, s, DefaultAdminKey, "GET", ws+"/users", "")
	do(t, s, "wrong-secret-key", "GET", ws+"/users", "")
	_ = s.Close()
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if !strings.Contains(out, DefaultAdminKeyID) {
		t.Fatalf("requests not logged with their key id:\n%s", out)
	}
	if strings.Contains(out, DefaultAdminKey) || strings.Contains(out, "wrong-secret-key") {
		t.Fatalf("a key reached the log:\n%s", out)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
