package directory

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Flavor is the kind of directory server, which decides attribute names and
// how users are created, enabled and identified.
type Flavor string

const (
	// FlavorAuto detects the flavor from the rootDSE when connecting.
	FlavorAuto Flavor = ""
	// FlavorAD is Microsoft Active Directory or a Samba AD domain controller.
	FlavorAD Flavor = "ad"
	// FlavorLDAP is a generic LDAPv3 directory with inetOrgPerson users
	// (OpenLDAP and similar).
	FlavorLDAP Flavor = "ldap"
)

// Default settings, chosen to stay under AD's MaxPageSize (1000) and to give
// a slow domain controller time without hanging a run forever.
const (
	DefaultPageSize = 500
	DefaultTimeout  = 30 * time.Second
)

// maxIdleConnections are kept open between operations; more would only
// hold server resources for a burst that has passed.
const maxIdleConnections = 2

// Config is how the host reaches one directory. It is stored with the
// host's settings; Password is a secret and is never logged.
type Config struct {
	// URL is ldaps://host[:port] or ldap://host[:port]. With ldap:// the
	// client upgrades with StartTLS unless PlainText is set.
	URL string `json:"url"`
	// CAPEM is the PEM of the CA(s) that signed the server certificate.
	// Empty means the system trust store.
	CAPEM string `json:"caPem,omitempty"`
	// ServerName overrides the name checked against the certificate (by
	// default the URL's host).
	ServerName string `json:"serverName,omitempty"`
	// InsecureSkipVerify accepts any certificate. For tests only: it makes
	// the bind password readable to anyone in the middle.
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty"`
	// PlainText keeps an ldap:// connection unencrypted (no StartTLS).
	// Active Directory refuses simple binds like this unless it was told
	// not to require strong authentication.
	PlainText bool `json:"plainText,omitempty"`
	// BindDN is the service account: a DN, or user@REALM on AD.
	BindDN string `json:"bindDn"`
	// Password is the service account's password.
	Password string `json:"password"`
	// BaseDN is where users and groups are searched. Empty means the
	// server's default naming context.
	BaseDN string `json:"baseDn,omitempty"`
	// PageSize is the number of entries per page of a paged search.
	PageSize int `json:"pageSize,omitempty"`
	// Timeout bounds dialing and each request.
	Timeout time.Duration `json:"timeout,omitempty"`
	// Flavor forces AD or generic LDAP; empty detects it.
	Flavor Flavor `json:"flavor,omitempty"`
	// DisabledAttribute and DisabledValue say how a generic LDAP directory
	// marks a disabled user when it has no userAccountControl, e.g.
	// "employeeType" = "disabled". Empty means such users are enabled.
	DisabledAttribute string `json:"disabledAttribute,omitempty"`
	DisabledValue     string `json:"disabledValue,omitempty"`
}

// String describes the connection without the password, for logs.
func (c Config) String() string {
	return fmt.Sprintf("%s as %s (base %q)", c.URL, c.BindDN, c.BaseDN)
}

func (c Config) pageSize() uint32 {
	if c.PageSize <= 0 {
		return DefaultPageSize
	}
	return uint32(c.PageSize)
}

func (c Config) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

// validate checks the settings that can be checked without the network.
func (c Config) validate() (*url.URL, error) {
	bad := func(msg, fix string) error {
		return newError("check settings", ErrInvalidConfig, fix, fmt.Errorf("%s", msg))
	}
	u, err := url.Parse(c.URL)
	if err != nil || c.URL == "" {
		return nil, bad(fmt.Sprintf("URL %q is not a URL", c.URL), "use ldaps://dc.example.com or ldap://dc.example.com")
	}
	switch u.Scheme {
	case "ldaps", "ldap":
	default:
		return nil, bad(fmt.Sprintf("URL scheme %q", u.Scheme), "use ldaps:// (port 636) or ldap:// with StartTLS (port 389)")
	}
	if u.Hostname() == "" {
		return nil, bad("URL has no host", "put the domain controller's host name in the URL")
	}
	if c.BindDN == "" {
		return nil, bad("no bind account", "set the bind account (a DN, or user@REALM on AD)")
	}
	if c.Password == "" {
		return nil, bad("no password for the bind account", "set the bind account's password")
	}
	switch c.Flavor {
	case FlavorAuto, FlavorAD, FlavorLDAP:
	default:
		return nil, bad(fmt.Sprintf("flavor %q", c.Flavor), `use "ad", "ldap" or leave it empty to detect`)
	}
	return u, nil
}

// tlsConfig builds the TLS settings for LDAPS and StartTLS.
func (c Config) tlsConfig(u *url.URL) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.InsecureSkipVerify} //nolint:gosec // opt-in for tests
	tc.ServerName = c.ServerName
	if tc.ServerName == "" {
		tc.ServerName = u.Hostname()
	}
	if ip := net.ParseIP(tc.ServerName); ip != nil {
		// Go checks IP SANs when ServerName is an IP; keep it as is.
		tc.ServerName = ip.String()
	}
	if strings.TrimSpace(c.CAPEM) != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(c.CAPEM)) {
			return nil, newError("check settings", ErrInvalidConfig,
				"paste the CA certificate in PEM form (-----BEGIN CERTIFICATE-----)", fmt.Errorf("CA PEM holds no certificate"))
		}
		tc.RootCAs = pool
	}
	return tc, nil
}
