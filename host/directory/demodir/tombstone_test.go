package demodir

import (
	"strconv"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// TestDeletedObjectsBecomeTombstones checks the query a USN-based change
// watcher runs to see deletions: the show-deleted control (critical, as AD
// clients send it) with (&(isDeleted=TRUE)(uSNChanged>=N)).
func TestDeletedObjectsBecomeTombstones(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	dn := "CN=Tom Becker,OU=Sales,OU=Staff," + srv.BaseDN()
	guid := one(t, c, dn, "objectGUID").GetRawAttributeValue("objectGUID")
	from := highestUSN(t, c) + 1
	if err := c.Del(ldap.NewDelRequest(dn, nil)); err != nil {
		t.Fatal(err)
	}
	filter := "(&(isDeleted=TRUE)(uSNChanged>=" + strconv.FormatUint(from, 10) + "))"

	// Without the control the tombstone is invisible.
	if es := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, filter); len(es) != 0 {
		t.Fatalf("tombstone visible without show-deleted: %d", len(es))
	}
	req := ldap.NewSearchRequest(srv.BaseDN(), ldap.ScopeWholeSubtree, 0, 0, 0, false, filter,
		[]string{"objectGUID", "isDeleted", "lastKnownParent", "sAMAccountName", "department"},
		[]ldap.Control{ldap.NewControlString("1.2.840.113556.1.4.417", true, "")})
	res, err := c.SearchWithPaging(req, 100)
	if err != nil {
		t.Fatalf("show-deleted search: %v", err)
	}
	if len(res.Entries) != 1 {
		t.Fatalf("%d tombstones, want 1", len(res.Entries))
	}
	e := res.Entries[0]
	if string(e.GetRawAttributeValue("objectGUID")) != string(guid) {
		t.Errorf("tombstone lost the objectGUID")
	}
	if !strings.Contains(e.DN, "\\0ADEL:") || !strings.HasSuffix(e.DN, ",CN=Deleted Objects,"+srv.BaseDN()) {
		t.Errorf("tombstone DN %q is not AD's form", e.DN)
	}
	if e.GetAttributeValue("lastKnownParent") != "OU=Sales,OU=Staff,"+srv.BaseDN() || e.GetAttributeValue("sAMAccountName") != "tom.becker" {
		t.Errorf("tombstone attributes: %v", e.Attributes)
	}
	if e.GetAttributeValue("department") != "" {
		t.Errorf("tombstone kept ordinary attributes")
	}
	// A tombstone cannot be written to.
	m := ldap.NewModifyRequest(e.DN, nil)
	m.Replace("title", []string{"x"})
	wantCode(t, c.Modify(m), ldap.LDAPResultNoSuchObject)
}

func TestSubschemaIsPublished(t *testing.T) {
	srv, c := startDemo(t, nil)
	sub := rootDSE(t, c).GetAttributeValue("subschemaSubentry")
	if sub == "" {
		t.Fatal("rootDSE names no subschemaSubentry")
	}
	es := search(t, c, sub, ldap.ScopeBaseObject, "(objectClass=subschema)", "attributeTypes", "objectClasses")
	if len(es) != 1 {
		t.Fatalf("subschema entry: %d", len(es))
	}
	types := strings.Join(es[0].GetAttributeValues("attributeTypes"), "\n")
	for _, want := range []string{"NAME 'sAMAccountName'", "NAME 'employeeID'", "( 1.2.840.113556.1.4.8 NAME 'userAccountControl'"} {
		if !strings.Contains(types, want) {
			t.Errorf("attributeTypes lack %q", want)
		}
	}
	if !strings.Contains(strings.Join(es[0].GetAttributeValues("objectClasses"), "\n"), "NAME 'user'") {
		t.Errorf("objectClasses lack user")
	}
	_ = srv
}

func TestTreeDelete(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	treeDelete := []ldap.Control{ldap.NewControlString("1.2.840.113556.1.4.805", true, "")}
	ou := "OU=Finance,OU=Staff," + srv.BaseDN()
	if err := c.Del(ldap.NewDelRequest(ou, treeDelete)); err != nil {
		t.Fatalf("tree delete: %v", err)
	}
	if es := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, "(|(department=Finance)(ou=Finance))"); len(es) != 0 {
		t.Fatalf("%d objects survived the tree delete", len(es))
	}
	req := ldap.NewSearchRequest(srv.BaseDN(), ldap.ScopeWholeSubtree, 0, 0, 0, false,
		"(&(isDeleted=TRUE)(|(objectClass=user)(objectClass=organizationalUnit)))", []string{"objectGUID"},
		[]ldap.Control{ldap.NewControlString("1.2.840.113556.1.4.417", true, "")})
	res, err := c.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != 4 {
		t.Errorf("%d tombstones, want the OU and its 3 users", len(res.Entries))
	}
	// A critical system object below stops the whole delete.
	wantCode(t, c.Del(ldap.NewDelRequest("CN=Users,"+srv.BaseDN(), treeDelete)), ldap.LDAPResultUnwillingToPerform)
	if es := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, "(sAMAccountName=administrator)"); len(es) != 1 {
		t.Errorf("the administrator was deleted")
	}
}
