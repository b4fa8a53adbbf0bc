package directory

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

func TestGUIDRoundTrip(t *testing.T) {
	raw := []byte{0x67, 0x45, 0x23, 0x01, 0xab, 0x89, 0xef, 0xcd, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}
	s := FormatGUID(raw)
	if s != "01234567-89ab-cdef-0123-456789abcdef" {
		t.Fatalf("FormatGUID = %s", s)
	}
	back, err := ParseGUID(s)
	if err != nil || string(back) != string(raw) {
		t.Fatalf("ParseGUID = %x, %v", back, err)
	}
	if _, err := ParseGUID("not-a-guid"); err == nil {
		t.Fatal("ParseGUID accepted garbage")
	}
}

func TestEqualEscapesInjection(t *testing.T) {
	for in, want := range map[string]string{
		"*)(objectClass=*": `(mail=\2a\29\28objectClass=\2a)`,
		"admin)(|(a=*":     `(mail=admin\29\28|\28a=\2a)`,
		`back\slash`:       `(mail=back\5cslash)`,
	} {
		if got := Equal("mail", in); got != want {
			t.Errorf("Equal(mail, %q) = %s, want %s", in, got, want)
		}
		if _, err := ldap.CompileFilter(Equal("mail", in)); err != nil {
			t.Errorf("escaped filter does not compile: %v", err)
		}
	}
}

func TestValidAttributeName(t *testing.T) {
	for _, ok := range []string{"mail", "employeeID", "member;binary", "1.2.840.113556.1.4.221", "x-custom"} {
		if !ValidAttributeName(ok) {
			t.Errorf("%q rejected", ok)
		}
	}
	for _, bad := range []string{"", "mail)(x=*", "a b", "mail=", "(mail"} {
		if ValidAttributeName(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestAndOrNot(t *testing.T) {
	if got := And("(a=1)", "", "(b=2)"); got != "(&(a=1)(b=2))" {
		t.Errorf("And = %s", got)
	}
	if got := Or("(a=1)"); got != "(a=1)" {
		t.Errorf("Or of one = %s", got)
	}
	if got := Not("(a=1)"); got != "(!(a=1))" {
		t.Errorf("Not = %s", got)
	}
}

func TestClassifyNamesTheFix(t *testing.T) {
	cases := []struct {
		code uint16
		kind error
		fix  string
	}{
		{ldap.LDAPResultInvalidCredentials, ErrBindFailed, "check the bind account"},
		{ldap.LDAPResultStrongAuthRequired, ErrStrongAuthRequired, "ldaps://"},
		{ldap.LDAPResultConfidentialityRequired, ErrStrongAuthRequired, "StartTLS"},
		{ldap.LDAPResultSizeLimitExceeded, ErrSizeLimit, "paging"},
		{ldap.LDAPResultNoSuchObject, ErrNotFound, "DN"},
		{ldap.LDAPResultEntryAlreadyExists, ErrExists, "existing"},
		{ldap.LDAPResultInsufficientAccessRights, ErrNotAllowed, "bind account"},
		{ldap.LDAPResultUndefinedAttributeType, ErrUnknownAttribute, "schema"},
		{ldap.ErrorNetwork, ErrUnavailable, "running and reachable"},
		{ldap.LDAPResultConstraintViolation, ErrRejected, "server's message"},
	}
	for _, c := range cases {
		err := classify("op", "ldaps://dc", ldap.NewError(c.code, errors.New("server text")))
		if !errors.Is(err, c.kind) {
			t.Errorf("code %d: %v is not %v", c.code, err, c.kind)
		}
		if !strings.Contains(err.Error(), c.fix) || !strings.Contains(err.Error(), "server text") {
			t.Errorf("code %d: message %q lacks the fix %q or the cause", c.code, err, c.fix)
		}
	}
	// How go-ldap reports a connection that dropped mid-operation.
	dropped := fmt.Errorf("unable to read LDAP response packet: %s", io.EOF)
	if err := classify("op", "u", dropped); !errors.Is(err, ErrUnavailable) {
		t.Errorf("a dropped connection classified as %v, want ErrUnavailable", err)
	}
	wrapped := fmt.Errorf("dial: %w", errors.New("x509: certificate signed by unknown authority"))
	if err := classify("op", "u", wrapped); !errors.Is(err, ErrTLS) || !strings.Contains(err.Error(), "CA") {
		t.Errorf("TLS error classified as %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	good := Config{URL: "ldaps://dc.example.test", BindDN: "svc@EXAMPLE.TEST", Password: "pw"}
	if _, err := good.validate(); err != nil {
		t.Fatalf("good config: %v", err)
	}
	for name, mut := range map[string]func(*Config){
		"scheme":  func(c *Config) { c.URL = "http://dc" },
		"no host": func(c *Config) { c.URL = "ldaps://" },
		"no bind": func(c *Config) { c.BindDN = "" },
		"no pass": func(c *Config) { c.Password = "" },
		"flavor":  func(c *Config) { c.Flavor = "novell" },
		"empty":   func(c *Config) { c.URL = "" },
	} {
		c := good
		mut(&c)
		if _, err := c.validate(); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: got %v, want ErrInvalidConfig", name, err)
		}
	}
	c := good
	c.CAPEM = "not a pem"
	u, _ := c.validate()
	if _, err := c.tlsConfig(u); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("bad CA PEM: got %v", err)
	}
	if strings.Contains(good.String(), "pw") {
		t.Error("Config.String shows the password")
	}
}

func TestSchemaDefinitionParsing(t *testing.T) {
	m := map[string]bool{}
	addDefinition(m, "( 2.5.4.3 NAME ( 'cn' 'commonName' ) DESC 'x' SUP name )")
	addDefinition(m, "( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' SYNTAX '1.3.6.1.4.1.1466.115.121.1.15' )")
	for _, want := range []string{"2.5.4.3", "cn", "commonname", "samaccountname", "1.2.840.113556.1.4.221"} {
		if !m[want] {
			t.Errorf("%s missing from %v", want, m)
		}
	}
	if m["x"] || m["name"] {
		t.Errorf("DESC or SUP taken as a name: %v", m)
	}
}

func TestUnderDNAndParent(t *testing.T) {
	if !UnderDN("CN=a,OU=x,DC=example,DC=test", "ou=X,dc=example,dc=test") {
		t.Error("UnderDN is case sensitive")
	}
	if UnderDN("CN=a,OU=y,DC=example,DC=test", "OU=x,DC=example,DC=test") {
		t.Error("UnderDN matched a sibling OU")
	}
	if got := ParentDN("CN=a\\,b,OU=x,DC=t"); !strings.EqualFold(got, "OU=x,DC=t") {
		t.Errorf("ParentDN = %s", got)
	}
}

func TestRangedPart(t *testing.T) {
	cases := []struct {
		attr    string
		vals    int
		next    int
		more    bool
		wantErr bool
	}{
		{"member", 3, 0, false, false},
		{"member;range=0-4", 3, 5, true, false},
		{"Member;Range=1500-2999", 3, 3000, true, false},
		{"member;range=5-*", 3, 0, false, false},
		{"member;range=x-4", 0, 0, false, true},
		{"member;range=5-2", 0, 0, false, true},
		{"member;range=5", 0, 0, false, true},
		{"memberOf", 0, 0, false, false}, // another attribute: nothing
	}
	for _, c := range cases {
		e := Entry{Attributes: map[string][]string{c.attr: {"a", "b", "c"}}}
		vals, next, more, err := rangedPart(e, "member")
		if (err != nil) != c.wantErr || len(vals) != c.vals || next != c.next || more != c.more {
			t.Errorf("%s: vals=%d next=%d more=%v err=%v; want %d %d %v error=%v", c.attr, len(vals), next, more, err, c.vals, c.next, c.more, c.wantErr)
		}
	}
	for _, c := range []struct {
		from, step int
		want       string
	}{{0, 0, "member"}, {1500, 0, "member;range=1500-*"}, {0, 5, "member;range=0-4"}, {10, 5, "member;range=10-14"}} {
		if got := rangeAttribute("member", c.from, c.step); got != c.want {
			t.Errorf("rangeAttribute(%d, %d) = %q, want %q", c.from, c.step, got, c.want)
		}
	}
}

func TestSchemaDefinitionsForForms(t *testing.T) {
	types := map[string]AttributeType{}
	addAttributeType(types, "( 2.5.4.3 NAME ( 'cn' 'commonName' ) DESC 'a name (common)' SUP name SINGLE-VALUE X-ORIGIN ( 'RFC 4519' 'x' ) )")
	addAttributeType(types, "( 1.2.840.113556.1.2.3 NAME 'whenChanged' SYNTAX '1.3.6.1.4.1.1466.115.121.1.24' SINGLE-VALUE NO-USER-MODIFICATION )")
	addAttributeType(types, "( 2.5.4.13 NAME 'description' SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )")
	if got := types["commonname"]; got != (AttributeType{Name: "cn", SingleValued: true}) {
		t.Errorf("commonName = %+v", got)
	}
	if got := types["whenchanged"]; !got.ReadOnly || !got.SingleValued {
		t.Errorf("whenChanged = %+v", got)
	}
	if got := types["description"]; got.SingleValued || got.ReadOnly || got.Name != "description" {
		t.Errorf("description = %+v", got)
	}
	classes := map[string]objectClass{}
	addObjectClass(classes, "( 1.2.840.113556.1.5.9 NAME 'user' SUP organizationalPerson STRUCTURAL AUX ( mailRecipient $ securityPrincipal ) MUST ( cn ) MAY ( mail $ displayName ) )")
	u := classes["user"]
	if strings.Join(u.sup, ",") != "organizationalPerson" || strings.Join(u.aux, ",") != "mailRecipient,securityPrincipal" || strings.Join(u.attrs, ",") != "cn,mail,displayName" {
		t.Errorf("user = %+v", u)
	}
}
