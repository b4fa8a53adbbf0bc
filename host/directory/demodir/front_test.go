package demodir

import (
	"context"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// The gldap core cannot route Abandon, ModifyDN or Compare; without the
// front layer each of them would close the client's connection.

func TestAbandonKeepsTheConnection(t *testing.T) {
	srv, c := startDemo(t, bulkSeed(1500))
	ctx, cancel := context.WithCancel(context.Background())
	req := ldap.NewSearchRequest("OU=Bulk,"+srv.BaseDN(), ldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=user)", nil,
		[]ldap.Control{ldap.NewControlPaging(500)})
	r := c.SearchAsync(ctx, req, 1)
	if !r.Next() {
		t.Fatalf("no first entry: %v", r.Err())
	}
	cancel() // go-ldap sends an AbandonRequest
	for r.Next() {
	}
	// The connection still works afterwards.
	if es := search(t, c, srv.BaseDN(), ldap.ScopeBaseObject, "(objectClass=*)"); len(es) != 1 {
		t.Fatalf("connection unusable after abandon")
	}
}

func TestCompareIsRefusedNotFatal(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	_, err := c.Compare("CN=Ken Sales,OU=Sales,OU=Staff,"+srv.BaseDN(), "department", "Sales")
	wantCode(t, err, ldap.LDAPResultUnwillingToPerform)
	if es := search(t, c, srv.BaseDN(), ldap.ScopeBaseObject, "(objectClass=*)"); len(es) != 1 {
		t.Fatalf("connection unusable after compare")
	}
}

func TestExtendedOperationIsRefused(t *testing.T) {
	_, c := startDemo(t, nil)
	if _, err := c.WhoAmI(nil); err == nil {
		t.Fatal("WhoAmI succeeded; AD-like servers here do not support it")
	}
}

func TestPeekEnvelope(t *testing.T) {
	// SEQUENCE { INTEGER 300, [APPLICATION 16] 5 }
	msg := []byte{0x02, 0x02, 0x01, 0x2c, 0x50, 0x01, 0x05}
	id, tag, err := peekEnvelope(msg)
	if err != nil || id != 300 || tag != tagAbandonRequest {
		t.Fatalf("got id %d tag %d err %v", id, tag, err)
	}
	if _, _, err := peekEnvelope([]byte{0x04, 0x00}); err == nil {
		t.Fatal("a non-message was accepted")
	}
}
