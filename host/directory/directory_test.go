package directory_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
)

var guidForm = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// servers runs fn against each real directory, as subtests.
func servers(t *testing.T, fn func(t *testing.T, c *directory.Client)) {
	t.Run("AD", func(t *testing.T) { fn(t, dirtest.Connect(t, dirtest.AD(t))) })
	t.Run("OpenLDAP", func(t *testing.T) { fn(t, dirtest.Connect(t, dirtest.OpenLDAP(t))) })
}

func TestFlavorDetected(t *testing.T) {
	ctx := context.Background()
	ad := dirtest.AD(t)
	ad.Flavor = directory.FlavorAuto
	c := dirtest.Connect(t, ad)
	if c.Flavor() != directory.FlavorAD {
		t.Errorf("Samba detected as %q", c.Flavor())
	}
	root, err := c.RootDSE(ctx)
	if err != nil || root.HighestCommittedUSN == 0 || root.DSServiceName == "" {
		t.Fatalf("rootDSE %+v, %v", root, err)
	}
	id, err := c.InvocationID(ctx, root.DSServiceName)
	if err != nil || !guidForm.MatchString(id) {
		t.Errorf("invocationId %q, %v", id, err)
	}

	ol := dirtest.OpenLDAP(t)
	ol.Flavor = directory.FlavorAuto
	ol.BaseDN = ""
	l := dirtest.Connect(t, ol)
	if l.Flavor() != directory.FlavorLDAP {
		t.Errorf("OpenLDAP detected as %q", l.Flavor())
	}
	if !strings.EqualFold(l.BaseDN(), "dc=example,dc=test") {
		t.Errorf("base DN from namingContexts = %q", l.BaseDN())
	}
}

func TestBindFailedNamesTheAccount(t *testing.T) {
	servers(t, func(t *testing.T, c *directory.Client) {
		cfg := c.Config()
		cfg.Password = "wrong-password"
		_, err := directory.Open(context.Background(), cfg)
		if !errors.Is(err, directory.ErrBindFailed) {
			t.Fatalf("got %v, want ErrBindFailed", err)
		}
		if !strings.Contains(err.Error(), "check the bind account") || strings.Contains(err.Error(), "wrong-password") {
			t.Errorf("message %q: no fix, or it shows the password", err)
		}
	})
}

func TestUntrustedCertificateIsTLSError(t *testing.T) {
	cfg := dirtest.AD(t)
	cfg.CAPEM = ""
	_, err := directory.Open(context.Background(), cfg)
	if !errors.Is(err, directory.ErrTLS) || !strings.Contains(err.Error(), "CA") {
		t.Fatalf("got %v, want ErrTLS naming the CA", err)
	}
}

func TestStartTLS(t *testing.T) {
	cfg := dirtest.AD(t)
	cfg.URL = "ldap://127.0.0.1:389"
	c := dirtest.Connect(t, cfg)
	if _, err := c.RootDSE(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestPlainBindRefusedWhenEncryptionRequired(t *testing.T) {
	s := dirtest.StartSlapd(t, dirtest.RequireEncryption())
	_, err := directory.Open(context.Background(), s.Config)
	if !errors.Is(err, directory.ErrStrongAuthRequired) || !strings.Contains(err.Error(), "ldaps://") {
		t.Fatalf("got %v, want ErrStrongAuthRequired with the fix", err)
	}
}

func TestReadsTheAttributesThatMatter(t *testing.T) {
	ctx := context.Background()
	c := dirtest.Connect(t, dirtest.AD(t))
	ou := dirtest.NewOU(t, c)
	boss := dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName("boss")})
	name := dirtest.UniqueName("alice")
	u := dirtest.AddUser(t, c, ou, dirtest.User{Name: name, Attributes: map[string][]string{
		"department": {"Finance"}, "title": {"Analyst"}, "employeeID": {"E-1001"}, "manager": {boss.DN},
	}})
	g := dirtest.AddGroup(t, c, ou, dirtest.UniqueName("grp"), u.DN)

	got, err := c.GetUser(ctx, u.DN)
	if err != nil {
		t.Fatal(err)
	}
	if !guidForm.MatchString(got.ID) {
		t.Errorf("ID %q is not objectGUID in string form", got.ID)
	}
	for attr, want := range map[string]string{
		"sAMAccountName": name, "userPrincipalName": name + "@example.test", "mail": name + "@example.test",
		"givenName": name, "sn": "Test", "displayName": name + " Test", "department": "Finance",
		"title": "Analyst", "employeeID": "E-1001", "userAccountControl": "512",
	} {
		if v := got.Get(attr); v != want {
			t.Errorf("%s = %q, want %q", attr, v, want)
		}
	}
	if !strings.EqualFold(got.Get("manager"), boss.DN) {
		t.Errorf("manager = %q", got.Get("manager"))
	}
	if !slices.ContainsFunc(got.Groups(), func(s string) bool { return strings.EqualFold(s, g) }) {
		t.Errorf("memberOf %v lacks %s", got.Groups(), g)
	}
	for _, attr := range []string{"whenChanged", "uSNChanged"} {
		if got.Get(attr) == "" {
			t.Errorf("%s not read", attr)
		}
	}
	if !got.Enabled() {
		t.Error("new enabled user reads as disabled")
	}
	byID, err := c.UserByID(ctx, got.ID)
	if err != nil || byID.DN != got.DN {
		t.Errorf("UserByID = %v, %v", byID.DN, err)
	}
}

func TestOpenLDAPUsersHaveNoADOnlyAttributes(t *testing.T) {
	ctx := context.Background()
	c := dirtest.Connect(t, dirtest.OpenLDAP(t))
	ou := dirtest.NewOU(t, c)
	u := dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName("bob"), Attributes: map[string][]string{"title": {"Dev"}}})
	got, err := c.GetUser(ctx, u.DN)
	if err != nil {
		t.Fatal(err)
	}
	if !guidForm.MatchString(got.ID) {
		t.Errorf("ID %q is not entryUUID", got.ID)
	}
	if got.Get("uid") == "" || got.Get("title") != "Dev" || got.Get("modifyTimestamp") == "" {
		t.Errorf("attributes %v", got.Attributes)
	}
	for _, adOnly := range []string{"objectGUID", "uSNChanged", "whenChanged"} {
		if got.Values(adOnly) != nil {
			t.Errorf("%s present on OpenLDAP", adOnly)
		}
	}
	if byID, err := c.UserByID(ctx, got.ID); err != nil || byID.DN != got.DN {
		t.Errorf("UserByID = %v, %v", byID.DN, err)
	}
}

func TestFilterInjectionMatchesNothing(t *testing.T) {
	servers(t, func(t *testing.T, c *directory.Client) {
		ctx := context.Background()
		ou := dirtest.NewOU(t, c)
		dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName("inj")})
		odd := dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName("odd"),
			Attributes: map[string][]string{"title": {"a*)(b"}}})
		for _, attack := range []string{"*", "*)(objectClass=*", "admin)(|(a=*", "x)(objectClass=*))(&(a=b"} {
			users, err := c.FindUsers(ctx, "mail", attack)
			if err != nil {
				t.Errorf("%q: %v", attack, err)
			}
			if len(users) != 0 {
				t.Errorf("%q matched %d users", attack, len(users))
			}
		}
		users, err := c.FindUsers(ctx, "title", "a*)(b")
		if err != nil || len(users) != 1 || users[0].DN != odd.DN {
			t.Errorf("literal special characters: %d users, %v", len(users), err)
		}
		if _, err := c.FindUsers(ctx, "mail)(objectClass=*", "x"); !errors.Is(err, directory.ErrUnknownAttribute) {
			t.Errorf("attribute injection: %v", err)
		}
	})
}

func TestModifyMoveDisableEnableAndGroups(t *testing.T) {
	servers(t, func(t *testing.T, c *directory.Client) {
		ctx := context.Background()
		ou := dirtest.NewOU(t, c)
		other, err := c.CreateOU(ctx, ou, "moved")
		if err != nil {
			t.Fatal(err)
		}
		u := dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName("carol")})
		if err := c.Modify(ctx, u.DN, directory.Replace("title", "Lead"), directory.Replace("department", "Ops")); err != nil {
			t.Fatal(err)
		}
		if c.Flavor() == directory.FlavorAD {
			// Another flag must survive disable and enable (DONT_EXPIRE_PASSWORD).
			if err := c.Modify(ctx, u.DN, directory.Replace("userAccountControl", "66048")); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Disable(ctx, u.DN); err != nil {
			t.Fatal(err)
		}
		got, _ := c.GetUser(ctx, u.DN)
		if got.Enabled() || got.Get("title") != "Lead" || got.Get("department") != "Ops" {
			t.Fatalf("after disable: enabled=%v attrs=%v", got.Enabled(), got.Attributes)
		}
		if c.Flavor() == directory.FlavorAD && got.Get("userAccountControl") != "66050" {
			t.Errorf("UAC after disable = %s, want 66050", got.Get("userAccountControl"))
		}
		if err := c.Enable(ctx, u.DN); err != nil {
			t.Fatal(err)
		}
		newDN, err := c.Move(ctx, u.DN, other)
		if err != nil {
			t.Fatal(err)
		}
		moved, err := c.GetUser(ctx, newDN)
		if err != nil {
			t.Fatal(err)
		}
		if moved.ID != u.ID || !moved.Enabled() || !strings.EqualFold(moved.ParentDN(), other) {
			t.Errorf("moved: id %s→%s enabled=%v parent=%s", u.ID, moved.ID, moved.Enabled(), moved.ParentDN())
		}
		if c.Flavor() == directory.FlavorAD && moved.Get("userAccountControl") != "66048" {
			t.Errorf("UAC after enable = %s, want 66048", moved.Get("userAccountControl"))
		}
		if _, err := c.GetUser(ctx, u.DN); !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("old DN still readable: %v", err)
		}

		g := dirtest.AddGroup(t, c, ou, dirtest.UniqueName("team"))
		for range 2 { // the second add is a no-op, not an error
			if err := c.AddToGroup(ctx, g, newDN); err != nil {
				t.Fatal(err)
			}
		}
		inGroup := func() bool {
			x, _ := c.GetUser(ctx, newDN)
			return slices.ContainsFunc(x.Groups(), func(s string) bool { return strings.EqualFold(s, g) })
		}
		if !inGroup() {
			t.Error("memberOf does not show the added group")
		}
		var listed bool
		err = c.Groups(ctx, ou, func(gr directory.Group) error {
			if strings.EqualFold(gr.DN, g) {
				listed = slices.ContainsFunc(gr.Members, func(s string) bool { return strings.EqualFold(s, newDN) })
			}
			return nil
		})
		if err != nil || !listed {
			t.Errorf("Groups listing: listed=%v err=%v", listed, err)
		}
		for range 2 {
			if err := c.RemoveFromGroup(ctx, g, newDN); err != nil {
				t.Fatal(err)
			}
		}
		if inGroup() {
			t.Error("memberOf still shows the removed group")
		}
	})
}

func TestCreateDisabledUser(t *testing.T) {
	servers(t, func(t *testing.T, c *directory.Client) {
		ou := dirtest.NewOU(t, c)
		u := dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName("off"), Disabled: true})
		if u.Enabled() {
			t.Error("created disabled, reads enabled")
		}
		_, err := c.CreateUser(context.Background(), directory.NewUser{ParentDN: ou, CN: u.Get("cn"), Enabled: true,
			Attributes: map[string][]string{"sAMAccountName": {dirtest.UniqueName("dup")}}})
		if !errors.Is(err, directory.ErrExists) {
			t.Errorf("duplicate CN: %v", err)
		}
	})
}

func TestPagedSearchStreams(t *testing.T) {
	servers(t, func(t *testing.T, c *directory.Client) {
		ctx := context.Background()
		cfg := c.Config()
		cfg.PageSize = 4
		small := dirtest.Connect(t, cfg)
		ou := dirtest.NewOU(t, c)
		for i := 0; i < 11; i++ {
			dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName("p")})
		}
		n := 0
		if err := small.Users(ctx, directory.UserQuery{Base: ou}, func(directory.User) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		if n != 11 {
			t.Errorf("paged search saw %d users, want 11", n)
		}
		stop := errors.New("enough")
		n = 0
		err := small.Users(ctx, directory.UserQuery{Base: ou}, func(directory.User) error {
			n++
			if n == 5 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != 5 {
			t.Errorf("stopping early: n=%d err=%v", n, err)
		}
		// The connection is still usable after abandoning a paged search.
		if _, err := small.RootDSE(ctx); err != nil {
			t.Error(err)
		}
	})
}

func TestAttributeExists(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, c *directory.Client, want map[string]bool) {
		for name, exists := range want {
			got, err := c.AttributeExists(ctx, name)
			if err != nil || got != exists {
				t.Errorf("AttributeExists(%s) = %v, %v; want %v", name, got, err, exists)
			}
		}
	}
	t.Run("AD", func(t *testing.T) {
		check(t, dirtest.Connect(t, dirtest.AD(t)), map[string]bool{
			"mail": true, "employeeID": true, "sAMAccountName": true, "EMPLOYEEID": true, "noSuchAttribute": false,
		})
	})
	t.Run("OpenLDAP", func(t *testing.T) {
		check(t, dirtest.Connect(t, dirtest.OpenLDAP(t)), map[string]bool{
			"mail": true, "sAMAccountName": true, "department": true, "objectGUID": false, "uSNChanged": false,
		})
	})
}

func TestDirectoryGoingAwayMidSearch(t *testing.T) {
	s := dirtest.StartSlapd(t)
	cfg := s.Config
	cfg.PageSize = 5
	c := dirtest.Connect(t, cfg)
	ou := dirtest.NewOU(t, c)
	dirtest.SeedUsers(t, c, ou, "gone", 30)
	ctx := context.Background()
	n := 0
	err := c.Users(ctx, directory.UserQuery{Base: ou}, func(directory.User) error {
		n++
		if n == 7 {
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
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := c.GetUser(cctx, ou); !errors.Is(err, directory.ErrUnavailable) {
		t.Errorf("operation on a stopped server: %v", err)
	}
}

func TestReconnectsAfterRestart(t *testing.T) {
	s := dirtest.StartSlapd(t)
	c := dirtest.Connect(t, s.Config)
	ctx := context.Background()
	ou := dirtest.NewOU(t, c)
	s.Restart(t)
	// The old connection is dead; the read is retried on a new one.
	if _, err := c.RootDSE(ctx); err != nil {
		t.Fatalf("read after restart: %v", err)
	}
	if _, err := c.CreateOU(ctx, ou, "after-restart"); err != nil {
		t.Fatalf("write after restart: %v", err)
	}
}

func TestSetPasswordThenBindAsTheUser(t *testing.T) {
	servers(t, func(t *testing.T, c *directory.Client) {
		ctx := context.Background()
		ou := dirtest.NewOU(t, c)
		u := dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName("pw")})
		const pw = "N3w!Passw0rd-x"
		if err := c.SetPassword(ctx, u.DN, pw); err != nil {
			t.Fatal(err)
		}
		cfg := c.Config()
		cfg.BindDN, cfg.Password = u.DN, pw
		uc, err := directory.Open(ctx, cfg)
		if err != nil {
			t.Fatalf("bind with the new password: %v", err)
		}
		uc.Close()
		cfg.Password = "Wr0ng!Passw0rd"
		if _, err := directory.Open(ctx, cfg); !errors.Is(err, directory.ErrBindFailed) {
			t.Errorf("bind with a wrong password: %v", err)
		}
	})
}

// TestGroupsFollowsMemberRanges reads a group of 12 members from Samba in
// ranges of 5, as AD hands out groups over 1500 members, and whole.
func TestGroupsFollowsMemberRanges(t *testing.T) {
	c := dirtest.Connect(t, dirtest.AD(t))
	ou := dirtest.NewOU(t, c)
	members := dirtest.SeedUsers(t, c, ou, dirtest.UniqueName("rng"), 12)
	small := dirtest.AddGroup(t, c, ou, dirtest.UniqueName("small"), members[:3]...)
	large := dirtest.AddGroup(t, c, ou, dirtest.UniqueName("large"), members...)
	for _, step := range []int{5, 0} {
		directory.SetRangeStep(c, step)
		got := map[string][]string{}
		var order []string
		err := c.Groups(context.Background(), ou, func(g directory.Group) error {
			got[strings.ToLower(g.DN)] = g.Members
			order = append(order, strings.ToLower(g.DN))
			return nil
		})
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		for dn, want := range map[string][]string{small: members[:3], large: members} {
			have := got[strings.ToLower(dn)]
			if len(have) != len(want) {
				t.Fatalf("step %d: %s has %d members, want %d", step, dn, len(have), len(want))
			}
			for _, m := range want {
				if !slices.ContainsFunc(have, func(s string) bool { return strings.EqualFold(s, m) }) {
					t.Errorf("step %d: %s lacks %s", step, dn, m)
				}
			}
		}
		if step == 5 && order[len(order)-1] != strings.ToLower(large) {
			t.Errorf("step 5: the ranged group should come last, order %v", order)
		}
	}
}

func TestUserAttributeTypes(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, c *directory.Client, want, absent []string) {
		t.Helper()
		got, err := c.UserAttributeTypes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]directory.AttributeType{}
		for _, a := range got {
			byName[strings.ToLower(a.Name)] = a
		}
		for _, n := range want {
			if _, ok := byName[strings.ToLower(n)]; !ok {
				t.Errorf("%s is not offered for users (%d offered)", n, len(got))
			}
		}
		for _, n := range absent {
			if _, ok := byName[strings.ToLower(n)]; ok {
				t.Errorf("%s is offered for users, but users cannot hold it", n)
			}
		}
		if a := byName["mail"]; a.ReadOnly {
			t.Errorf("mail is marked read-only: %+v", a)
		}
	}
	t.Run("AD", func(t *testing.T) {
		check(t, dirtest.Connect(t, dirtest.AD(t)), []string{"mail", "employeeID", "sAMAccountName", "displayName", "department", "telephoneNumber"},
			[]string{"groupType", "gPLink"})
	})
	t.Run("OpenLDAP", func(t *testing.T) {
		check(t, dirtest.Connect(t, dirtest.OpenLDAP(t)), []string{"mail", "cn", "sn", "employeeNumber", "departmentNumber"},
			[]string{"olcDatabase", "dc"})
	})
}
