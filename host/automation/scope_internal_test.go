package automation

import (
	"slices"
	"testing"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/watch"
)

// TestScopeFilterEscapesValues: a group DN holding filter syntax stays a
// value, and the admin's filter is rewritten from its parse tree, so the
// composed filter means exactly what the parts say.
func TestScopeFilterEscapesValues(t *testing.T) {
	s := Scope{Group: "CN=a*)(objectClass=*,OU=G,DC=x", Filter: "department=R&D"}
	got := s.ldapFilter(directory.FlavorAD)
	want := `(&(memberOf=CN=a\2a\29\28objectClass=\2a,OU=G,DC=x)(department=R&D))`
	if got != want {
		t.Fatalf("filter\n got %s\nwant %s", got, want)
	}
	s.Nested = true
	if got := s.ldapFilter(directory.FlavorAD); got != `(&(memberOf:1.2.840.113556.1.4.1941:=CN=a\2a\29\28objectClass=\2a,OU=G,DC=x)(department=R&D))` {
		t.Fatalf("nested filter %s", got)
	}
	if (Scope{OU: "OU=x,DC=y"}).ldapFilter(directory.FlavorAD) != "" {
		t.Fatal("an OU-only scope needs no filter")
	}
}

func TestHoldsDN(t *testing.T) {
	sub := Scope{OU: "OU=Staff,DC=x", Subtree: true}
	one := Scope{OU: "OU=Staff,DC=x"}
	for _, tc := range []struct {
		dn       string
		sub, one bool
	}{
		{"CN=a,OU=Staff,DC=x", true, true},
		{"cn=a,ou=staff,dc=X", true, true},
		{"CN=a,OU=Team,OU=Staff,DC=x", true, false},
		{"CN=a,OU=Other,DC=x", false, false},
		{"OU=Staff,DC=x", false, false},
		{"not a dn", false, false},
	} {
		if sub.holdsDN(tc.dn) != tc.sub || one.holdsDN(tc.dn) != tc.one {
			t.Errorf("%s: subtree %v one-level %v", tc.dn, sub.holdsDN(tc.dn), one.holdsDN(tc.dn))
		}
	}
}

func TestEventKinds(t *testing.T) {
	for _, tc := range []struct {
		k       watch.Kind
		in, was bool
		want    []watch.Kind
	}{
		{watch.UserCreated, true, false, []watch.Kind{watch.UserCreated, ScopeEntered}},
		{watch.UserMoved, true, false, []watch.Kind{ScopeEntered}},
		{watch.GroupMembershipChanged, true, false, []watch.Kind{ScopeEntered}},
		{watch.UserReEnabled, true, false, []watch.Kind{watch.UserReEnabled, ScopeEntered}},
		{watch.UserChanged, true, true, []watch.Kind{watch.UserChanged}},
		{watch.UserDisabled, true, true, []watch.Kind{watch.UserDisabled}},
		{watch.UserMoved, false, true, []watch.Kind{ScopeLeft}},
		{watch.UserChanged, false, true, []watch.Kind{ScopeLeft}},
		{watch.UserDeleted, false, true, []watch.Kind{watch.UserDeleted, ScopeLeft}},
		{watch.UserDisabled, false, true, []watch.Kind{watch.UserDisabled, ScopeLeft}},
		{watch.UserChanged, false, false, nil},
		{watch.UserDeleted, false, false, nil},
	} {
		if got := eventKinds(tc.k, tc.in, tc.was); !slices.Equal(got, tc.want) {
			t.Errorf("%s in=%v was=%v: %v, want %v", tc.k, tc.in, tc.was, got, tc.want)
		}
	}
}

func TestRequestsAreBatched(t *testing.T) {
	s := &Service{cfg: Config{BatchSize: 2}}
	objs := []Object{{ID: "1"}, {ID: "2"}, {ID: "3"}}
	reqs := s.requests(Automation{ID: "a", Action: Action{Template: "t"}}, RunBySchedule, objs)
	if len(reqs) != 2 || len(reqs[0].Objects) != 2 || len(reqs[1].Objects) != 1 || reqs[1].Objects[0].ID != "3" {
		t.Fatalf("batches %+v", reqs)
	}
	if r := s.requests(Automation{ID: "a", Action: Action{Sync: "ds"}}, RunBySchedule, objs); len(r) != 1 || r[0].Objects != nil || r[0].Sync != "ds" {
		t.Fatalf("sync request %+v", r)
	}
}
