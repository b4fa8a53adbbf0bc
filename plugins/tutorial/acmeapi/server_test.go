package acmeapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/plugins/tutorial/acmeapi"
)

// call sends one request to h and decodes the JSON answer.
func call(t *testing.T, h http.Handler, method, path, key, body string) (int, http.Header, map[string]any) {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if key != "" {
		r.Header.Set("X-Acme-Key", key)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var out map[string]any
	raw, _ := io.ReadAll(w.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: answer is not a JSON object: %q", method, path, raw)
	}
	return w.Code, w.Header(), out
}

// errCode is the code of an error answer.
func errCode(out map[string]any) string {
	errs, _ := out["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	e, _ := errs[0].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func TestListsPageByOffsetAndLimit(t *testing.T) {
	s := acmeapi.New(acmeapi.Options{})
	const base = "/v1/tenants/acme/users"
	seen := map[string]bool{}
	for offset := 0; ; offset += 50 {
		code, _, out := call(t, s, "GET", base+"?limit=50&offset="+strconv.Itoa(offset), acmeapi.DefaultReaderKey, "")
		if code != 200 || out["total"] != float64(acmeapi.DefaultUsers) {
			t.Fatalf("offset %d: %d %v", offset, code, out)
		}
		users := out["users"].([]any)
		for _, u := range users {
			seen[u.(map[string]any)["id"].(string)] = true
		}
		if len(users) < 50 {
			break
		}
	}
	if len(seen) != acmeapi.DefaultUsers {
		t.Errorf("paging saw %d distinct users; want %d", len(seen), acmeapi.DefaultUsers)
	}
	_, _, out := call(t, s, "GET", base+"?email=USER0007@acme.example", acmeapi.DefaultReaderKey, "")
	if users := out["users"].([]any); len(users) != 1 || users[0].(map[string]any)["id"] != "u_0007" {
		t.Errorf("exact e-mail filter: %v", out)
	}
	_, _, out = call(t, s, "GET", "/v1/tenants/acme/teams", acmeapi.DefaultReaderKey, "")
	if teams := out["teams"].([]any); len(teams) != 3 {
		t.Errorf("teams: %v", out)
	}
}

func TestRefusalsUseTheRealStatusesAndCodes(t *testing.T) {
	s := acmeapi.New(acmeapi.Options{})
	cases := []struct {
		name, method, path, key, body string
		status                        int
		code                          string
	}{
		{"no key", "GET", "/v1/tenants/acme/users", "", "", 401, acmeapi.CodeMissingKey},
		{"unknown key", "GET", "/v1/tenants/acme/users", "nope", "", 401, acmeapi.CodeInvalidKey},
		{"unknown tenant", "GET", "/v1/tenants/other/users", acmeapi.DefaultAdminKey, "", 404, acmeapi.CodeUnknownTenant},
		{"limit too large", "GET", "/v1/tenants/acme/users?limit=101", acmeapi.DefaultAdminKey, "", 400, acmeapi.CodeBadParameter},
		{"negative offset", "GET", "/v1/tenants/acme/users?offset=-1", acmeapi.DefaultAdminKey, "", 400, acmeapi.CodeBadParameter},
		{"reader creates", "POST", "/v1/tenants/acme/users", acmeapi.DefaultReaderKey, `{"email":"a@acme.example"}`, 403, acmeapi.CodeForbidden},
		{"bad e-mail", "POST", "/v1/tenants/acme/users", acmeapi.DefaultAdminKey, `{"email":"not an address"}`, 422, acmeapi.CodeInvalidEmail},
		{"unknown team", "POST", "/v1/tenants/acme/users", acmeapi.DefaultAdminKey, `{"email":"b@acme.example","team":"t_x"}`, 422, acmeapi.CodeUnknownTeam},
		{"e-mail taken", "POST", "/v1/tenants/acme/users", acmeapi.DefaultAdminKey, `{"email":"USER0001@acme.example"}`, 409, acmeapi.CodeEmailTaken},
		{"not JSON", "PATCH", "/v1/tenants/acme/users/u_0001", acmeapi.DefaultAdminKey, `active=false`, 400, acmeapi.CodeBadParameter},
		{"unknown user", "PATCH", "/v1/tenants/acme/users/u_9999", acmeapi.DefaultAdminKey, `{"active":false}`, 404, acmeapi.CodeNotFound},
		{"no DELETE", "DELETE", "/v1/tenants/acme/users/u_0001", acmeapi.DefaultAdminKey, "", 405, acmeapi.CodeBadMethod},
		{"unknown path", "GET", "/v2/anything", acmeapi.DefaultAdminKey, "", 404, acmeapi.CodeNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, out := call(t, s, c.method, c.path, c.key, c.body)
			if code != c.status || errCode(out) != c.code {
				t.Errorf("got %d %q; want %d %q (%v)", code, errCode(out), c.status, c.code, out)
			}
		})
	}
	if u, _ := s.User("u_0001"); !u.Active {
		t.Error("a refused call changed u_0001")
	}
}

func TestCreateAndPatchChangeState(t *testing.T) {
	s := acmeapi.New(acmeapi.Options{})
	code, _, out := call(t, s, "POST", "/v1/tenants/acme/users", acmeapi.DefaultAdminKey, `{"email":"c@acme.example","name":"C","team":"t_eng"}`)
	if code != 201 || out["active"] != true {
		t.Fatalf("create: %d %v", code, out)
	}
	id := out["id"].(string)
	code, _, out = call(t, s, "PATCH", "/v1/tenants/acme/users/"+id, acmeapi.DefaultAdminKey, `{"active":false,"team":""}`)
	if code != 200 || out["active"] != false || out["team"] != "" {
		t.Fatalf("patch: %d %v", code, out)
	}
	if u, ok := s.UserByEmail("C@acme.example"); !ok || u.ID != id || u.Active {
		t.Errorf("state after patch: %+v %v", u, ok)
	}
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	s := acmeapi.New(acmeapi.Options{RatePerSecond: 2})
	var last int
	var h http.Header
	var out map[string]any
	for range 5 {
		last, h, out = call(t, s, "GET", "/v1/tenants/acme/me", acmeapi.DefaultAdminKey, "")
	}
	if last != 429 || h.Get("Retry-After") == "" || errCode(out) != acmeapi.CodeRateLimited {
		t.Fatalf("5 calls at once against 2/s: last answer %d, Retry-After %q, %v", last, h.Get("Retry-After"), out)
	}
	// Another key has its own budget.
	if code, _, _ := call(t, s, "GET", "/v1/tenants/acme/me", acmeapi.DefaultReaderKey, ""); code != 200 {
		t.Errorf("the reader key was limited by the admin key's calls: %d", code)
	}
}

func TestStartServesOnLoopback(t *testing.T) {
	s, err := acmeapi.Start(acmeapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %q is not loopback", s.URL())
	}
	req, _ := http.NewRequest("GET", s.URL()+"/v1/tenants/acme/me", nil)
	req.Header.Set("X-Acme-Key", acmeapi.DefaultAdminKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /me: %d", resp.StatusCode)
	}
	if _, err := acmeapi.Start(acmeapi.Options{Listen: strings.TrimPrefix(s.URL(), "http://")}); err == nil {
		t.Error("a second server on the same address started")
	}
}
