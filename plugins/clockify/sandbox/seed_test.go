package sandbox

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultSeedCoversEveryState(t *testing.T) {
	s := DefaultSeed()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	w := s.Workspaces[0]
	states := map[string]int{}
	for _, u := range w.Users {
		ms := u.MembershipStatus
		if ms == "" {
			ms = "ACTIVE"
		}
		states[ms]++
	}
	if len(w.Users) < 10 || states["INACTIVE"] < 2 || states["PENDING"] < 2 || states["DECLINED"] < 1 || len(w.Groups) != 3 || len(s.APIKeys) != 2 {
		t.Fatalf("default seed: %d users %v, %d groups, %d keys", len(w.Users), states, len(w.Groups), len(s.APIKeys))
	}
	// Fresh copy each call.
	s.Workspaces[0].Users[0].Email = "changed@example.com"
	if DefaultSeed().Workspaces[0].Users[0].Email == "changed@example.com" {
		t.Fatal("DefaultSeed shares state between calls")
	}
}

func TestGenerateSeed(t *testing.T) {
	s := GenerateSeed(1000)
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Workspaces[0].Users); n != 1002 {
		t.Fatalf("%d users, want 1000 plus owner and member", n)
	}
}

// TestSnapshotRoundTrip saves the state after changes and starts a new
// sandbox from it: the state survives the JSON form.
func TestSnapshotRoundTrip(t *testing.T) {
	s := start(t, Options{})
	do(t, s, DefaultAdminKey, "POST", ws+"/users?send-email=false", `{"email":"saved@example.com"}`)
	do(t, s, DefaultAdminKey, "PUT", ws+"/users/"+ken, `{"status":"INACTIVE"}`)
	do(t, s, DefaultAdminKey, "POST", ws+"/user-groups", `{"name":"Saved"}`)

	path := filepath.Join(t.TempDir(), "seed.json")
	raw, err := json.MarshalIndent(s.Snapshot(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	seed, err := LoadSeed(path)
	if err != nil {
		t.Fatal(err)
	}
	s2 := start(t, Options{Seed: seed})
	if mustJSON(t, s2.Snapshot()) != mustJSON(t, s.Snapshot()) {
		t.Fatal("state changed across save and load")
	}
	if us, _ := listUsers(t, s2, "?email=saved&status=PENDING"); len(us) != 1 {
		t.Fatal("invited user lost")
	}
}

func TestLoadSeedErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const wsID = `"aaaaaaaaaaaaaaaaaaaaaaaa"`
	const u1 = `{"id":"bbbbbbbbbbbbbbbbbbbbbbbb","email":"a@example.com"}`
	cases := map[string]string{
		"no workspaces":   `{"workspaces":[],"apiKeys":[]}`,
		"bad ws id":       `{"workspaces":[{"id":"123","name":"x","users":[],"groups":[]}]}`,
		"bad user id":     `{"workspaces":[{"id":` + wsID + `,"users":[{"id":"u1","email":"a@example.com"}]}]}`,
		"duplicate email": `{"workspaces":[{"id":` + wsID + `,"users":[` + u1 + `,{"id":"cccccccccccccccccccccccc","email":"A@example.com"}]}]}`,
		"group stranger":  `{"workspaces":[{"id":` + wsID + `,"users":[` + u1 + `],"groups":[{"id":"dddddddddddddddddddddddd","name":"g","userIds":["eeeeeeeeeeeeeeeeeeeeeeee"]}]}]}`,
		"key stranger":    `{"workspaces":[{"id":` + wsID + `,"users":[` + u1 + `]}],"apiKeys":[{"id":"k","key":"s","userId":"eeeeeeeeeeeeeeeeeeeeeeee"}]}`,
		"unknown field":   `{"workspaces":[],"apikeys":[]}`,
		"not json":        `{`,
	}
	for name, body := range cases {
		_, err := LoadSeed(write(strings.ReplaceAll(name, " ", "-")+".json", body))
		if !errors.Is(err, ErrInvalidSeed) {
			t.Errorf("%s: err = %v, want ErrInvalidSeed", name, err)
		}
	}
	if _, err := LoadSeed(filepath.Join(dir, "missing.json")); err == nil || errors.Is(err, ErrInvalidSeed) {
		t.Errorf("missing file: err = %v", err)
	}
	if _, err := Start(t.Context(), Options{Seed: &Seed{}}); !errors.Is(err, ErrInvalidSeed) {
		t.Errorf("Start with an empty seed: %v", err)
	}
}

// TestDemoSeedShowsStaleAccess: the demo's workspace adds members the
// directory does not know and keeps a leaver active, on top of the default.
func TestDemoSeedShowsStaleAccess(t *testing.T) {
	def, demo := DefaultSeed(), DemoSeed()
	if len(demo.Workspaces[0].Users) != len(def.Workspaces[0].Users)+len(staleAccounts) {
		t.Fatalf("demo workspace has %d members, default %d", len(demo.Workspaces[0].Users), len(def.Workspaces[0].Users))
	}
	found := false
	for _, u := range demo.Workspaces[0].Users {
		if u.Email == leaverStillActive {
			found = u.MembershipStatus == "ACTIVE"
		}
	}
	if !found {
		t.Fatalf("%s is not an active member of the demo workspace", leaverStillActive)
	}
	if err := demo.Validate(); err != nil {
		t.Fatalf("demo seed: %v", err)
	}
}
