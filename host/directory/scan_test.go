package directory_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
)

// collect reads every entry of q with read (Search or Scan), by DN.
func collect(t *testing.T, read func(context.Context, directory.Query, func(directory.Entry) error) error, q directory.Query) map[string]directory.Entry {
	t.Helper()
	got := map[string]directory.Entry{}
	err := read(context.Background(), q, func(e directory.Entry) error {
		if _, dup := got[e.DN]; dup {
			t.Errorf("entry %s delivered twice", e.DN)
		}
		got[e.DN] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestScanDeliversWhatSearchDelivers(t *testing.T) {
	servers(t, func(t *testing.T, c *directory.Client) {
		ou := dirtest.NewOU(t, c)
		// More users than a page holds, so the cookie is followed.
		cfg := c.Config()
		cfg.PageSize = 7
		small, err := directory.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { small.Close() })
		dirtest.SeedUsers(t, c, ou, "scan", 25)

		id := "entryUUID"
		if c.Flavor() == directory.FlavorAD {
			id = "objectGUID"
		}
		queries := map[string]directory.Query{
			"named attributes": {Base: ou, Filter: c.UserFilter(), Attributes: []string{id, "MAIL", "sn", "displayName", "userAccountControl"}},
			"all attributes":   {Base: ou, Attributes: []string{"*", id}},
			"no attributes":    {Base: ou, Scope: directory.ScopeOneLevel, Attributes: []string{"1.1"}},
		}
		for name, q := range queries {
			t.Run(name, func(t *testing.T) {
				want := collect(t, small.Search, q)
				got := collect(t, small.Scan, q)
				if len(want) < 25 {
					t.Fatalf("Search found %d entries, want at least 25", len(want))
				}
				if !reflect.DeepEqual(got, want) {
					for dn, w := range want {
						if !reflect.DeepEqual(got[dn], w) {
							t.Fatalf("%s:\nScan   %#v\nSearch %#v", dn, got[dn], w)
						}
					}
					t.Fatalf("Scan found %d entries, Search %d", len(got), len(want))
				}
			})
		}
	})
}

func TestScanStopsOnCallerError(t *testing.T) {
	servers(t, func(t *testing.T, c *directory.Client) {
		ou := dirtest.NewOU(t, c)
		dirtest.SeedUsers(t, c, ou, "stop", 3)
		stop := errors.New("enough")
		n := 0
		err := c.Scan(context.Background(), directory.Query{Base: ou, Filter: c.UserFilter()}, func(directory.Entry) error {
			n++
			return stop
		})
		if err != stop || n != 1 {
			t.Fatalf("got %v after %d entries, want the caller's error after 1", err, n)
		}
	})
}

func TestScanReportsServerErrors(t *testing.T) {
	servers(t, func(t *testing.T, c *directory.Client) {
		ctx := context.Background()
		err := c.Scan(ctx, directory.Query{Base: "OU=missing-" + dirtest.UniqueName("x") + "," + c.BaseDN()}, func(directory.Entry) error { return nil })
		if !errors.Is(err, directory.ErrNotFound) {
			t.Fatalf("missing base: %v, want ErrNotFound", err)
		}
		err = c.Scan(ctx, directory.Query{Filter: "(mail=unclosed"}, func(directory.Entry) error { return nil })
		if !errors.Is(err, directory.ErrRejected) || !strings.Contains(err.Error(), "directory.Equal") {
			t.Fatalf("bad filter: %v, want ErrRejected naming the fix", err)
		}
		closed, err := directory.Open(ctx, c.Config())
		if err != nil {
			t.Fatal(err)
		}
		closed.Close()
		if err := closed.Scan(ctx, directory.Query{}, func(directory.Entry) error { return nil }); !errors.Is(err, directory.ErrUnavailable) {
			t.Fatalf("closed client: %v, want ErrUnavailable", err)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := c.Scan(cctx, directory.Query{}, func(directory.Entry) error { return nil }); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled: %v", err)
		}
	})
}

func TestScanBindFailed(t *testing.T) {
	servers(t, func(t *testing.T, c *directory.Client) {
		// The scan dials with the client's account; an account deleted
		// after Open shows as a bind failure, like a redial does.
		cfg := c.Config()
		ou := dirtest.NewOU(t, c)
		u := dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName("scanbind")})
		if err := c.SetPassword(context.Background(), u.DN, "Initial-Passw0rd!"); err != nil {
			t.Fatal(err)
		}
		cfg.BindDN, cfg.Password = u.DN, "Initial-Passw0rd!"
		uc, err := directory.Open(context.Background(), cfg)
		if err != nil {
			t.Fatalf("bind as a fresh user: %v", err)
		}
		t.Cleanup(func() { uc.Close() })
		if err := c.Delete(context.Background(), u.DN, false); err != nil {
			t.Fatal(err)
		}
		err = uc.Scan(context.Background(), directory.Query{Base: ou, Scope: directory.ScopeBase}, func(directory.Entry) error { return nil })
		if !errors.Is(err, directory.ErrBindFailed) {
			t.Fatalf("got %v, want ErrBindFailed", err)
		}
	})
}

func TestScanOverStartTLS(t *testing.T) {
	// Samba answers StartTLS on 389 with the certificate it serves on 636.
	cfg := dirtest.AD(t)
	cfg.URL = strings.Replace(strings.Replace(cfg.URL, "ldaps://", "ldap://", 1), ":636", ":389", 1)
	c := dirtest.Connect(t, cfg)
	q := directory.Query{Base: c.BaseDN(), Scope: directory.ScopeOneLevel, Attributes: []string{"objectGUID", "name"}}
	want := collect(t, c.Search, q)
	got := collect(t, c.Scan, q)
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Fatalf("over StartTLS Scan found %d entries, Search %d (or they differ)", len(got), len(want))
	}
}

func TestScanDirectoryGoingAway(t *testing.T) {
	s := dirtest.StartSlapd(t)
	cfg := s.Config
	cfg.PageSize = 5
	c := dirtest.Connect(t, cfg)
	ou := dirtest.NewOU(t, c)
	dirtest.SeedUsers(t, c, ou, "gone", 30)
	ctx := context.Background()

	// A restart before the scan is invisible: the scan dials afresh.
	s.Restart(t)
	if got := collect(t, c.Scan, directory.Query{Base: ou, Filter: c.UserFilter()}); len(got) != 30 {
		t.Fatalf("after a restart the scan found %d users, want 30", len(got))
	}

	n := 0
	err := c.Scan(ctx, directory.Query{Base: ou, Filter: c.UserFilter()}, func(directory.Entry) error {
		if n++; n == 7 {
			s.Stop()
		}
		return nil
	})
	if !errors.Is(err, directory.ErrUnavailable) || !strings.Contains(err.Error(), "incomplete") {
		t.Fatalf("after %d entries: got %v, want ErrUnavailable saying the results are incomplete", n, err)
	}
	if n >= 30 {
		t.Errorf("saw all %d entries although the server stopped", n)
	}
	if err := c.Scan(ctx, directory.Query{Base: ou}, func(directory.Entry) error { return nil }); !errors.Is(err, directory.ErrUnavailable) {
		t.Errorf("scan of a stopped server: %v, want ErrUnavailable", err)
	}
}
