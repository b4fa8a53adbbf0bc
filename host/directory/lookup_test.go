package directory_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/demodir"
)

// demoClient connects to a fresh embedded demo directory, which answers
// as Active Directory does.
func demoClient(t *testing.T) *directory.Client {
	t.Helper()
	ctx := context.Background()
	dd, err := demodir.Start(ctx, demodir.Options{Seed: demodir.DemoSeed()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dd.Close() })
	c, err := directory.Open(ctx, directory.Config{URL: dd.URL(), PlainText: true, BindDN: dd.BindDN(), Password: dd.Password()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestSearchObjectsFindsUsersGroupsAndOUs checks the picker's search: by
// name, logon name and mail; of each kind; paged; and escaped, so a
// filter typed as text matches nothing.
func TestSearchObjectsFindsUsersGroupsAndOUs(t *testing.T) {
	c := demoClient(t)
	ctx := context.Background()
	byKind := func(text string, kinds ...directory.ObjectKind) []directory.Found {
		t.Helper()
		found, _, err := c.SearchObjects(ctx, text, kinds, 0, 50)
		if err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
		return found
	}
	if f := byKind("ada.own"); len(f) != 1 || f[0].Kind != directory.KindUser || f[0].Login != "ada.owner" || f[0].ID == "" {
		t.Fatalf("by logon name: %+v", f)
	}
	if f := byKind("Ada"); len(f) != 1 || f[0].Login != "ada.owner" {
		t.Fatalf("by name: %+v", f)
	}
	if f := byKind("engineering", directory.KindGroup); len(f) != 1 || f[0].Kind != directory.KindGroup || f[0].Name != "Engineering" {
		t.Fatalf("groups named engineering: %+v", f)
	}
	if f := byKind("engineering", directory.KindOU); len(f) != 1 || f[0].Kind != directory.KindOU {
		t.Fatalf("OUs named engineering: %+v", f)
	}
	if f := byKind("engineering"); len(f) != 2 {
		t.Fatalf("every kind named engineering: %+v", f)
	}
	if f := byKind("*)(objectClass=*"); len(f) != 0 {
		t.Fatalf("a filter typed as text found %d objects", len(f))
	}
	first, more, err := c.SearchObjects(ctx, "a", []directory.ObjectKind{directory.KindUser}, 0, 2)
	if err != nil || len(first) != 2 || !more {
		t.Fatalf("first page: %d, more %v, %v", len(first), more, err)
	}
	second, _, err := c.SearchObjects(ctx, "a", []directory.ObjectKind{directory.KindUser}, 2, 2)
	if err != nil || len(second) == 0 || second[0].DN == first[0].DN || second[0].DN == first[1].DN {
		t.Fatalf("second page %+v after %+v: %v", second, first, err)
	}
	if _, _, err := c.SearchObjects(ctx, "", nil, 0, 10); !errors.Is(err, directory.ErrRejected) {
		t.Fatalf("an empty search: %v", err)
	}
	if _, _, err := c.SearchObjects(ctx, "a", nil, 0, directory.MaxSearchResults+1); !errors.Is(err, directory.ErrRejected) {
		t.Fatalf("a page too large: %v", err)
	}
}

// TestResolveUserTakesEveryIdentifier checks that a DN, the objectGUID,
// the logon name and the mail all find the same user, and that unknown
// ones say what to do in words, not with a result code.
func TestResolveUserTakesEveryIdentifier(t *testing.T) {
	c := demoClient(t)
	ctx := context.Background()
	u, err := c.ResolveUser(ctx, "ada.owner")
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{u.DN, u.ID, u.Get("mail"), " ada.owner "} {
		got, err := c.ResolveUser(ctx, ref)
		if err != nil || got.DN != u.DN {
			t.Errorf("ResolveUser(%q) = %s, %v; want %s", ref, got.DN, err, u.DN)
		}
	}
	for _, ref := range []string{"nobody.here", "CN=Nobody,DC=example,DC=com", "CN=a,,=b"} {
		_, err := c.ResolveUser(ctx, ref)
		if !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("ResolveUser(%q): %v, want not found", ref, err)
		}
		if err != nil && (strings.Contains(err.Error(), "Result Code") || strings.Contains(err.Error(), "LDAP")) {
			t.Errorf("ResolveUser(%q) speaks LDAP: %v", ref, err)
		}
	}
}
