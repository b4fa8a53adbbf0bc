package automation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
)

// namedDirectory resolves the refs it knows, as directory.ResolveUser
// does, and refuses the others.
type namedDirectory struct {
	Directory
	users map[string]directory.User
}

func (d namedDirectory) Flavor() directory.Flavor { return directory.FlavorAD }

func (d namedDirectory) ResolveUser(_ context.Context, ref string) (directory.User, error) {
	if u, ok := d.users[ref]; ok {
		return u, nil
	}
	return directory.User{}, fmt.Errorf("find user %s: %w", ref, directory.ErrNotFound)
}

const (
	adaID  = "6f2c8e14-5b3a-4d7e-9a1b-0c2d3e4f5a6b"
	bobID  = "0a1b2c3d-4e5f-4061-8273-9485a6b7c8d9"
	adaRaw = `\14\8e\2c\6f\3a\5b\7e\4d\9a\1b\0c\2d\3e\4f\5a\6b`
)

func scopeService() *Service {
	return &Service{cfg: Config{Directory: namedDirectory{users: map[string]directory.User{
		"ada.owner":            {ID: adaID, DN: "CN=Ada,OU=Staff,DC=x", Attributes: map[string][]string{"displayName": {"Ada Owner"}}},
		"CN=Bob,OU=Staff,DC=x": {ID: bobID, DN: "CN=Bob,OU=Staff,DC=x", Attributes: map[string][]string{"cn": {"Bob"}}},
		"ada@example.test":     {ID: adaID, DN: "CN=Ada,OU=Staff,DC=x"},
	}}}}
}

// TestScopeUsersResolveToStableIDs: users named by logon name or DN are
// kept as their ids with their names; the same person twice is kept once;
// the filter is an OR of escaped objectGUID terms, ANDed with the other
// parts, so a users-only scope selects exactly them.
func TestScopeUsersResolveToStableIDs(t *testing.T) {
	var v validator
	sc := Scope{Users: []ScopeUser{{ID: " ada.owner "}, {ID: "CN=Bob,OU=Staff,DC=x"}, {ID: "ada@example.test"}}}
	if err := scopeService().validateScope(context.Background(), &v, &sc); err != nil || v.err() != nil {
		t.Fatalf("validate: %v %v", err, v.err())
	}
	want := []ScopeUser{{ID: adaID, Name: "Ada Owner"}, {ID: bobID, Name: "Bob"}}
	if !slices.Equal(sc.Users, want) {
		t.Fatalf("users kept as %+v, want %+v", sc.Users, want)
	}
	f := sc.ldapFilter(directory.FlavorAD)
	if !strings.HasPrefix(f, `(|(objectGUID=`+adaRaw+`)(objectGUID=`) || strings.Contains(f, "&") {
		t.Fatalf("users-only filter %s", f)
	}
	if _, err := ldap.CompileFilter(f); err != nil {
		t.Fatalf("filter %s does not parse: %v", f, err)
	}
	withOU := Scope{OU: "OU=Staff,DC=x", Filter: "(department=Sales)", Users: want[:1]}
	q := withOU.query(directory.FlavorAD)
	if q.Base != "OU=Staff,DC=x" || q.Filter != `(&(objectGUID=`+adaRaw+`)(department=Sales))` {
		t.Fatalf("users+OU query %+v", q)
	}
	if got := (Scope{Users: want[:1]}).ldapFilter(directory.FlavorLDAP); got != "(entryUUID="+adaID+")" {
		t.Fatalf("OpenLDAP filter %s", got)
	}
	// An id that is no GUID (never saved so) matches nothing rather than
	// widening the scope to everyone.
	if got := (Scope{Users: []ScopeUser{{ID: "x"}}}).ldapFilter(directory.FlavorAD); got != "(!(objectClass=*))" {
		t.Fatalf("bad id filter %s", got)
	}
}

// TestScopeUsersRefused: an unknown user, an empty row, and a list over
// the bound are refused at save, each naming the row or the list.
func TestScopeUsersRefused(t *testing.T) {
	var v validator
	sc := Scope{Users: []ScopeUser{{ID: "ada.owner"}, {ID: "nobody"}, {ID: " "}}}
	if err := scopeService().validateScope(context.Background(), &v, &sc); err != nil {
		t.Fatal(err)
	}
	if len(v.problems) != 2 || v.problems[0].Field != "scope.users[1]" || !errors.Is(v.problems[0].Err, ErrUnknownScopeUser) ||
		!strings.Contains(v.problems[0].Message, `no user has the DN, logon name, mail or id "nobody"`) ||
		v.problems[1].Field != "scope.users[2]" {
		t.Fatalf("problems %+v", v.problems)
	}

	v = validator{}
	sc = Scope{Users: make([]ScopeUser, MaxScopeUsers+1)}
	for i := range sc.Users {
		sc.Users[i].ID = "ada.owner"
	}
	if err := scopeService().validateScope(context.Background(), &v, &sc); err != nil {
		t.Fatal(err)
	}
	if len(v.problems) != 1 || v.problems[0].Field != "scope.users" || !errors.Is(v.problems[0].Err, ErrTooManyScopeUsers) ||
		!strings.Contains(v.problems[0].Message, "at most 200") {
		t.Fatalf("over the bound: %+v", v.problems)
	}
}

// TestScopeUsersOnRealDirectories: on Samba AD and OpenLDAP a scope of
// named users lists exactly them, contains() agrees, and with an OU the
// named users outside it are out.
func TestScopeUsersOnRealDirectories(t *testing.T) {
	for name, cfg := range map[string]func(testing.TB) directory.Config{"samba": dirtest.AD, "openldap": dirtest.OpenLDAP} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := dirtest.Connect(t, cfg(t))
			root := dirtest.NewOU(t, c)
			in, err := c.CreateOU(ctx, root, "in")
			if err != nil {
				t.Fatal(err)
			}
			add := func(ou, prefix string) directory.User {
				return dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName(prefix)})
			}
			a, b, other, out := add(in, "su-a"), add(in, "su-b"), add(in, "su-other"), add(root, "su-out")
			login := a.Get("sAMAccountName")
			if login == "" {
				login = a.Get("uid")
			}
			svc := &Service{cfg: Config{Directory: c}}
			var v validator
			sc := Scope{Users: []ScopeUser{{ID: login}, {ID: b.DN}, {ID: out.Get("mail")}}}
			if err := svc.validateScope(ctx, &v, &sc); err != nil || v.err() != nil {
				t.Fatalf("validate: %v %v", err, v.err())
			}
			if got := []string{sc.Users[0].ID, sc.Users[1].ID, sc.Users[2].ID}; !slices.Equal(got, []string{a.ID, b.ID, out.ID}) {
				t.Fatalf("kept ids %v, want %v", got, []string{a.ID, b.ID, out.ID})
			}
			check := func(sc Scope, want ...directory.User) {
				t.Helper()
				var got []string
				if err := sc.members(ctx, c, func(u directory.User) error { got = append(got, u.ID); return nil }); err != nil {
					t.Fatal(err)
				}
				var wantIDs []string
				for _, u := range want {
					wantIDs = append(wantIDs, u.ID)
				}
				slices.Sort(got)
				slices.Sort(wantIDs)
				if !slices.Equal(got, wantIDs) {
					t.Fatalf("members %v, want %v", got, wantIDs)
				}
				for _, u := range []directory.User{a, b, other, out} {
					in, err := sc.contains(ctx, c, u.DN)
					if err != nil {
						t.Fatal(err)
					}
					if in != slices.Contains(wantIDs, u.ID) {
						t.Fatalf("contains(%s) = %v, members say %v", u.DN, in, !in)
					}
				}
			}
			check(sc, a, b, out)
			check(Scope{OU: in, Users: sc.Users}, a, b)

			v = validator{}
			bad := Scope{Users: []ScopeUser{{ID: a.DN}, {ID: "nobody-" + login}}}
			if err := svc.validateScope(ctx, &v, &bad); err != nil {
				t.Fatal(err)
			}
			if len(v.problems) != 1 || v.problems[0].Field != "scope.users[1]" || !errors.Is(v.problems[0].Err, ErrUnknownScopeUser) {
				t.Fatalf("unknown user: %+v", v.problems)
			}
		})
	}
}
