package demodir

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// startDemo starts a seeded directory and returns an admin connection.
func startDemo(t testing.TB, seed *Seed) (*Server, *ldap.Conn) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := Start(ctx, Options{Seed: seed})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv, dialAdmin(t, srv)
}

func dialAdmin(t testing.TB, srv *Server) *ldap.Conn {
	t.Helper()
	c := dial(t, srv)
	if err := c.Bind(srv.BindDN(), srv.Password()); err != nil {
		t.Fatalf("admin bind: %v", err)
	}
	return c
}

func dial(t testing.TB, srv *Server) *ldap.Conn {
	t.Helper()
	c, err := ldap.DialURL(srv.URL())
	if err != nil {
		t.Fatalf("dial %s: %v", srv.URL(), err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func resultCode(err error) uint16 {
	var le *ldap.Error
	if errors.As(err, &le) {
		return le.ResultCode
	}
	return 0xffff
}

func wantCode(t *testing.T, err error, code uint16) {
	t.Helper()
	if err == nil {
		t.Fatalf("want LDAP result %d, got success", code)
	}
	if got := resultCode(err); got != code {
		t.Fatalf("want LDAP result %d, got %v", code, err)
	}
}

func search(t *testing.T, c *ldap.Conn, base string, scope int, filter string, attrs ...string) []*ldap.Entry {
	t.Helper()
	res, err := c.Search(ldap.NewSearchRequest(base, scope, ldap.NeverDerefAliases, 0, 0, false, filter, attrs, nil))
	if err != nil {
		t.Fatalf("search %s %s: %v", base, filter, err)
	}
	return res.Entries
}

func one(t *testing.T, c *ldap.Conn, dn string, attrs ...string) *ldap.Entry {
	t.Helper()
	es := search(t, c, dn, ldap.ScopeBaseObject, "(objectClass=*)", attrs...)
	if len(es) != 1 {
		t.Fatalf("base search of %s returned %d entries", dn, len(es))
	}
	return es[0]
}

func usnOf(t *testing.T, e *ldap.Entry) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(e.GetAttributeValue("uSNChanged"), 10, 64)
	if err != nil {
		t.Fatalf("uSNChanged of %s: %v", e.DN, err)
	}
	return n
}

func rootDSE(t *testing.T, c *ldap.Conn) *ldap.Entry {
	t.Helper()
	es := search(t, c, "", ldap.ScopeBaseObject, "(objectClass=*)", "*")
	if len(es) != 1 {
		t.Fatalf("rootDSE: %d entries", len(es))
	}
	return es[0]
}

func TestRootDSELooksLikeAD(t *testing.T) {
	srv, _ := startDemo(t, DemoSeed())
	anon := dial(t, srv) // the rootDSE is readable without a bind
	r := rootDSE(t, anon)
	if got := r.GetAttributeValue("defaultNamingContext"); got != DefaultBaseDN {
		t.Errorf("defaultNamingContext = %q", got)
	}
	if _, err := strconv.ParseUint(r.GetAttributeValue("highestCommittedUSN"), 10, 64); err != nil {
		t.Errorf("highestCommittedUSN: %v", err)
	}
	hasValue := func(attr, v string) bool {
		for _, x := range r.GetAttributeValues(attr) {
			if x == v {
				return true
			}
		}
		return false
	}
	if !hasValue("supportedControl", ldap.ControlTypePaging) {
		t.Errorf("supportedControl lacks paging: %v", r.GetAttributeValues("supportedControl"))
	}
	if !hasValue("supportedCapabilities", "1.2.840.113556.1.4.800") {
		t.Errorf("supportedCapabilities lacks the AD capability")
	}
	if hasValue("supportedControl", ldap.ControlTypeDirSync) {
		t.Errorf("DirSync is advertised but not implemented")
	}

	// invocationId is read from the NTDS Settings object named by
	// dsServiceName, as on Samba and Windows.
	admin := dialAdmin(t, srv)
	ds := r.GetAttributeValue("dsServiceName")
	e := one(t, admin, ds, "invocationId")
	if raw := e.GetRawAttributeValue("invocationId"); len(raw) != 16 {
		t.Fatalf("invocationId is %d bytes, want 16", len(raw))
	}

	// A second server is a different DC: a different invocationId.
	srv2, admin2 := startDemo(t, nil)
	e2 := one(t, admin2, rootDSE(t, admin2).GetAttributeValue("dsServiceName"), "invocationId")
	if string(e2.GetRawAttributeValue("invocationId")) == string(e.GetRawAttributeValue("invocationId")) {
		t.Errorf("two servers share an invocationId")
	}
	_ = srv2
}

func TestBind(t *testing.T) {
	srv, _ := startDemo(t, DemoSeed())
	cases := []struct {
		name, user, pass string
		code             uint16
	}{
		{"admin DN", srv.BindDN(), srv.Password(), 0},
		{"admin UPN", "administrator@demo.idbridge.test", srv.Password(), 0},
		{"service UPN", "svc-idbridge@demo.idbridge.test", srv.Password(), 0},
		{"ServiceAccount", srv.ServiceAccount(), srv.Password(), 0},
		{"service down-level", `DEMO\svc-idbridge`, srv.Password(), 0},
		{"wrong password", srv.BindDN(), "nope", ldap.LDAPResultInvalidCredentials},
		{"unknown user", "nobody@demo.idbridge.test", "x", ldap.LDAPResultInvalidCredentials},
		{"user without password", "ada.owner@demo.idbridge.test", "x", ldap.LDAPResultInvalidCredentials},
		{"wrong domain", `OTHER\svc-idbridge`, srv.Password(), ldap.LDAPResultInvalidCredentials},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := dial(t, srv).Bind(tc.user, tc.pass)
			if tc.code == 0 {
				if err != nil {
					t.Fatalf("bind: %v", err)
				}
				return
			}
			wantCode(t, err, tc.code)
		})
	}

	if srv.ServiceAccount() != "svc-idbridge@demo.idbridge.test" {
		t.Errorf("ServiceAccount = %q", srv.ServiceAccount())
	}

	t.Run("a name without a password is refused", func(t *testing.T) {
		wantCode(t, dial(t, srv).UnauthenticatedBind(srv.BindDN()), ldap.LDAPResultUnwillingToPerform)
	})

	t.Run("anonymous reads only the rootDSE", func(t *testing.T) {
		c := dial(t, srv)
		_, err := c.Search(ldap.NewSearchRequest(srv.BaseDN(), ldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=user)", nil, nil))
		wantCode(t, err, ldap.LDAPResultOperationsError)
	})

	t.Run("a failed bind drops the earlier one", func(t *testing.T) {
		c := dialAdmin(t, srv)
		wantCode(t, c.Bind(srv.BindDN(), "wrong"), ldap.LDAPResultInvalidCredentials)
		_, err := c.Search(ldap.NewSearchRequest(srv.BaseDN(), ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil))
		wantCode(t, err, ldap.LDAPResultOperationsError)
	})
}

func TestDisabledAccountCannotBind(t *testing.T) {
	seed := &Seed{OUs: []string{"OU=T"}, Users: []SeedUser{
		{OU: "OU=T", SAMAccountName: "gone", GivenName: "Gone", Surname: "User", Password: "pw-1", Disabled: true},
		{OU: "OU=T", SAMAccountName: "here", GivenName: "Here", Surname: "User", Password: "pw-2"},
	}}
	srv, _ := startDemo(t, seed)
	wantCode(t, dial(t, srv).Bind("gone@demo.idbridge.test", "pw-1"), ldap.LDAPResultInvalidCredentials)
	c := dial(t, srv)
	if err := c.Bind("here@demo.idbridge.test", "pw-2"); err != nil {
		t.Fatalf("enabled user: %v", err)
	}
	// An ordinary user reads but cannot write.
	if n := len(search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, "(sAMAccountName=gone)")); n != 1 {
		t.Fatalf("user search: %d entries", n)
	}
	m := ldap.NewModifyRequest("CN=Gone User,OU=T,"+srv.BaseDN(), nil)
	m.Replace("title", []string{"x"})
	wantCode(t, c.Modify(m), ldap.LDAPResultInsufficientAccessRights)
}

func TestUserObjectsCarryADAttributes(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	es := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, "(sAMAccountName=barbara.dev)")
	if len(es) != 1 {
		t.Fatalf("got %d entries", len(es))
	}
	e := es[0]
	want := map[string]string{
		"distinguishedName":  "CN=Barbara Dev,OU=Engineering,OU=Staff," + DefaultBaseDN,
		"userPrincipalName":  "barbara.dev@demo.idbridge.test",
		"mail":               "barbara.dev@example.com",
		"givenName":          "Barbara",
		"sn":                 "Dev",
		"cn":                 "Barbara Dev",
		"displayName":        "Barbara Dev",
		"department":         "Engineering",
		"title":              "Software Engineer",
		"employeeID":         "E1003",
		"manager":            "CN=Linus Lead,OU=Engineering,OU=Staff," + DefaultBaseDN,
		"userAccountControl": "512",
		"memberOf":           "CN=Engineering,OU=Groups," + DefaultBaseDN,
	}
	for attr, v := range want {
		if got := e.GetAttributeValue(attr); got != v {
			t.Errorf("%s = %q, want %q", attr, got, v)
		}
	}
	if e.DN != want["distinguishedName"] {
		t.Errorf("DN = %q", e.DN)
	}
	guid := e.GetRawAttributeValue("objectGUID")
	if len(guid) != 16 {
		t.Fatalf("objectGUID is %d bytes", len(guid))
	}
	// AD byte order: the stable seed GUID's first field is little-endian.
	u := stableGUID(e.DN)
	if binary.LittleEndian.Uint32(guid[:4]) != binary.LittleEndian.Uint32(u[:4]) {
		t.Errorf("objectGUID differs from the stable seed GUID")
	}
	for _, attr := range []string{"whenCreated", "whenChanged"} {
		if _, ok := parseGeneralizedTime(e.GetAttributeValue(attr)); !ok {
			t.Errorf("%s = %q is not generalized time", attr, e.GetAttributeValue(attr))
		}
	}
	if e.GetAttributeValue("uSNCreated") == "" || usnOf(t, e) == 0 {
		t.Errorf("USNs missing")
	}
	if len(e.GetRawAttributeValue("objectSid")) != 28 {
		t.Errorf("objectSid is %d bytes, want 28", len(e.GetRawAttributeValue("objectSid")))
	}
	if e.GetAttributeValue("unicodePwd") != "" {
		t.Errorf("unicodePwd must never be returned")
	}
	disabled := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, "(sAMAccountName=dennis.left)", "userAccountControl")
	if disabled[0].GetAttributeValue("userAccountControl") != "514" {
		t.Errorf("leaver uac = %q", disabled[0].GetAttributeValue("userAccountControl"))
	}
}

func TestAttributeSelection(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	dn := "CN=Ken Sales,OU=Sales,OU=Staff," + srv.BaseDN()
	only := one(t, c, dn, "mail", "DEPARTMENT")
	if len(only.Attributes) != 2 || only.GetAttributeValue("department") != "Sales" {
		t.Errorf("selected attributes: %v", only.Attributes)
	}
	none := one(t, c, dn, "1.1")
	if len(none.Attributes) != 0 {
		t.Errorf("1.1 returned %d attributes", len(none.Attributes))
	}
	star := one(t, c, dn, "*")
	if star.GetAttributeValue("modifyTimestamp") != "" {
		t.Errorf("* returned an operational attribute")
	}
	plus := one(t, c, dn, "+")
	if plus.GetAttributeValue("modifyTimestamp") == "" || plus.GetAttributeValue("canonicalName") != "demo.idbridge.test/Staff/Sales/Ken Sales" {
		t.Errorf("+ returned %v", plus.Attributes)
	}
	if plus.GetAttributeValue("mail") != "" {
		t.Errorf("+ alone returned user attributes")
	}
}

func TestScopes(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	staff := "OU=Staff," + srv.BaseDN()
	if n := len(search(t, c, staff, ldap.ScopeBaseObject, "(objectClass=*)")); n != 1 {
		t.Errorf("base: %d", n)
	}
	if n := len(search(t, c, staff, ldap.ScopeSingleLevel, "(objectClass=*)")); n != 4 {
		t.Errorf("one level below Staff: %d entries, want the 4 department OUs", n)
	}
	if n := len(search(t, c, staff, ldap.ScopeWholeSubtree, "(objectClass=user)")); n != 16 {
		t.Errorf("subtree users under Staff: %d, want 16", n)
	}
	// The configuration partition is not part of a domain subtree search.
	if n := len(search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, "(objectClass=nTDSDSA)")); n != 0 {
		t.Errorf("domain search found %d NTDS Settings objects", n)
	}
	_, err := c.Search(ldap.NewSearchRequest("OU=Nowhere,"+srv.BaseDN(), ldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=*)", nil, nil))
	wantCode(t, err, ldap.LDAPResultNoSuchObject)
}

func TestCloseIsIdempotentAndStopsServing(t *testing.T) {
	srv, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if c, err := ldap.DialURL(srv.URL()); err == nil {
		_ = c.Close()
		t.Fatalf("still accepting after Close")
	}
}

func TestContextEndStopsServer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	for i := 0; i < 200; i++ {
		c, err := ldap.DialURL(srv.URL())
		if err != nil {
			return
		}
		_ = c.Close()
		sleepMS(10)
	}
	t.Fatalf("server still accepting 2s after its context ended")
}

func TestInvalidOptions(t *testing.T) {
	for _, o := range []Options{{BaseDN: "not a dn"}, {BindDN: "=broken"}, {MaxPageSize: -1}} {
		if _, err := Start(context.Background(), o); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("Start(%+v) = %v, want ErrInvalidOptions", o, err)
		}
	}
	bad := &Seed{Users: []SeedUser{{OU: "OU=Missing", SAMAccountName: "x", GivenName: "X"}}}
	_, err := Start(context.Background(), Options{Seed: bad})
	if !errors.Is(err, ErrInvalidSeed) {
		t.Errorf("seed with a missing OU: %v", err)
	}
	_, err = Start(context.Background(), Options{Listen: "256.0.0.1:1"})
	if err == nil {
		t.Errorf("bad listen address accepted")
	}
}

func ExampleStart() {
	srv, err := Start(context.Background(), Options{Seed: DemoSeed()})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	conn, err := ldap.DialURL(srv.URL())
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	if err := conn.Bind(srv.BindDN(), srv.Password()); err != nil {
		panic(err)
	}
	res, err := conn.Search(ldap.NewSearchRequest(srv.BaseDN(), ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(&(objectClass=user)(department=Finance)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))", []string{"sAMAccountName"}, nil))
	if err != nil {
		panic(err)
	}
	for _, e := range res.Entries {
		fmt.Println(e.GetAttributeValue("sAMAccountName"))
	}
	// Output:
	// fiona.walsh
	// henrik.berg
}
