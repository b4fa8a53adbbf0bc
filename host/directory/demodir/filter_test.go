package demodir

import (
	"sort"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// TestFilterEvaluation runs filters over the demo company through a real
// go-ldap client and checks exactly which accounts come back.
func TestFilterEvaluation(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	staffUSN := func() string {
		// The USN of the last seeded user (before groups and managers):
		// used for the >= and <= cases below.
		e := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, "(sAMAccountName=said.no)", "uSNCreated")
		return e[0].GetAttributeValue("uSNCreated")
	}()
	group := func(name string) string { return "CN=" + name + ",OU=Groups," + srv.BaseDN() }
	cases := []struct {
		name   string
		filter string
		want   string // sorted sAMAccountNames, comma-separated
	}{
		{"equality is case-insensitive", "(sAMAccountName=KEN.SALES)", "ken.sales"},
		{"equality on department", "(&(objectClass=user)(department=finance))", "fiona.walsh,henrik.berg,paul.meyer"},
		{"and with not", "(&(department=Finance)(!(sAMAccountName=paul.meyer)))", "fiona.walsh,henrik.berg"},
		{"or", "(|(employeeID=E1001)(employeeID=E2001))", "ada.owner,priya.raman"},
		{"presence", "(&(objectClass=user)(manager=*)(department=Support))", "kiosk.worker,said.no"},
		{"substring initial", "(sAMAccountName=ma*)", "margaret.gone,max.member"},
		{"substring any and final", "(&(objectClass=user)(mail=*e*@example.COM)(department=Sales))", "dennis.left,ken.sales,tom.becker"},
		{"substring initial any final", "(displayName=L*a*d)", "linus.lead"},
		{"bitwise and: disabled", "(&(objectCategory=person)(userAccountControl:1.2.840.113556.1.4.803:=2))", "dennis.left,margaret.gone,paul.meyer"},
		{"bitwise and: enabled in Finance", "(&(department=Finance)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))", "fiona.walsh,henrik.berg"},
		{"bitwise or", "(&(department=Sales)(userAccountControl:1.2.840.113556.1.4.804:=3))", "dennis.left"},
		{"numeric greater-or-equal on uSNCreated", "(&(objectClass=user)(department=Support)(uSNCreated>=" + staffUSN + "))", "said.no"},
		{"numeric less-or-equal", "(&(objectClass=user)(department=Support)(uSNCreated<=" + staffUSN + "))", "kiosk.worker,lena.novak,said.no"},
		{"memberOf direct", "(memberOf=" + group("Sales") + ")", "ken.sales,priya.raman,tom.becker"},
		{"memberOf is not transitive", "(&(objectClass=user)(memberOf=" + group("All Staff") + "))", ""},
		{"groups are members of groups", "(memberOf=" + group("All Staff") + ")", "Engineering,Finance,Sales,Support"},
		{"memberOf in chain", "(&(objectClass=user)(department=Finance)(memberOf:1.2.840.113556.1.4.1941:=" + group("All Staff") + "))", "fiona.walsh,henrik.berg,paul.meyer"},
		{"in chain excludes non-members", "(&(objectClass=user)(memberOf:1.2.840.113556.1.4.1941:=" + group("Clockify Users") + ")(department=Finance))", ""},
		{"member in chain lists a user's groups", "(member:1.2.840.113556.1.4.1941:=CN=Ken Sales,OU=Sales,OU=Staff," + srv.BaseDN() + ")", "All Staff,Clockify Users,Sales"},
		{"manager in chain", "(manager:1.2.840.113556.1.4.1941:=CN=Ada Owner,OU=Engineering,OU=Staff," + srv.BaseDN() + ")", "barbara.dev,grace.admin,linus.lead,max.member,nora.quinn,omar.haddad"},
		{"manager DN compared normalised", "(manager=cn=priya raman, ou=sales,ou=staff," + strings.ToLower(srv.BaseDN()) + ")", "ken.sales,tom.becker"},
		{"objectCategory short form", "(&(objectCategory=person)(department=Support))", "kiosk.worker,lena.novak,said.no"},
		{"group by objectClass", "(&(objectClass=group)(cn=Fin*))", "Finance"},
		{"unknown attribute matches nothing", "(noSuchAttribute=x)", ""},
		{"not of unknown attribute is still undefined", "(&(department=Sales)(!(noSuchAttribute=x)))", ""},
		{"or with an undefined branch", "(|(noSuchAttribute=x)(sAMAccountName=tom.becker))", "tom.becker"},
		{"password never matchable", "(unicodePwd=*)", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			es := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, tc.filter, "sAMAccountName")
			var got []string
			for _, e := range es {
				got = append(got, e.GetAttributeValue("sAMAccountName"))
			}
			sort.Strings(got)
			if strings.Join(got, ",") != tc.want {
				t.Errorf("%s\n got  %v\n want %s", tc.filter, got, tc.want)
			}
		})
	}
}

func TestTimeComparison(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	e := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, "(sAMAccountName=ada.owner)", "whenChanged")[0]
	when := e.GetAttributeValue("whenChanged")
	whole := strings.TrimSuffix(when, ".0Z") + "Z" // clients also write the short form
	for _, f := range []string{"(whenChanged>=" + when + ")", "(whenChanged>=" + whole + ")", "(whenChanged<=" + whole + ")"} {
		es := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, "(&(sAMAccountName=ada.owner)"+f+")")
		if len(es) != 1 {
			t.Errorf("%s matched %d", f, len(es))
		}
	}
	if es := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, "(&(objectClass=user)(whenChanged>=29990101000000.0Z))"); len(es) != 0 {
		t.Errorf("future time matched %d", len(es))
	}
}

// TestEscapedInjectionFindsNothing sends hostile input the way a careful
// caller does (ldap.EscapeFilter) and checks it is taken literally.
func TestEscapedInjectionFindsNothing(t *testing.T) {
	srv, c := startDemo(t, DemoSeed())
	for _, hostile := range []string{"*", "*)(objectClass=*", "ken.sales)(|(sAMAccountName=*", `\2a`, "ada.owner\x00", "*)(uid=*))(|(uid=*"} {
		f := "(&(objectClass=user)(sAMAccountName=" + ldap.EscapeFilter(hostile) + "))"
		if es := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, f); len(es) != 0 {
			t.Errorf("escaped %q matched %d entries", hostile, len(es))
		}
	}
	// A value containing special characters is still found when it
	// exists and is escaped the same way.
	m := ldap.NewModifyRequest("CN=Ken Sales,OU=Sales,OU=Staff,"+srv.BaseDN(), nil)
	m.Replace("title", []string{"Sales (EMEA) *lead*"})
	if err := c.Modify(m); err != nil {
		t.Fatal(err)
	}
	f := "(title=" + ldap.EscapeFilter("Sales (EMEA) *lead*") + ")"
	if es := search(t, c, srv.BaseDN(), ldap.ScopeWholeSubtree, f); len(es) != 1 {
		t.Errorf("escaped literal value matched %d entries, want 1", len(es))
	}
}

func TestOrderingIsNumericForIntegers(t *testing.T) {
	f, err := compileFilter("(uSNChanged>=1000)")
	if err != nil {
		t.Fatal(err)
	}
	e := &entry{attrs: map[string][]string{"usnchanged": {"999"}}}
	if f.match(nil, e) != triFalse {
		t.Errorf("999 >= 1000 matched (lexical comparison)")
	}
	e.attrs["usnchanged"] = []string{"10000"}
	if f.match(nil, e) != triTrue {
		t.Errorf("10000 >= 1000 did not match")
	}
}

func TestBadFilterIsRejected(t *testing.T) {
	if _, err := compileFilter("(&(a=b)"); err == nil {
		t.Fatal("unbalanced filter compiled")
	}
}
