package app

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"
)

// ErrTLSPairIncomplete is returned when only one half of the certificate
// and key pair is given: serving HTTPS needs both, and silently falling
// back to plain HTTP would expose tokens the operator meant to protect.
var ErrTLSPairIncomplete = errors.New("HTTPS needs both a certificate and its key: give --tls-cert and --tls-key (or IDBRIDGE_TLS_CERT and IDBRIDGE_TLS_KEY) together, or neither to serve plain HTTP")

// ErrTLSKeyExposed is returned for a private key file that other users can
// read, as the host refuses such a master.key: whoever could read it can
// impersonate the host, so it must be replaced, not just re-protected.
var ErrTLSKeyExposed = errors.New("the TLS private key file is readable by other users: run chmod 600 on it (owned by the user running idbridge), and replace the key and certificate if others could have read it")

// LoadTLS reads a PEM certificate chain and its private key and returns
// the server configuration the host listens with: TLS 1.2 at least, Go's
// defaults for everything else. The files are read once; the host does
// not reload them, so a renewed certificate takes effect at the next
// start. Every error names the file at fault and what to do.
func LoadTLS(certFile, keyFile string) (*tls.Config, error) {
	if certFile == "" || keyFile == "" {
		return nil, ErrTLSPairIncomplete
	}
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("read the TLS certificate: %w (check --tls-cert or IDBRIDGE_TLS_CERT)", err)
	}
	if err := checkCertPEM(certPEM); err != nil {
		return nil, fmt.Errorf("TLS certificate %s: %w; it must hold the server's certificate in PEM (-----BEGIN CERTIFICATE-----), followed by any intermediate CA certificates", certFile, err)
	}
	keyPEM, err := readPrivateKeyFile(keyFile)
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("TLS key %s: %w; it must hold the unencrypted PEM private key (-----BEGIN ... PRIVATE KEY-----) of the certificate in %s", keyFile, err, certFile)
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		CipherSuites: TLS12Suites,
		Certificates: []tls.Certificate{cert},
		// Offer HTTP/2 as net/http does for its own TLS listeners.
		NextProtos: []string{"h2", "http/1.1"},
	}, nil
}

// TLS12Suites are the suites the host offers a TLS 1.2 client: ECDHE key
// exchange (forward secrecy) with an AEAD cipher only; CBC and RSA key
// exchange suites, which Go still enables by default, are left out. TLS
// 1.3 suites are not configurable and are all modern. See decision 0192.
var TLS12Suites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// hstsMaxAge is what Strict-Transport-Security asks browsers to
// remember: a year, the common choice. No includeSubDomains: the host
// does not own its parent domain's other names.
const hstsMaxAge = "max-age=31536000"

// withHSTS tells browsers that reached the host over HTTPS to use nothing
// else for it, so a later link or typed http:// address cannot be
// downgraded by someone on the network.
func withHSTS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", hstsMaxAge)
		next.ServeHTTP(w, r)
	})
}

// checkCertPEM reports why raw holds no usable certificate, so a key or
// a DER file given as the certificate is named as such rather than as a
// key mismatch.
func checkCertPEM(raw []byte) error {
	found, key := false, false
	for {
		var b *pem.Block
		b, raw = pem.Decode(raw)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			key = key || strings.HasSuffix(b.Type, "PRIVATE KEY")
			continue
		}
		if _, err := x509.ParseCertificate(b.Bytes); err != nil {
			return fmt.Errorf("a certificate in it does not parse: %w", err)
		}
		found = true
	}
	switch {
	case !found && key:
		return errors.New("no PEM certificate in it, only a private key (are the certificate and key files swapped?)")
	case !found:
		return errors.New("no PEM certificate in it")
	}
	return nil
}

// readPrivateKeyFile reads the key, refusing one that other users can
// read (the mode check is skipped on Windows, whose ACLs it cannot see).
func readPrivateKeyFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read the TLS key: %w (check --tls-key or IDBRIDGE_TLS_KEY)", err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("TLS key %s has mode %04o: %w", path, fi.Mode().Perm(), ErrTLSKeyExposed)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the TLS key: %w (the user running idbridge must be able to read it)", err)
	}
	return raw, nil
}

// exposedInClear reports whether a listener on addr carries the API,
// tokens included, over the network unencrypted: plain HTTP on an address
// other machines can reach. The host warns rather than refuses, since a
// TLS reverse proxy on the same network segment is a valid setup.
func exposedInClear(addr net.Addr, tlsOn bool) bool {
	return !tlsOn && !isLoopback(addr)
}

// certExpiry returns when the first certificate of cfg expires, or the
// zero time when it cannot tell.
func certExpiry(cfg *tls.Config) time.Time {
	if len(cfg.Certificates) == 0 {
		return time.Time{}
	}
	c := cfg.Certificates[0]
	leaf := c.Leaf
	if leaf == nil && len(c.Certificate) > 0 {
		leaf, _ = x509.ParseCertificate(c.Certificate[0])
	}
	if leaf == nil {
		return time.Time{}
	}
	return leaf.NotAfter
}
