package connectortest

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/wire"
)

// Process is a connector binary running as a plugin, launched by Launch.
type Process struct {
	client *plugin.Client
	conn   connectorv1.ConnectorClient
}

// Client returns the connector service of the running process.
func (p *Process) Client() connectorv1.ConnectorClient { return p.conn }

// NegotiatedVersion is the protocol version both sides agreed on.
func (p *Process) NegotiatedVersion() int { return p.client.NegotiatedVersion() }

// Stop ends the process.
func (p *Process) Stop() { p.client.Kill() }

// Launch starts the connector binary at path the way a host does: go-plugin
// handshake, the binary's checksum pinned to what was read here, gRPC with
// mutual TLS. The kit has its own launcher rather than the host's
// supervisor so that the SDK module never depends on the host (see
// decision 0200); anything that can drive a connector (a test, a CLI that
// checks a third party's binary) can use it. logs receives the plugin's
// output; nil discards it.
func Launch(path string, logs io.Writer) (*Process, error) {
	if logs == nil {
		logs = io.Discard
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return nil, fmt.Errorf("reading the connector binary: %w", err)
	}
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  wire.Handshake,
		VersionedPlugins: wire.VersionedPlugins(nil),
		Cmd:              exec.Command(path),
		SecureConfig:     &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()},
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		SkipHostEnv:      true,
		GRPCDialOptions:  wire.DialOptions(),
		Logger:           hclog.New(&hclog.LoggerOptions{Name: "connector", Level: hclog.Warn, Output: logs}),
	})
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		if vm := wire.AsVersionMismatch(err); vm != nil {
			return nil, vm
		}
		return nil, fmt.Errorf("starting %s as a connector plugin: %w", path, err)
	}
	raw, err := rpc.Dispense(wire.PluginName)
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("dispensing %q from %s: %w", wire.PluginName, path, err)
	}
	conn, ok := raw.(connectorv1.ConnectorClient)
	if !ok {
		client.Kill()
		return nil, errors.New("the plugin did not serve the idbridge connector service")
	}
	return &Process{client: client, conn: conn}, nil
}

// fileSHA256 hashes the binary once, so the process started is the one
// that was read.
func fileSHA256(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}
