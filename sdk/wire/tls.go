package wire

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"time"
)

// The host hands a connector the certificate and key it must serve with in
// these variables, next to go-plugin's PLUGIN_CLIENT_CERT (the host's own
// certificate). Both sides then know each other's certificate before the
// process starts, and no key is generated inside the connector.
const (
	EnvServerCert = "IDBRIDGE_PLUGIN_SERVER_CERT"
	EnvServerKey  = "IDBRIDGE_PLUGIN_SERVER_KEY"
	// envClientCert is go-plugin's variable for the host's certificate.
	envClientCert = "PLUGIN_CLIENT_CERT"
)

// NewCertificate returns a fresh self-signed certificate and its key, PEM
// encoded, for one side of one host-plugin connection. P-256 keeps a launch
// cheap (go-plugin's own automatic mTLS uses P-521, which costs about 20 ms
// per launch across both sides).
func NewCertificate() (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, fmt.Errorf("generate serial: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"idbridge plugin link"}},
		DNSNames:              []string{"localhost"},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.AddDate(20, 0, 0), // lives as long as the process; no renewal to fail
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  true, // self-signed: each side uses the other's certificate as its root
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, fmt.Errorf("create certificate: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encode key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}

// serverTLS is the connector's TLS setup. When the host handed over a
// certificate and key, the connector serves with them and accepts only the
// host's certificate; the key is removed from the environment at once so
// connector code cannot leak it. Without them it returns nil, and go-plugin
// falls back to its own automatic mTLS (or none, if the host asked for none).
func serverTLS() (*tls.Config, error) {
	certPEM, keyPEM, clientPEM := os.Getenv(EnvServerCert), os.Getenv(EnvServerKey), os.Getenv(envClientCert)
	os.Unsetenv(EnvServerKey)
	os.Unsetenv(EnvServerCert)
	if certPEM == "" || keyPEM == "" || clientPEM == "" {
		return nil, nil
	}
	return ServerTLSConfig([]byte(certPEM), []byte(keyPEM), []byte(clientPEM))
}

// ServerTLSConfig is the connector side of the link: serve with cert and
// key, accept only a client presenting clientCert.
func ServerTLSConfig(certPEM, keyPEM, clientCertPEM []byte) (*tls.Config, error) {
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("connector TLS certificate from the host: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(clientCertPEM) {
		return nil, errors.New("connector TLS: the host's certificate is not valid PEM")
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pool,
		MinVersion:   tls.VersionTLS13,
	}, nil
}

// ClientTLSConfig is the host side of the link: present cert and key,
// trust only serverCert.
func ClientTLSConfig(certPEM, keyPEM, serverCertPEM []byte) (*tls.Config, error) {
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("host TLS certificate: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(serverCertPEM) {
		return nil, errors.New("host TLS: the connector's certificate is not valid PEM")
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		RootCAs:      pool,
		ServerName:   "localhost",
		// TLS 1.2 stays allowed so that connectors built with an older SDK,
		// which fall back to go-plugin's automatic mTLS, still connect.
		MinVersion: tls.VersionTLS12,
	}, nil
}
