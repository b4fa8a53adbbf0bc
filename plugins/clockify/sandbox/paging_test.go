package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

type userOut struct {
	ID          string          `json:"id"`
	Email       string          `json:"email"`
	Name        *string         `json:"name"`
	Status      string          `json:"status"`
	Memberships []membershipDTO `json:"memberships"`
	Roles       []roleGroupDTO  `json:"roles"`
}

func listUsers(t *testing.T, s *Server, query string) ([]userOut, string) {
	t.Helper()
	r := do(t, s, DefaultAdminKey, "GET", ws+"/users"+query, "")
	if r.status != 200 {
		t.Fatalf("GET users%s: %d %s", query, r.status, r.body)
	}
	var us []userOut
	r.json(t, &us)
	return us, r.header.Get("Last-Page")
}

func TestPagingEdges(t *testing.T) {
	s := start(t, Options{Seed: GenerateSeed(118)}) // 120 members with owner and member
	cases := []struct {
		query string
		n     int
		last  string
	}{
		{"", 50, "false"},
		{"?page=2", 50, "false"},
		{"?page=3", 20, "true"},
		{"?page=4", 0, "true"},
		{"?page-size=120", 120, "true"},
		{"?page-size=119", 119, "false"},
		{"?page=2&page-size=119", 1, "true"},
		{"?page-size=1", 1, "false"},
		{"?page-size=10000", 120, "true"}, // clamped to 5000
	}
	for _, c := range cases {
		us, last := listUsers(t, s, c.query)
		if len(us) != c.n || last != c.last {
			t.Errorf("%s: %d users, Last-Page %s; want %d, %s", c.query, len(us), last, c.n, c.last)
		}
	}
	for _, bad := range []struct{ query, msg string }{
		{"?page=0", "page must be"}, {"?page=-1", "page must be"}, {"?page-size=0", "page-size must be"},
	} {
		r := do(t, s, DefaultAdminKey, "GET", ws+"/users"+bad.query, "")
		if r.status != 400 || !strings.Contains(r.apiErr(t).Message, bad.msg) {
			t.Errorf("%s: %d %s", bad.query, r.status, r.body)
		}
	}
	for _, q := range []string{"?page=abc", "?page-size=1.5", "?include-roles=yes", "?status=GONE", "?memberships=SOME", "?sort-column=AGE"} {
		r := do(t, s, DefaultAdminKey, "GET", ws+"/users"+q, "")
		if r.status != 400 || r.apiErr(t).Code != codeBadRequestBody || !strings.Contains(r.apiErr(t).Message, "Failed to convert value") {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
}

// TestWalkAllPages is how a connector reads a workspace: every member once,
// in e-mail order, stopping at Last-Page.
func TestWalkAllPages(t *testing.T) {
	s := start(t, Options{Seed: GenerateSeed(997)})
	seen := map[string]bool{}
	var emails []string
	for page := 1; ; page++ {
		us, last := listUsers(t, s, fmt.Sprintf("?page=%d&page-size=100&status=ALL", page))
		for _, u := range us {
			if seen[u.ID] {
				t.Fatalf("user %s on two pages", u.ID)
			}
			seen[u.ID] = true
			emails = append(emails, u.Email)
		}
		if last == "true" {
			break
		}
	}
	if len(seen) != 999 || !slices.IsSorted(emails) {
		t.Fatalf("walked %d users, sorted %v", len(seen), slices.IsSorted(emails))
	}
}

func TestUserFilters(t *testing.T) {
	s := start(t, Options{})
	emails := func(us []userOut) string {
		var out []string
		for _, u := range us {
			out = append(out, strings.Split(u.Email, "@")[0])
		}
		return strings.Join(out, ",")
	}
	cases := []struct{ query, want string }{
		// Default: every membership status, LIMITED accounts left out.
		{"", "ada.owner,barbara.dev,dennis.left,grace.admin,invited.later,ken.sales,linus.lead,margaret.gone,max.member,new.hire,said.no"},
		{"?status=ALL", "ada.owner,barbara.dev,dennis.left,grace.admin,invited.later,ken.sales,linus.lead,margaret.gone,max.member,new.hire,said.no"},
		{"?status=INACTIVE", "dennis.left,margaret.gone"},
		{"?status=PENDING", "invited.later,new.hire"},
		{"?status=DECLINED", "said.no"},
		{"?account-statuses=LIMITED", "kiosk.worker"},
		{"?account-statuses=ACTIVE,LIMITED&status=ACTIVE&email=K", "ken.sales,kiosk.worker"},
		{"?email=ADA", "ada.owner"},
		{"?name=ad", "ada.owner,grace.admin,linus.lead"},
		{"?status=ACTIVE&sort-column=NAME&sort-order=DESCENDING", "max.member,linus.lead,ken.sales,grace.admin,barbara.dev,ada.owner"},
		{"?status=ACTIVE&sort-column=ACCESS&page-size=3", "ada.owner,grace.admin,linus.lead"},
		{"?status=ACTIVE&sort-column=HOURLYRATE&sort-order=DESCENDING&page-size=2", "ada.owner,max.member"},
	}
	for _, c := range cases {
		us, _ := listUsers(t, s, c.query)
		if got := emails(us); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.query, got, c.want)
		}
	}
	r := do(t, s, DefaultAdminKey, "GET", ws+"/users?project-id=0123456789abcdef01234567", "")
	wantError(t, r, 400, codeBusiness, msgProjectNotInWS)
}

// TestUserJSONShape checks the fields a connector maps: memberships only
// when asked, WORKSPACE and USERGROUP kinds, null name for a pending
// invitee, and roles with include-roles.
func TestUserJSONShape(t *testing.T) {
	s := start(t, Options{})
	us, _ := listUsers(t, s, "?email=linus")
	if len(us[0].Memberships) != 0 || us[0].Roles != nil {
		t.Fatalf("default memberships = %+v roles = %+v, want none", us[0].Memberships, us[0].Roles)
	}
	us, _ = listUsers(t, s, "?email=linus&memberships=ALL&include-roles=true")
	m := us[0].Memberships
	if len(m) != 2 || m[0].MembershipType != "WORKSPACE" || m[0].TargetID != DefaultWorkspaceID || m[0].MembershipStatus != "ACTIVE" ||
		m[1].MembershipType != "USERGROUP" || m[1].TargetID != "6650a1b2c3d4e5f6a7b8cb01" {
		t.Fatalf("memberships = %+v", m)
	}
	if len(us[0].Roles) != 1 || us[0].Roles[0].Role != "TEAM_MANAGER" || us[0].Roles[0].Entities[0].Name != "Engineering" {
		t.Fatalf("roles = %+v", us[0].Roles)
	}
	us, _ = listUsers(t, s, "?email=new.hire&memberships=WORKSPACE")
	if us[0].Name != nil || us[0].Status != "NOT_REGISTERED" || us[0].Memberships[0].MembershipStatus != "PENDING" {
		t.Fatalf("pending invitee = %+v", us[0])
	}
	// The raw JSON has the null and the rate objects Clockify sends.
	r := do(t, s, DefaultAdminKey, "GET", ws+"/users?email=new.hire&memberships=WORKSPACE", "")
	if !strings.Contains(string(r.body), `"name":null`) || !strings.Contains(string(r.body), `"hourlyRate":null`) {
		t.Fatalf("body = %s", r.body)
	}
}

func TestFilterUsersBody(t *testing.T) {
	s := start(t, Options{})
	post := func(body string) ([]userOut, response) {
		r := do(t, s, DefaultAdminKey, "POST", ws+"/users/info", body)
		var us []userOut
		if r.status == 200 {
			r.json(t, &us)
		}
		return us, r
	}
	us, r := post(`{"userGroups":["6650a1b2c3d4e5f6a7b8cb01"]}`)
	if len(us) != 3 || r.header.Get("Last-Page") != "true" {
		t.Fatalf("group members = %d, Last-Page %s", len(us), r.header.Get("Last-Page"))
	}
	us, _ = post(`{"roles":["WORKSPACE_ADMIN"]}`) // owners count as admins
	if len(us) != 2 || us[0].Email != "ada.owner@example.com" || us[1].Email != "grace.admin@example.com" {
		t.Fatalf("admins = %+v", us)
	}
	us, r = post(`{"page":2,"pageSize":4,"status":"ACTIVE"}`)
	if len(us) != 2 || r.header.Get("Last-Page") != "true" {
		t.Fatalf("page 2 = %d users, Last-Page %s", len(us), r.header.Get("Last-Page"))
	}
	_, r = post(`{"pageSize":0}`)
	if r.status != 400 {
		t.Fatalf("pageSize 0: %d", r.status)
	}
	_, r = post(`{"status":"GONE"}`)
	wantError(t, r, 400, codeBadRequestBody, "")
	_, r = post(`not json`)
	wantError(t, r, 400, codeBadRequestBody, "")
	_, r = post(``)
	wantError(t, r, 400, codeBadRequestBody, "Required request body is missing")
}
