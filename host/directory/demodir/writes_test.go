package demodir

import (
	"encoding/binary"
	"strconv"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"
)

func highestUSN(t *testing.T, c *ldap.Conn) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(rootDSE(t, c).GetAttributeValue("highestCommittedUSN"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func adPassword(p string) string {
	u := utf16.Encode([]rune(`"` + p + `"`))
	b := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(b[2*i:], r)
	}
	return string(b)
}

func TestModifyTracksChanges(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	dn := "CN=Tom Becker,OU=Sales,OU=Staff," + srv.BaseDN()
	before := one(t, c, dn, "uSNChanged", "whenChanged", "uSNCreated")
	hi := highestUSN(t, c)

	m := ldap.NewModifyRequest(dn, nil)
	m.Replace("title", []string{"Senior Account Executive"})
	m.Add("telephoneNumber", []string{"+49 30 1234"})
	if err := c.Modify(m); err != nil {
		t.Fatalf("modify: %v", err)
	}
	after := one(t, c, dn, "uSNChanged", "title", "telephoneNumber", "uSNCreated")
	if after.GetAttributeValue("title") != "Senior Account Executive" || after.GetAttributeValue("telephoneNumber") != "+49 30 1234" {
		t.Fatalf("values not written: %v", after.Attributes)
	}
	if usnOf(t, after) <= usnOf(t, before) || usnOf(t, after) <= hi {
		t.Fatalf("uSNChanged %d did not move past %d", usnOf(t, after), hi)
	}
	if after.GetAttributeValue("uSNCreated") != before.GetAttributeValue("uSNCreated") {
		t.Errorf("uSNCreated changed")
	}
	if got := srv.HighestUSN(); got != usnOf(t, after) {
		t.Errorf("Server.HighestUSN %d, want %d", got, usnOf(t, after))
	}
	if got := highestUSN(t, c); got != usnOf(t, after) {
		t.Errorf("highestCommittedUSN %d, want the last write's %d", got, usnOf(t, after))
	}
	// The delta query a sync uses finds exactly the changed user.
	es := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, "(&(objectClass=user)(uSNChanged>="+strconv.FormatUint(hi+1, 10)+"))", "sAMAccountName")
	if len(es) != 1 || es[0].GetAttributeValue("sAMAccountName") != "tom.becker" {
		t.Fatalf("delta query returned %d entries", len(es))
	}

	// Disable the way an admin tool does: read, OR 2, replace.
	d := ldap.NewModifyRequest(dn, nil)
	d.Replace("userAccountControl", []string{"514"})
	if err := c.Modify(d); err != nil {
		t.Fatal(err)
	}
	if es := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, "(&(sAMAccountName=tom.becker)(userAccountControl:1.2.840.113556.1.4.803:=2))"); len(es) != 1 {
		t.Errorf("disabled user not found by the bitwise rule")
	}

	// Delete a single value and a whole attribute.
	del := ldap.NewModifyRequest(dn, nil)
	del.Delete("telephoneNumber", []string{"+49 30 1234"})
	del.Delete("title", nil)
	if err := c.Modify(del); err != nil {
		t.Fatal(err)
	}
	e := one(t, c, dn, "telephoneNumber", "title")
	if len(e.Attributes) != 0 {
		t.Errorf("attributes left after delete: %v", e.Attributes)
	}
}

func TestModifyFailuresAreADLike(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	dn := "CN=Henrik Berg,OU=Finance,OU=Staff," + srv.BaseDN()
	usn := usnOf(t, one(t, c, dn, "uSNChanged"))
	cases := []struct {
		name  string
		dn    string
		build func(m *ldap.ModifyRequest)
		code  uint16
	}{
		{"unknown attribute", dn, func(m *ldap.ModifyRequest) { m.Replace("favouriteColour", []string{"blue"}) }, ldap.LDAPResultUndefinedAttributeType},
		{"no such object", "CN=Nobody,OU=Finance,OU=Staff," + srv.BaseDN(), func(m *ldap.ModifyRequest) { m.Replace("title", []string{"x"}) }, ldap.LDAPResultNoSuchObject},
		{"value already there", dn, func(m *ldap.ModifyRequest) { m.Add("description", []string{"a"}); m.Add("description", []string{"A"}) }, ldap.LDAPResultAttributeOrValueExists},
		{"delete a missing value", dn, func(m *ldap.ModifyRequest) { m.Delete("department", []string{"Sales"}) }, ldap.LDAPResultNoSuchAttribute},
		{"second value on single-valued", dn, func(m *ldap.ModifyRequest) { m.Add("department", []string{"Sales"}) }, ldap.LDAPResultConstraintViolation},
		{"system-only attribute", dn, func(m *ldap.ModifyRequest) { m.Replace("uSNChanged", []string{"1"}) }, ldap.LDAPResultUnwillingToPerform},
		{"memberOf is a back link", dn, func(m *ldap.ModifyRequest) { m.Add("memberOf", []string{"CN=Sales,OU=Groups," + srv.BaseDN()}) }, ldap.LDAPResultUnwillingToPerform},
		{"rename through modify", dn, func(m *ldap.ModifyRequest) { m.Replace("cn", []string{"Henry"}) }, ldap.LDAPResultNotAllowedOnRDN},
		{"not a number", dn, func(m *ldap.ModifyRequest) { m.Replace("userAccountControl", []string{"enabled"}) }, ldap.LDAPResultInvalidAttributeSyntax},
		{"manager that does not exist", dn, func(m *ldap.ModifyRequest) { m.Replace("manager", []string{"CN=Ghost," + srv.BaseDN()}) }, ldap.LDAPResultNoSuchObject},
		{"duplicate sAMAccountName", dn, func(m *ldap.ModifyRequest) { m.Replace("sAMAccountName", []string{"FIONA.WALSH"}) }, ldap.LDAPResultEntryAlreadyExists},
		{"objectClass", dn, func(m *ldap.ModifyRequest) { m.Replace("objectClass", []string{"top"}) }, ldap.LDAPResultObjectClassModsProhibited},
		{"bad password encoding", dn, func(m *ldap.ModifyRequest) { m.Replace("unicodePwd", []string{"plain"}) }, ldap.LDAPResultUnwillingToPerform},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := ldap.NewModifyRequest(tc.dn, nil)
			m.Replace("title", []string{"changed before the failing change"})
			tc.build(m)
			wantCode(t, c.Modify(m), tc.code)
		})
	}
	// All of those were atomic: nothing changed.
	e := one(t, c, dn, "uSNChanged", "title")
	if usnOf(t, e) != usn || e.GetAttributeValue("title") != "Accountant" {
		t.Fatalf("a failed modify changed the entry: %v", e.Attributes)
	}
}

func TestPasswordReset(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	dn := "CN=Nora Quinn,OU=Engineering,OU=Staff," + srv.BaseDN()
	m := ldap.NewModifyRequest(dn, nil)
	m.Replace("unicodePwd", []string{adPassword("Str0ng!Passw0rd")})
	if err := c.Modify(m); err != nil {
		t.Fatal(err)
	}
	if err := dial(t, srv).Bind("nora.quinn@demo.idbridge.test", "Str0ng!Passw0rd"); err != nil {
		t.Fatalf("bind with the new password: %v", err)
	}
	wantCode(t, dial(t, srv).Bind("nora.quinn@demo.idbridge.test", "old"), ldap.LDAPResultInvalidCredentials)
	if v := one(t, c, dn, "pwdLastSet").GetAttributeValue("pwdLastSet"); v == "0" || v == "" {
		t.Errorf("pwdLastSet = %q after a reset", v)
	}
}

func TestAdd(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	dn := "CN=Zoe New,OU=Engineering,OU=Staff," + srv.BaseDN()
	hi := highestUSN(t, c)
	a := ldap.NewAddRequest(dn, nil)
	a.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
	a.Attribute("sAMAccountName", []string{"zoe.new"})
	a.Attribute("userPrincipalName", []string{"zoe.new@demo.idbridge.test"})
	a.Attribute("department", []string{"Engineering"})
	a.Attribute("manager", []string{"cn=linus lead,ou=engineering,ou=staff," + srv.BaseDN()})
	if err := c.Add(a); err != nil {
		t.Fatalf("add: %v", err)
	}
	e := one(t, c, dn, "*")
	if u := usnOf(t, e); u <= hi || e.GetAttributeValue("uSNCreated") != strconv.FormatUint(u, 10) {
		t.Errorf("new object USNs: created %s changed %d, highest before %d", e.GetAttributeValue("uSNCreated"), u, hi)
	}
	if e.GetAttributeValue("userAccountControl") != "546" {
		t.Errorf("AD gives a new user without userAccountControl 546, got %q", e.GetAttributeValue("userAccountControl"))
	}
	if e.GetAttributeValue("manager") != "CN=Linus Lead,OU=Engineering,OU=Staff,"+srv.BaseDN() {
		t.Errorf("manager stored as %q, want the target's own spelling", e.GetAttributeValue("manager"))
	}
	if e.GetAttributeValue("cn") != "Zoe New" || e.GetAttributeValue("name") != "Zoe New" || len(e.GetRawAttributeValue("objectGUID")) != 16 {
		t.Errorf("generated attributes missing: %v", e.Attributes)
	}

	failures := []struct {
		name  string
		dn    string
		attrs map[string][]string
		code  uint16
	}{
		{"duplicate DN", dn, map[string][]string{"objectClass": {"user"}}, ldap.LDAPResultEntryAlreadyExists},
		{"missing parent", "CN=X,OU=Nowhere," + srv.BaseDN(), map[string][]string{"objectClass": {"user"}}, ldap.LDAPResultNoSuchObject},
		{"duplicate sAMAccountName", "CN=Other Zoe,OU=Sales,OU=Staff," + srv.BaseDN(), map[string][]string{"objectClass": {"user"}, "sAMAccountName": {"ZOE.NEW"}}, ldap.LDAPResultEntryAlreadyExists},
		{"unknown attribute", "CN=Y,OU=Sales,OU=Staff," + srv.BaseDN(), map[string][]string{"objectClass": {"user"}, "shoeSize": {"44"}}, ldap.LDAPResultUndefinedAttributeType},
		{"no objectClass", "CN=Y,OU=Sales,OU=Staff," + srv.BaseDN(), map[string][]string{"sn": {"Y"}}, ldap.LDAPResultObjectClassViolation},
		{"cn differs from the RDN", "CN=Y,OU=Sales,OU=Staff," + srv.BaseDN(), map[string][]string{"objectClass": {"user"}, "cn": {"Z"}}, ldap.LDAPResultNamingViolation},
		{"member that does not exist", "CN=G,OU=Groups," + srv.BaseDN(), map[string][]string{"objectClass": {"group"}, "member": {"CN=Ghost," + srv.BaseDN()}}, ldap.LDAPResultNoSuchObject},
		{"system-only attribute", "CN=Y,OU=Sales,OU=Staff," + srv.BaseDN(), map[string][]string{"objectClass": {"user"}, "objectGUID": {"0123456789abcdef"}}, ldap.LDAPResultUnwillingToPerform},
	}
	for _, tc := range failures {
		t.Run(tc.name, func(t *testing.T) {
			a := ldap.NewAddRequest(tc.dn, nil)
			for k, v := range tc.attrs {
				a.Attribute(k, v)
			}
			wantCode(t, c.Add(a), tc.code)
		})
	}
}

func TestDelete(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	wantCode(t, c.Del(ldap.NewDelRequest("OU=Sales,OU=Staff,"+srv.BaseDN(), nil)), ldap.LDAPResultNotAllowedOnNonLeaf)
	wantCode(t, c.Del(ldap.NewDelRequest("CN=Nobody,"+srv.BaseDN(), nil)), ldap.LDAPResultNoSuchObject)
	wantCode(t, c.Del(ldap.NewDelRequest(srv.BindDN(), nil)), ldap.LDAPResultUnwillingToPerform)

	group := "CN=Sales,OU=Groups," + srv.BaseDN()
	groupUSN := usnOf(t, one(t, c, group, "uSNChanged"))
	ken := "CN=Ken Sales,OU=Sales,OU=Staff," + srv.BaseDN()
	if err := c.Del(ldap.NewDelRequest(ken, nil)); err != nil {
		t.Fatal(err)
	}
	if es := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, "(sAMAccountName=ken.sales)"); len(es) != 0 {
		t.Fatalf("deleted user still found")
	}
	g := one(t, c, group, "member", "uSNChanged")
	for _, m := range g.GetAttributeValues("member") {
		if m == ken {
			t.Fatalf("deleted user still a member")
		}
	}
	if usnOf(t, g) <= groupUSN {
		t.Errorf("group losing a member did not move on in USN")
	}
	// The sAMAccountName is free again.
	a := ldap.NewAddRequest(ken, nil)
	a.Attribute("objectClass", []string{"user"})
	a.Attribute("sAMAccountName", []string{"ken.sales"})
	if err := c.Add(a); err != nil {
		t.Fatalf("re-adding after delete: %v", err)
	}
}

func TestGroupMembershipMaintainsMemberOf(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	group := "CN=Finance,OU=Groups," + srv.BaseDN()
	tom := "CN=Tom Becker,OU=Sales,OU=Staff," + srv.BaseDN()
	tomUSN := usnOf(t, one(t, c, tom, "uSNChanged"))
	groupUSN := usnOf(t, one(t, c, group, "uSNChanged"))

	add := ldap.NewModifyRequest(group, nil)
	add.Add("member", []string{tom})
	if err := c.Modify(add); err != nil {
		t.Fatal(err)
	}
	e := one(t, c, tom, "memberOf", "uSNChanged")
	if !contains(e.GetAttributeValues("memberOf"), group) {
		t.Fatalf("memberOf = %v after adding to Finance", e.GetAttributeValues("memberOf"))
	}
	// memberOf is a back link: the user's own USN stays, the group's moves.
	if usnOf(t, e) != tomUSN {
		t.Errorf("user's uSNChanged moved on a back-link change")
	}
	if usnOf(t, one(t, c, group, "uSNChanged")) <= groupUSN {
		t.Errorf("group's uSNChanged did not move")
	}
	if es := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, "(&(sAMAccountName=tom.becker)(memberOf:1.2.840.113556.1.4.1941:=CN=All Staff,OU=Groups,"+srv.BaseDN()+"))"); len(es) != 1 {
		t.Errorf("in-chain through the new group: %d", len(es))
	}

	rm := ldap.NewModifyRequest(group, nil)
	rm.Delete("member", []string{tom})
	if err := c.Modify(rm); err != nil {
		t.Fatal(err)
	}
	if contains(one(t, c, tom, "memberOf").GetAttributeValues("memberOf"), group) {
		t.Fatalf("memberOf kept Finance after removal")
	}
	wantCode(t, c.Modify(rm), ldap.LDAPResultNoSuchAttribute)
}

func TestModifyDN(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	base := srv.BaseDN()
	ken := "CN=Ken Sales,OU=Sales,OU=Staff," + base
	guid := one(t, c, ken, "objectGUID").GetRawAttributeValue("objectGUID")
	usn := usnOf(t, one(t, c, ken, "uSNChanged"))

	// Move to Leavers (offboarding).
	moved := "CN=Ken Sales,OU=Leavers," + base
	if err := c.ModifyDN(ldap.NewModifyDNRequest(ken, "CN=Ken Sales", true, "OU=Leavers,"+base)); err != nil {
		t.Fatalf("move: %v", err)
	}
	e := one(t, c, moved, "objectGUID", "uSNChanged", "distinguishedName", "manager")
	if string(e.GetRawAttributeValue("objectGUID")) != string(guid) {
		t.Errorf("objectGUID changed on move")
	}
	if usnOf(t, e) <= usn || e.GetAttributeValue("distinguishedName") != moved {
		t.Errorf("move not tracked: %v", e.Attributes)
	}
	if !contains(one(t, c, "CN=Sales,OU=Groups,"+base, "member").GetAttributeValues("member"), moved) {
		t.Errorf("group member not updated to the new DN")
	}
	_, err := c.Search(ldap.NewSearchRequest(ken, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil))
	wantCode(t, err, ldap.LDAPResultNoSuchObject)

	// Rename in place.
	renamed := "CN=Kenneth Sales,OU=Leavers," + base
	if err := c.ModifyDN(ldap.NewModifyDNRequest(moved, "CN=Kenneth Sales", true, "")); err != nil {
		t.Fatalf("rename: %v", err)
	}
	r := one(t, c, renamed, "cn", "name", "memberOf")
	if r.GetAttributeValue("cn") != "Kenneth Sales" || r.GetAttributeValue("name") != "Kenneth Sales" {
		t.Errorf("cn/name not updated: %v", r.Attributes)
	}

	// Renaming an OU carries its children and the links to them.
	if err := c.ModifyDN(ldap.NewModifyDNRequest("OU=Finance,OU=Staff,"+base, "OU=Accounting", true, "")); err != nil {
		t.Fatalf("rename OU: %v", err)
	}
	h := one(t, c, "CN=Henrik Berg,OU=Accounting,OU=Staff,"+base, "manager")
	if h.GetAttributeValue("manager") != "CN=Fiona Walsh,OU=Accounting,OU=Staff,"+base {
		t.Errorf("manager link not moved with the OU: %q", h.GetAttributeValue("manager"))
	}

	for _, tc := range []struct {
		name string
		req  *ldap.ModifyDNRequest
		code uint16
	}{
		{"no such object", ldap.NewModifyDNRequest("CN=Nobody,"+base, "CN=X", true, ""), ldap.LDAPResultNoSuchObject},
		{"missing new parent", ldap.NewModifyDNRequest(renamed, "CN=X", true, "OU=Nowhere,"+base), ldap.LDAPResultNoSuchObject},
		{"target exists", ldap.NewModifyDNRequest(renamed, "CN=Tom Becker", true, "OU=Sales,OU=Staff,"+base), ldap.LDAPResultEntryAlreadyExists},
		{"below itself", ldap.NewModifyDNRequest("OU=Staff,"+base, "OU=Staff", true, "OU=Sales,OU=Staff,"+base), ldap.LDAPResultUnwillingToPerform},
	} {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, c.ModifyDN(tc.req), tc.code) })
	}

	t.Run("needs a writer", func(t *testing.T) {
		anon := dial(t, srv)
		wantCode(t, anon.ModifyDN(ldap.NewModifyDNRequest(renamed, "CN=X", true, "")), ldap.LDAPResultOperationsError)
	})
}

func TestWritesNeedABind(t *testing.T) {
	srv, _ := startDemo(t, DemoSeed())
	anon := dial(t, srv)
	m := ldap.NewModifyRequest("CN=Ken Sales,OU=Sales,OU=Staff,"+srv.BaseDN(), nil)
	m.Replace("title", []string{"x"})
	wantCode(t, anon.Modify(m), ldap.LDAPResultOperationsError)
	wantCode(t, anon.Del(ldap.NewDelRequest("CN=Ken Sales,OU=Sales,OU=Staff,"+srv.BaseDN(), nil)), ldap.LDAPResultOperationsError)
	a := ldap.NewAddRequest("CN=X,"+srv.BaseDN(), nil)
	a.Attribute("objectClass", []string{"user"})
	wantCode(t, anon.Add(a), ldap.LDAPResultOperationsError)
}

// TestConcurrentClients writes and pages from several connections at once;
// run with -race to check the locking.
func TestConcurrentClients(t *testing.T) {
	srv, _ := startDemo(t, bulkSeed(500))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := 0; w < 4; w++ {
		c := dialAdmin(t, srv)
		wg.Add(2)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				m := ldap.NewModifyRequest("CN=User "+pad(w*50+i)+",OU=Bulk,"+srv.BaseDN(), nil)
				m.Replace("title", []string{"t" + strconv.Itoa(i)})
				if err := c.Modify(m); err != nil {
					errs <- err
					return
				}
			}
		}(w)
		r := dialAdmin(t, srv)
		go func() {
			defer wg.Done()
			res, err := r.SearchWithPaging(bulkRequest(srv, "(objectClass=user)"), 50)
			if err != nil {
				errs <- err
				return
			}
			if len(res.Entries) != 500 {
				errs <- &ldap.Error{Err: strconv.ErrRange, ResultCode: 80}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	_, c := srv, dialAdmin(t, srv)
	es := search(t, c, "OU=Bulk,"+srv.BaseDN(), ldap.ScopeWholeSubtree, "(title=t49)")
	if len(es) != 4 {
		t.Errorf("%d users have the last title, want 4", len(es))
	}
}

func pad(i int) string {
	s := strconv.Itoa(i)
	for len(s) < 5 {
		s = "0" + s
	}
	return s
}

func contains(vals []string, v string) bool {
	for _, x := range vals {
		if x == v {
			return true
		}
	}
	return false
}
