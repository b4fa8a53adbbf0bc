package pluginhost

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/go-plugin"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/wire"
)

// instance is one running plugin process.
type instance struct {
	client    *plugin.Client
	conn      connectorv1.ConnectorClient
	pid       int
	version   int
	socketDir string
}

// errPermanent marks launch failures that retrying cannot fix: the binary
// must change first.
type errPermanent struct{ error }

// Unwrap returns the refusal itself.
func (e errPermanent) Unwrap() error { return e.error }

// launch starts the plugin process and completes the handshake. It returns
// an errPermanent for a refused binary.
func launch(cfg Config, p Plugin) (*instance, error) {
	want, err := hex.DecodeString(p.SHA256)
	if err != nil || len(want) != sha256.Size {
		return nil, errPermanent{fmt.Errorf("connector %s: pinned checksum %q is not a hex sha256; reinstall the extension", p.Name, p.SHA256)}
	}
	if _, err := os.Stat(p.Path); err != nil {
		return nil, errPermanent{fmt.Errorf("connector %s: binary missing: %w; reinstall the extension", p.Name, err)}
	}

	// Each process gets its own socket folder, mode 0700, so that only this
	// user (and root) can even reach the plugin's socket; mTLS then decides
	// who may talk to it.
	socketDir, err := os.MkdirTemp(cfg.SocketDir, "idbridge-plugin-")
	if err != nil {
		return nil, fmt.Errorf("connector %s: create socket folder: %w", p.Name, err)
	}
	inst := &instance{socketDir: socketDir}

	cmd := exec.Command(p.Path)
	secure := &plugin.SecureConfig{Checksum: want, Hash: sha256.New()}
	if len(p.Interpreter) > 0 {
		// go-plugin would pin the interpreter, which the distribution
		// upgrades; the connector is the script and the files it loads.
		if err := checkScript(p); err != nil {
			_ = os.RemoveAll(socketDir)
			return nil, errPermanent{err}
		}
		cmd = exec.Command(p.Interpreter[0], append(slices.Clone(p.Interpreter[1:]), p.Path)...)
		secure = nil
	}
	cmd.Env = append(pluginEnv(cfg.PassEnv, p.Env), plugin.EnvUnixSocketDir+"="+socketDir)
	var tlsConfig *tls.Config
	if !cfg.DisableMTLS {
		var tlsEnv []string
		if tlsConfig, tlsEnv, err = linkTLS(); err != nil {
			_ = os.RemoveAll(socketDir)
			return nil, fmt.Errorf("connector %s: %w", p.Name, err)
		}
		cmd.Env = append(cmd.Env, tlsEnv...)
	}
	cmd.Dir = p.Dir
	if cmd.Dir == "" {
		cmd.Dir = filepath.Dir(p.Path)
	}
	inst.client = plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  wire.Handshake,
		VersionedPlugins: wire.VersionedPlugins(nil),
		Cmd:              cmd,
		SecureConfig:     secure,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		TLSConfig:        tlsConfig, // nil: plain gRPC over the private socket
		SkipHostEnv:      true,
		GRPCDialOptions:  wire.DialOptions(),
		StartTimeout:     cfg.StartTimeout,
		Logger:           pluginLogger{cfg.Logger.Named(p.Name)},
	})

	rpc, err := inst.client.Client()
	if err != nil {
		inst.stop()
		return nil, classify(cfg, p, err)
	}
	raw, err := rpc.Dispense(wire.PluginName)
	if err != nil {
		inst.stop()
		return nil, fmt.Errorf("connector %s: dispense %q: %w", p.Name, wire.PluginName, err)
	}
	conn, ok := raw.(connectorv1.ConnectorClient)
	if !ok {
		inst.stop()
		return nil, errPermanent{fmt.Errorf("connector %s: plugin served %T, not the connector service", p.Name, raw)}
	}
	inst.conn, inst.version = conn, inst.client.NegotiatedVersion()
	if rc := inst.client.ReattachConfig(); rc != nil {
		inst.pid = rc.Pid
	}
	return inst, nil
}

// checkScript compares an interpreted connector's script and pinned files
// with their recorded hashes.
func checkScript(p Plugin) error {
	dir := p.Dir
	if dir == "" {
		dir = filepath.Dir(p.Path)
	}
	files := map[string]string{p.Path: p.SHA256}
	for rel, sum := range p.Pinned {
		files[filepath.Join(dir, filepath.FromSlash(rel))] = sum
	}
	for path, want := range files {
		got, err := FileSHA256(path)
		if err != nil {
			return fmt.Errorf("connector %s: file missing: %w; reinstall the extension", p.Name, err)
		}
		if got != want {
			return &ChecksumError{Name: p.Name, Path: path, Want: want, Got: got}
		}
	}
	return nil
}

// classify turns go-plugin's start errors into the package's typed ones.
func classify(cfg Config, p Plugin, err error) error {
	if errors.Is(err, plugin.ErrChecksumsDoNotMatch) {
		got, _ := FileSHA256(p.Path)
		return errPermanent{&ChecksumError{Name: p.Name, Path: p.Path, Want: p.SHA256, Got: got}}
	}
	if vm := wire.AsVersionMismatch(err); vm != nil {
		return errPermanent{fmt.Errorf("connector %s: %w", p.Name, vm)}
	}
	if strings.Contains(err.Error(), "unsupported plugin protocol") {
		return errPermanent{fmt.Errorf("connector %s: %w (connectors must serve gRPC through the idbridge SDK)", p.Name, err)}
	}
	if strings.Contains(err.Error(), "timeout while waiting for plugin to start") {
		return fmt.Errorf("connector %s did not complete its start-up within %s: %w", p.Name, cfg.StartTimeout, err)
	}
	return fmt.Errorf("connector %s failed to start: %w", p.Name, err)
}

// stop ends the process, gracefully first, and removes its socket folder.
func (i *instance) stop() {
	i.client.Kill()
	_ = os.RemoveAll(i.socketDir)
}

// exited reports whether the process has ended.
func (i *instance) exited() bool { return i.client.Exited() }
