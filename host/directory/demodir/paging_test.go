package demodir

import (
	"errors"
	"fmt"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// bulkSeed is n enabled users in OU=Bulk.
func bulkSeed(n int) *Seed {
	s := &Seed{OUs: []string{"OU=Bulk"}}
	for i := 0; i < n; i++ {
		s.Users = append(s.Users, SeedUser{
			OU: "OU=Bulk", SAMAccountName: fmt.Sprintf("user%05d", i), GivenName: "User", Surname: fmt.Sprintf("%05d", i),
			Mail: fmt.Sprintf("user%05d@example.com", i), Department: []string{"Engineering", "Sales", "Finance", "Support"}[i%4],
			EmployeeID: fmt.Sprintf("B%05d", i),
		})
	}
	return s
}

func bulkRequest(srv *Server, filter string) *ldap.SearchRequest {
	return ldap.NewSearchRequest("OU=Bulk,"+srv.BaseDN(), ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		filter, []string{"sAMAccountName", "objectGUID", "uSNChanged"}, nil)
}

// page sends one paged request by hand and returns the entries and the
// returned cookie.
func page(t *testing.T, c *ldap.Conn, req *ldap.SearchRequest, size uint32, cookie []byte) ([]*ldap.Entry, []byte, error) {
	t.Helper()
	ctl := ldap.NewControlPaging(size)
	ctl.SetCookie(cookie)
	r := *req
	r.Controls = []ldap.Control{ctl}
	res, err := c.Search(&r)
	if err != nil {
		return nil, nil, err
	}
	got := ldap.FindControl(res.Controls, ldap.ControlTypePaging)
	if got == nil {
		t.Fatalf("response carries no paging control")
	}
	return res.Entries, got.(*ldap.ControlPaging).Cookie, nil
}

func TestSearchWithPaging2500(t *testing.T) {
	srv, c := startDemo(t, bulkSeed(2500))
	res, err := c.SearchWithPaging(bulkRequest(srv, "(objectClass=user)"), 100)
	if err != nil {
		t.Fatalf("SearchWithPaging: %v", err)
	}
	if len(res.Entries) != 2500 {
		t.Fatalf("got %d entries, want 2500", len(res.Entries))
	}
	seen := make(map[string]bool)
	for _, e := range res.Entries {
		if seen[e.DN] {
			t.Fatalf("%s returned twice", e.DN)
		}
		seen[e.DN] = true
		if len(e.GetRawAttributeValue("objectGUID")) != 16 {
			t.Fatalf("%s: objectGUID missing", e.DN)
		}
	}

	// The same by hand: 25 full pages, then an empty cookie.
	var cookie []byte
	pages, total := 0, 0
	for {
		es, next, err := page(t, c, bulkRequest(srv, "(objectClass=user)"), 100, cookie)
		if err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		pages++
		total += len(es)
		if len(es) != 100 {
			t.Fatalf("page %d has %d entries", pages, len(es))
		}
		if len(next) == 0 {
			break
		}
		cookie = next
	}
	if pages != 25 || total != 2500 {
		t.Fatalf("%d pages, %d entries; want 25 and 2500", pages, total)
	}
	if n := srv.h.pages.openCount(); n != 0 {
		t.Errorf("%d paged searches still open after the last page", n)
	}
}

func TestPagingWithFilterAndSizeLimits(t *testing.T) {
	srv, c := startDemo(t, bulkSeed(2500))
	res, err := c.SearchWithPaging(bulkRequest(srv, "(&(department=Sales)(sAMAccountName=user0*))"), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != 625 {
		t.Fatalf("filtered paged search: %d entries, want 625", len(res.Entries))
	}

	t.Run("unpaged search stops at MaxPageSize like AD", func(t *testing.T) {
		res, err := c.Search(bulkRequest(srv, "(objectClass=user)"))
		wantCode(t, err, ldap.LDAPResultSizeLimitExceeded)
		if res == nil || len(res.Entries) != DefaultMaxPageSize {
			t.Fatalf("got %v entries before the limit", res)
		}
	})
	t.Run("client size limit", func(t *testing.T) {
		req := bulkRequest(srv, "(objectClass=user)")
		req.SizeLimit = 10
		res, err := c.Search(req)
		wantCode(t, err, ldap.LDAPResultSizeLimitExceeded)
		if len(res.Entries) != 10 {
			t.Fatalf("got %d entries, want 10", len(res.Entries))
		}
	})
	t.Run("a page larger than MaxPageSize is capped", func(t *testing.T) {
		es, cookie, err := page(t, c, bulkRequest(srv, "(objectClass=user)"), 5000, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != DefaultMaxPageSize || len(cookie) == 0 {
			t.Fatalf("got %d entries and cookie %q", len(es), cookie)
		}
		_, _, _ = page(t, c, bulkRequest(srv, "(objectClass=user)"), 0, cookie)
	})
}

func TestPagingCookies(t *testing.T) {
	srv, c := startDemo(t, bulkSeed(300))
	req := bulkRequest(srv, "(objectClass=user)")

	t.Run("abandon with size 0", func(t *testing.T) {
		_, cookie, err := page(t, c, req, 100, nil)
		if err != nil || len(cookie) == 0 {
			t.Fatalf("first page: %v, cookie %q", err, cookie)
		}
		es, next, err := page(t, c, req, 0, cookie)
		if err != nil || len(es) != 0 || len(next) != 0 {
			t.Fatalf("abandon: %d entries, cookie %q, %v", len(es), next, err)
		}
		_, _, err = page(t, c, req, 100, cookie)
		wantCode(t, err, ldap.LDAPResultUnwillingToPerform)
	})
	t.Run("unknown cookie", func(t *testing.T) {
		_, _, err := page(t, c, req, 100, []byte("made-up"))
		wantCode(t, err, ldap.LDAPResultUnwillingToPerform)
	})
	t.Run("cookie of another connection", func(t *testing.T) {
		_, cookie, _ := page(t, c, req, 100, nil)
		other := dialAdmin(t, srv)
		_, _, err := page(t, other, req, 100, cookie)
		wantCode(t, err, ldap.LDAPResultUnwillingToPerform)
	})
	t.Run("cookie with a different filter", func(t *testing.T) {
		_, cookie, _ := page(t, c, req, 100, nil)
		_, _, err := page(t, c, bulkRequest(srv, "(department=Sales)"), 100, cookie)
		wantCode(t, err, ldap.LDAPResultProtocolError)
	})
	t.Run("objects added or deleted between pages", func(t *testing.T) {
		es, cookie, err := page(t, c, req, 100, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := len(es)
		add := ldap.NewAddRequest("CN=Late Comer,OU=Bulk,"+srv.BaseDN(), nil)
		add.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
		add.Attribute("sAMAccountName", []string{"late.comer"})
		if err := c.Add(add); err != nil {
			t.Fatal(err)
		}
		if err := c.Del(ldap.NewDelRequest("CN=User 00299,OU=Bulk,"+srv.BaseDN(), nil)); err != nil {
			t.Fatal(err)
		}
		for len(cookie) > 0 {
			es, cookie, err = page(t, c, req, 100, cookie)
			if err != nil {
				t.Fatal(err)
			}
			got += len(es)
		}
		if got != 299 {
			t.Fatalf("got %d entries; want the 300 of the first page's snapshot minus the deleted one", got)
		}
	})
	t.Run("closing the connection frees its searches", func(t *testing.T) {
		other := dialAdmin(t, srv)
		if _, cookie, _ := page(t, other, req, 10, nil); len(cookie) == 0 {
			t.Fatal("no cookie")
		}
		before := srv.h.pages.openCount()
		_ = other.Close()
		for i := 0; i < 200 && srv.h.pages.openCount() >= before; i++ {
			sleepMS(10)
		}
		if srv.h.pages.openCount() >= before {
			t.Fatalf("searches of a closed connection were kept")
		}
	})
}

func TestCriticalUnknownControlIsRefused(t *testing.T) {
	srv, c := startDemo(t, nil)
	req := ldap.NewSearchRequest(srv.BaseDN(), ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil,
		[]ldap.Control{ldap.NewControlString(ldap.ControlTypeDirSync, true, "")})
	_, err := c.Search(req)
	wantCode(t, err, ldap.LDAPResultUnavailableCriticalExtension)
	var le *ldap.Error
	if !errors.As(err, &le) {
		t.Fatal(err)
	}
}
