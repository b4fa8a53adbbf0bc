package dirtest

import (
	"os"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/directory"
)

// Environment variables set by .ci/with-directories.
const (
	EnvADURL        = "IDBRIDGE_TEST_AD_URL"
	EnvADCA         = "IDBRIDGE_TEST_AD_CA"
	EnvADBind       = "IDBRIDGE_TEST_AD_BIND"
	EnvADPassword   = "IDBRIDGE_TEST_AD_PASSWORD"
	EnvADBase       = "IDBRIDGE_TEST_AD_BASE"
	EnvLDAPURL      = "IDBRIDGE_TEST_LDAP_URL"
	EnvLDAPBind     = "IDBRIDGE_TEST_LDAP_BIND"
	EnvLDAPPassword = "IDBRIDGE_TEST_LDAP_PASSWORD"
	EnvLDAPBase     = "IDBRIDGE_TEST_LDAP_BASE"
)

// testTimeout bounds each request in tests, so a hung server fails the test
// instead of the whole run.
const testTimeout = 20 * time.Second

// Unavailable skips the test with why, or fails it when CI=true: in CI the
// servers must be there, and a skipped directory test would hide that.
func Unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s; CI=true requires the real directory servers (run the tests through .ci/with-directories as root on Debian)", why)
	}
	t.Skipf("%s; run through .ci/with-directories (root, Debian) to test against real servers", why)
}

// AD returns the connection settings of the Samba AD domain controller, or
// skips (fails in CI) when the test setup did not start one.
func AD(t testing.TB) directory.Config {
	t.Helper()
	url := os.Getenv(EnvADURL)
	if url == "" {
		Unavailable(t, "no Active Directory: "+EnvADURL+" is not set")
	}
	cfg := directory.Config{
		URL:      url,
		BindDN:   os.Getenv(EnvADBind),
		Password: os.Getenv(EnvADPassword),
		BaseDN:   os.Getenv(EnvADBase),
		Timeout:  testTimeout,
		Flavor:   directory.FlavorAD,
	}
	if path := os.Getenv(EnvADCA); path != "" {
		pem, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read the AD CA named by %s: %v", EnvADCA, err)
		}
		cfg.CAPEM = string(pem)
	}
	return cfg
}

// OpenLDAP returns the connection settings of the OpenLDAP server, or skips
// (fails in CI) when the test setup did not start one.
func OpenLDAP(t testing.TB) directory.Config {
	t.Helper()
	url := os.Getenv(EnvLDAPURL)
	if url == "" {
		Unavailable(t, "no OpenLDAP: "+EnvLDAPURL+" is not set")
	}
	return directory.Config{
		URL:       url,
		PlainText: true, // loopback only; the test server has no certificate
		BindDN:    os.Getenv(EnvLDAPBind),
		Password:  os.Getenv(EnvLDAPPassword),
		BaseDN:    os.Getenv(EnvLDAPBase),
		Timeout:   testTimeout,
		Flavor:    directory.FlavorLDAP,
	}
}
