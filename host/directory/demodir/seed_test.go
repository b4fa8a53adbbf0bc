package demodir

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

func TestSeedRoundTripsThroughJSON(t *testing.T) {
	b, err := json.Marshal(DemoSeed())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"sAMAccountName":"ada.owner"`) {
		t.Fatalf("JSON does not use AD attribute names: %s", b[:200])
	}
	var s Seed
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	srv, c := startDemo(t, &s)
	users := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, "(&(objectCategory=person)(objectClass=user)(!(sAMAccountName=administrator)))", "sAMAccountName")
	if len(users) != len(DemoSeed().Users) {
		t.Fatalf("%d users from the JSON seed, want %d", len(users), len(DemoSeed().Users))
	}
}

func TestDemoSeedShape(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	count := func(base, filter string) int {
		return len(search(t, c, base+srv.BaseDN(), ldap.ScopeWholeSubtree, filter))
	}
	if n := count("OU=Staff,", "(objectClass=organizationalUnit)"); n != 5 {
		t.Errorf("Staff has %d OUs (itself and 4 departments)", n)
	}
	if n := count("OU=Leavers,", "(&(objectClass=user)(userAccountControl:1.2.840.113556.1.4.803:=2))"); n != 2 {
		t.Errorf("%d disabled leavers", n)
	}
	if n := count("", "(&(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2))(memberOf:1.2.840.113556.1.4.1941:=CN=Clockify Users,OU=Groups,"+srv.BaseDN()+"))"); n != 13 {
		t.Errorf("%d enabled users should have Clockify", n)
	}
	for _, dept := range []string{"Engineering", "Sales", "Finance", "Support"} {
		if n := count("OU=Groups,", "(&(objectClass=group)(cn="+dept+"))"); n != 1 {
			t.Errorf("group %s: %d", dept, n)
		}
	}
}

func TestSeedErrors(t *testing.T) {
	cases := map[string]*Seed{
		"unknown manager":      {OUs: []string{"OU=A"}, Users: []SeedUser{{OU: "OU=A", SAMAccountName: "a", GivenName: "A", Manager: "ghost"}}},
		"unknown group member": {OUs: []string{"OU=A"}, Groups: []SeedGroup{{Name: "G", OU: "OU=A", Members: []string{"ghost"}}}},
		"nameless user":        {Users: []SeedUser{{SAMAccountName: "a"}}},
		"duplicate account":    {Users: []SeedUser{{SAMAccountName: "a", CN: "A"}, {SAMAccountName: "A", CN: "B"}}},
		"unknown attribute":    {Users: []SeedUser{{SAMAccountName: "a", CN: "A", Attributes: map[string][]string{"shoeSize": {"44"}}}}},
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			srv, err := Start(t.Context(), Options{Seed: s})
			if err == nil {
				_ = srv.Close()
				t.Fatal("seed accepted")
			}
			if !errors.Is(err, ErrInvalidSeed) {
				t.Fatalf("error %v is not ErrInvalidSeed", err)
			}
		})
	}
}
