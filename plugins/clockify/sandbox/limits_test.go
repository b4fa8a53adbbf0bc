package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestRateLimitPerWorkspace(t *testing.T) {
	seed := DefaultSeed()
	other := Workspace{ID: "0123456789abcdef01234567", Name: "Other", Users: []User{seed.Workspaces[0].Users[0]}}
	seed.Workspaces = append(seed.Workspaces, other)
	s := start(t, Options{Seed: seed, Rate: 2}) // burst of 2, a token every 500ms
	for i := 0; i < 2; i++ {
		if r := do(t, s, DefaultAdminKey, "GET", ws+"/users", ""); r.status != 200 {
			t.Fatalf("request %d within the burst: %d", i, r.status)
		}
	}
	r := do(t, s, DefaultAdminKey, "GET", ws+"/users", "")
	wantError(t, r, http.StatusTooManyRequests, codeTooMany, msgTooManyRequests)
	secs, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || secs != 1 {
		t.Fatalf("Retry-After = %q, want 1 (half a second rounded up)", r.header.Get("Retry-After"))
	}
	// The other workspace has its own bucket.
	if r := do(t, s, DefaultAdminKey, "GET", "/v1/workspaces/"+other.ID+"/users", ""); r.status != 200 {
		t.Fatalf("other workspace: %d", r.status)
	}
	// Waiting as told is enough: the refused request took no token.
	time.Sleep(time.Duration(secs) * time.Second)
	if r := do(t, s, DefaultAdminKey, "GET", ws+"/users", ""); r.status != 200 {
		t.Fatalf("after Retry-After: %d", r.status)
	}
}

func TestRateLimitOff(t *testing.T) {
	s := start(t, Options{Rate: -1})
	for i := 0; i < 200; i++ {
		if r := do(t, s, DefaultAdminKey, "GET", "/v1/user", ""); r.status != 200 {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
}

func TestFaultBurst429(t *testing.T) {
	s := start(t, Options{})
	s.SetFaults(Faults{Burst429: 2, RetryAfter: 2500 * time.Millisecond})
	for i := 0; i < 2; i++ {
		r := do(t, s, DefaultAdminKey, "GET", "/v1/user", "")
		wantError(t, r, 429, codeTooMany, msgTooManyRequests)
		if r.header.Get("Retry-After") != "3" {
			t.Fatalf("Retry-After = %q, want 3 (2.5s rounded up)", r.header.Get("Retry-After"))
		}
	}
	if r := do(t, s, DefaultAdminKey, "GET", "/v1/user", ""); r.status != 200 {
		t.Fatalf("after the burst: %d", r.status)
	}
	recs := s.Requests()
	if recs[0].Fault != "429" || recs[2].Fault != "" {
		t.Fatalf("records = %+v", recs)
	}
}

func TestFaultErrorRate(t *testing.T) {
	s := start(t, Options{})
	s.SetFaults(Faults{ErrorRate: 1})
	for i := 0; i < 10; i++ {
		r := do(t, s, DefaultAdminKey, "GET", "/v1/user", "")
		if r.status < 500 || r.status > 599 || r.apiErr(t).Code != codeServerError {
			t.Fatalf("%d %s", r.status, r.body)
		}
	}
	s.SetFaults(Faults{})
	if r := do(t, s, DefaultAdminKey, "GET", "/v1/user", ""); r.status != 200 {
		t.Fatalf("faults not cleared: %d", r.status)
	}
}

func TestFaultDropRate(t *testing.T) {
	s := start(t, Options{})
	s.SetFaults(Faults{DropRate: 1})
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	req, _ := http.NewRequest("GET", s.BaseURL()+"/v1/user", nil)
	req.Header.Set("X-Api-Key", DefaultAdminKey)
	res, err := client.Do(req)
	if err == nil {
		res.Body.Close()
		t.Fatalf("got an answer (%d), want a dropped connection", res.StatusCode)
	}
	recs := s.Requests()
	if len(recs) == 0 {
		t.Fatal("dropped request not recorded")
	}
	for _, r := range recs {
		if r.Status != 0 || r.Fault != "drop" {
			t.Fatalf("record = %+v", r)
		}
	}
}

func TestFaultLatency(t *testing.T) {
	s := start(t, Options{})
	s.SetFaults(Faults{Latency: 40 * time.Millisecond})
	do(t, s, DefaultAdminKey, "GET", "/v1/user", "")
	if d := s.Requests()[0].Duration; d < 40*time.Millisecond {
		t.Fatalf("duration %v, want at least the injected latency", d)
	}
}

// TestHandlerWithoutListener serves through httptest, as embedding tests do.
func TestHandlerWithoutListener(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/api/v1/workspaces/"+DefaultWorkspaceID+"/user-groups", nil)
	req.Header.Set("X-Api-Key", DefaultAdminKey)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Header().Get("Last-Page") != "true" {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if s.BaseURL() != "" || s.Close() != nil {
		t.Fatal("an unstarted server has no URL and closes cleanly")
	}
}

func TestStartStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := http.Get(s.BaseURL() + "/v1/user")
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("still serving after the context ended")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if _, err := Start(context.Background(), Options{Listen: "127.0.0.1:notaport"}); err == nil {
		t.Fatal("bad listen address accepted")
	}
}

// TestConcurrentUse mixes reads and writes from many clients; run with
// -race it proves the state is safely shared.
func TestConcurrentUse(t *testing.T) {
	s := start(t, Options{Seed: GenerateSeed(100), ValidateSpec: true})
	users := s.Users(DefaultWorkspaceID)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r, err := send(s, DefaultAdminKey, "POST", ws+"/user-groups", fmt.Sprintf(`{"name":"Worker %d"}`, w))
			var g groupDTO
			if err == nil {
				err = json.Unmarshal(r.body, &g)
			}
			if err != nil {
				t.Error(err)
				return
			}
			for i := 0; i < 10; i++ {
				u := users[2+w*10+i]
				for _, c := range [][3]string{
					{"POST", ws + "/user-groups/" + g.ID + "/users", `{"userId":"` + u.ID + `"}`},
					{"PUT", ws + "/users/" + u.ID, `{"status":"INACTIVE"}`},
					{"GET", ws + fmt.Sprintf("/users?page=%d&page-size=25&memberships=ALL", i%5+1), ""},
				} {
					if r, err := send(s, DefaultAdminKey, c[0], c[1], c[2]); err != nil || r.status != 200 {
						t.Errorf("%s %s: %v %d", c[0], c[1], err, r.status)
					}
				}
				_ = s.Snapshot()
			}
		}(w)
	}
	wg.Wait()
	inactive := 0
	for _, u := range s.Users(DefaultWorkspaceID) {
		if u.MembershipStatus == "INACTIVE" {
			inactive++
		}
	}
	// 80 deactivated here, plus the generator's one in fifty among the rest.
	if inactive < 80 {
		t.Fatalf("%d inactive, want at least 80", inactive)
	}
	var grown int
	for _, g := range s.Groups(DefaultWorkspaceID) {
		if len(g.UserIDs) == 10 && g.Name[:6] == "Worker" {
			grown++
		}
	}
	if grown != 8 {
		t.Fatalf("%d worker groups with 10 members, want 8", grown)
	}
	if v := s.SpecViolations(); len(v) > 0 {
		t.Fatalf("violations: %v", v)
	}
}
