package wire

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// handshake connects client to server over loopback TCP, exchanges one
// byte and returns each side's error.
func handshake(t *testing.T, client, server *tls.Config) (clientErr, serverErr error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan error, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		srv := tls.Server(conn, server)
		defer srv.Close()
		err = srv.Handshake()
		if err == nil {
			// TLS 1.3 checks the client certificate after the client's
			// handshake returns; reading surfaces the verdict.
			_, err = srv.Read(make([]byte, 1))
		}
		done <- err
	}()
	conn, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	cl := tls.Client(conn, client)
	defer cl.Close()
	clientErr = cl.Handshake()
	if clientErr == nil {
		_, clientErr = cl.Write([]byte{1})
	}
	if clientErr == nil {
		// The server closes after one byte: EOF means it accepted us.
		if _, err := cl.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
			clientErr = err
		}
	}
	return clientErr, <-done
}

func pair(t *testing.T) (cert, key []byte) {
	t.Helper()
	cert, key, err := NewCertificate()
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func TestLinkTLS(t *testing.T) {
	hostCert, hostKey := pair(t)
	plugCert, plugKey := pair(t)
	strangerCert, strangerKey := pair(t)

	server, err := ServerTLSConfig(plugCert, plugKey, hostCert)
	if err != nil {
		t.Fatal(err)
	}
	host, err := ClientTLSConfig(hostCert, hostKey, plugCert)
	if err != nil {
		t.Fatal(err)
	}
	if cErr, sErr := handshake(t, host, server); cErr != nil || sErr != nil {
		t.Fatalf("host and its plugin: client %v, server %v", cErr, sErr)
	}

	// Another process with its own certificate cannot call the plugin.
	stranger, _ := ClientTLSConfig(strangerCert, strangerKey, plugCert)
	if _, sErr := handshake(t, stranger, server); sErr == nil {
		t.Fatal("the plugin accepted a client that is not its host")
	}

	// The host does not talk to a server posing as its plugin.
	impostor, _ := ServerTLSConfig(strangerCert, strangerKey, hostCert)
	if cErr, _ := handshake(t, host, impostor); cErr == nil {
		t.Fatal("the host accepted a server that is not its plugin")
	}
}

func TestServerTLSFromEnvironment(t *testing.T) {
	hostCert, _ := pair(t)
	plugCert, plugKey := pair(t)
	t.Setenv(envClientCert, string(hostCert))
	t.Setenv(EnvServerCert, string(plugCert))
	t.Setenv(EnvServerKey, string(plugKey))
	cfg, err := serverTLS()
	if err != nil || cfg == nil {
		t.Fatalf("serverTLS = %v, %v", cfg, err)
	}
	if _, ok := lookup(EnvServerKey); ok {
		t.Error("the private key stays in the connector's environment")
	}

	// Without the host's variables go-plugin's own scheme applies.
	cfg, err = serverTLS()
	if cfg != nil || err != nil {
		t.Fatalf("second call: %v %v, want nil, nil", cfg, err)
	}
}

func TestServerTLSRejectsBadInput(t *testing.T) {
	hostCert, _ := pair(t)
	if _, err := ServerTLSConfig([]byte("junk"), []byte("junk"), hostCert); err == nil {
		t.Error("accepted a junk certificate")
	}
	plugCert, plugKey := pair(t)
	if _, err := ServerTLSConfig(plugCert, plugKey, []byte("junk")); err == nil {
		t.Error("accepted a junk host certificate")
	}
}

func lookup(k string) (string, bool) { return os.LookupEnv(k) }
