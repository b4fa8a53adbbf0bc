package cli

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
)

// CAFileEnv names the environment variable holding the PEM file of the CA
// that signed an https:// host's certificate, for hosts whose certificate
// comes from a private CA the system does not trust.
const CAFileEnv = "IDBRIDGE_CA_FILE"

// caTransport returns a transport that verifies the host's certificate
// against the CA certificates in the PEM file instead of the system's
// trust store, as curl's --cacert does. An empty path returns nil, which
// keeps the default transport and the system's trust store. Verification
// stays on either way: the bearer token must never reach a host that
// cannot prove its name.
func caTransport(path string) (http.RoundTripper, error) {
	if path == "" {
		return nil, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("read %s: %w", CAFileEnv, err)}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(raw) {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf(
			"%s %s holds no PEM certificate: give the PEM (-----BEGIN CERTIFICATE-----) of the CA that signed the host's certificate", CAFileEnv, path)}
	}
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil, errors.New("the default HTTP transport was replaced; cannot add a CA to it")
	}
	tr := base.Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}
	return tr, nil
}

// tlsHint explains a TLS failure talking to the host, or returns "" when
// err is not one: an untrusted or misnamed certificate, or an https://
// address pointing at a plain HTTP listener.
func tlsHint(err error) string {
	var verify *tls.CertificateVerificationError
	var header tls.RecordHeaderError
	switch {
	case errors.As(err, &verify):
		return "the host's certificate is not trusted for this address: set " + CAFileEnv +
			" to the PEM of the CA that signed it, and use a host name or IP the certificate lists in IDBRIDGE_ADDR"
	case errors.As(err, &header), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "the host speaks plain HTTP at this address: use an http:// IDBRIDGE_ADDR, or start it with --tls-cert and --tls-key"
	}
	return ""
}
