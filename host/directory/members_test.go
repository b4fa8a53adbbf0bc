package directory_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
)

// TestNestedMembers: the users of A are its own, those of B inside A and
// of C inside B, whatever the depth, once each, a cycle (A inside C)
// followed once, and no group among them; a group is named by CN or DN,
// and a name of no group gives none.
func TestNestedMembers(t *testing.T) {
	servers(t, func(t *testing.T, c *directory.Client) {
		ctx := context.Background()
		ou := dirtest.NewOU(t, c)
		user := func(p string) string {
			return dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName(p)}).DN
		}
		u1, u2, u3, u4 := user("m1"), user("m2"), user("m3"), user("m4")
		gcName := dirtest.UniqueName("c")
		gc := dirtest.AddGroup(t, c, ou, gcName, u3, u1)
		gb := dirtest.AddGroup(t, c, ou, dirtest.UniqueName("b"), u2, gc)
		aName := dirtest.UniqueName("a")
		ga := dirtest.AddGroup(t, c, ou, aName, u1, gb)
		dirtest.AddGroup(t, c, ou, dirtest.UniqueName("other"), u4)
		if err := c.AddToGroup(ctx, gc, ga); err != nil {
			t.Fatal(err)
		}
		got, err := c.NestedMembers(ctx, ga)
		if err != nil {
			t.Fatal(err)
		}
		want := lowerSorted([]string{u1, u2, u3})
		if !slices.Equal(lowerSorted(got), want) {
			t.Fatalf("nested members %v, want %v", got, want)
		}
		for _, entry := range []string{aName, strings.ToUpper(aName), ga} {
			dns, err := c.GroupsNamed(ctx, entry)
			if err != nil || len(dns) != 1 || !strings.EqualFold(dns[0], ga) {
				t.Errorf("groups named %q: %v %v, want %s", entry, dns, err, ga)
			}
		}
		for _, entry := range []string{"No Such Group", "CN=No Such Group," + ou} {
			if dns, err := c.GroupsNamed(ctx, entry); err != nil || len(dns) != 0 {
				t.Errorf("groups named %q: %v %v, want none", entry, dns, err)
			}
		}
	})
}
