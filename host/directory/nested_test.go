package directory_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
)

func lowerSorted(dns []string) []string {
	out := make([]string, len(dns))
	for i, d := range dns {
		out[i] = strings.ToLower(d)
	}
	slices.Sort(out)
	return out
}

// TestNestedGroups: a user in C, C in B, B in A is in all three; on AD the
// server answers (in-chain), elsewhere the client walks, and a cycle (A in
// C) is followed once.
func TestNestedGroups(t *testing.T) {
	servers(t, func(t *testing.T, c *directory.Client) {
		ctx := context.Background()
		ou := dirtest.NewOU(t, c)
		u := dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName("nest")})
		gc := dirtest.AddGroup(t, c, ou, dirtest.UniqueName("c"), u.DN)
		gb := dirtest.AddGroup(t, c, ou, dirtest.UniqueName("b"), gc)
		ga := dirtest.AddGroup(t, c, ou, dirtest.UniqueName("a"), gb)
		dirtest.AddGroup(t, c, ou, dirtest.UniqueName("top"), ga) // above A, so the user's too
		other := dirtest.AddGroup(t, c, ou, dirtest.UniqueName("unrelated"))
		got, err := c.NestedGroups(ctx, u.DN)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 || slices.Contains(lowerSorted(got), strings.ToLower(other)) {
			t.Fatalf("nested groups %v, want C, B, A and the one above A, not %s", got, other)
		}
		for _, g := range []string{ga, gb, gc} {
			if !slices.Contains(lowerSorted(got), strings.ToLower(g)) {
				t.Errorf("nested groups %v lack %s", got, g)
			}
		}
		// A cycle: A becomes a member of C.
		if err := c.AddToGroup(ctx, gc, ga); err != nil {
			t.Fatal(err)
		}
		again, err := c.NestedGroups(ctx, u.DN)
		if err != nil || !slices.Equal(lowerSorted(again), lowerSorted(got)) {
			t.Fatalf("with a cycle: %v %v, want %v", again, err, got)
		}
	})
}

// TestUserInGroupsHandedOutInRanges: memberOf in ranges (AD gives at most
// 1500 values at once) is read to the end; the test asks for two at a time
// so five groups take three ranges.
func TestUserInGroupsHandedOutInRanges(t *testing.T) {
	cfg := dirtest.AD(t)
	c := dirtest.Connect(t, cfg)
	ctx := context.Background()
	ou := dirtest.NewOU(t, c)
	u := dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName("many")})
	var want []string
	for range 5 {
		want = append(want, dirtest.AddGroup(t, c, ou, dirtest.UniqueName("g"), u.DN))
	}
	directory.SetRangeStep(c, 2)
	got, err := c.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(lowerSorted(got.Groups()), lowerSorted(want)) {
		t.Fatalf("groups read in ranges %v, want %v (attributes %v)", got.Groups(), want, keys(got.Attributes))
	}
	scanned := 0
	err = c.ScanUsers(ctx, directory.UserQuery{Base: ou}, func(x directory.User) error {
		scanned++
		if !slices.Equal(lowerSorted(x.Groups()), lowerSorted(want)) {
			t.Errorf("ScanUsers: groups %v, want %v", x.Groups(), want)
		}
		return nil
	})
	if err != nil || scanned != 1 {
		t.Fatalf("ScanUsers: %d users, %v", scanned, err)
	}
	byDN, err := c.GetUser(ctx, u.DN)
	if err != nil || len(byDN.Groups()) != 5 {
		t.Fatalf("GetUser groups %v %v, want 5", byDN.Groups(), err)
	}
}

func keys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestNestingDeeperThanTheWalkFollows: on a directory without in-chain
// matching the walk stops at 16 levels and says how to fix it, with the
// groups it found so far.
func TestNestingDeeperThanTheWalkFollows(t *testing.T) {
	c := dirtest.Connect(t, dirtest.OpenLDAP(t))
	ou := dirtest.NewOU(t, c)
	u := dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName("deep")})
	member := u.DN
	for i := range 18 {
		member = dirtest.AddGroup(t, c, ou, dirtest.UniqueName("level"+strconv.Itoa(i)), member)
	}
	got, err := c.NestedGroups(context.Background(), u.DN)
	if !errors.Is(err, directory.ErrNestingTooDeep) || !strings.Contains(err.Error(), "flatten") {
		t.Fatalf("18 levels: %v, want ErrNestingTooDeep saying to flatten", err)
	}
	if len(got) != 16 {
		t.Errorf("found %d groups before stopping, want the 16 levels followed", len(got))
	}
}
