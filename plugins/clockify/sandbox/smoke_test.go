package sandbox

import "testing"

func TestListUsersDefaultSeed(t *testing.T) {
	s := start(t, Options{})
	r := do(t, s, DefaultAdminKey, "GET", ws+"/users?page-size=5&memberships=WORKSPACE", "")
	if r.status != 200 {
		t.Fatalf("status %d %s", r.status, r.body)
	}
	var users []map[string]any
	r.json(t, &users)
	if len(users) != 5 || r.header.Get("Last-Page") != "false" {
		t.Fatalf("got %d users, Last-Page %q", len(users), r.header.Get("Last-Page"))
	}
	t.Logf("%s", r.body[:400])
}
