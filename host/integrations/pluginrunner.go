package integrations

import (
	"context"
	"slices"

	"github.com/idbridge/idbridge/host/pluginhost"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// SupervisorRunner runs integrations' plugins under the host's plugin
// supervisor, one handle per integration id.
type SupervisorRunner struct {
	// Supervisor is the host's plugin supervisor.
	Supervisor *pluginhost.Supervisor
}

var _ Runner = SupervisorRunner{}

// Start implements Runner. A handle that runs another binary (the
// extension was upgraded) is replaced; a crashed plugin is relaunched by
// the handle itself, following the supervisor's backoff.
func (r SupervisorRunner) Start(ctx context.Context, id string, bin Binary) (connectorv1.ConnectorClient, error) {
	h, ok := r.Supervisor.Get(id)
	if ok && (h.Plugin().Path != bin.Path || h.Plugin().SHA256 != bin.SHA256 || !slices.Equal(h.Plugin().Interpreter, bin.Interpreter)) {
		r.Supervisor.Remove(id)
		ok = false
	}
	if !ok {
		var err error
		h, err = r.Supervisor.Add(id, pluginhost.Plugin{Name: bin.Name, Path: bin.Path, SHA256: bin.SHA256,
			Dir: bin.Dir, Interpreter: bin.Interpreter, Pinned: bin.Pinned})
		if err != nil {
			return nil, err
		}
	}
	if err := h.Start(ctx); err != nil {
		return nil, err
	}
	return h, nil
}

// Stop implements Runner.
func (r SupervisorRunner) Stop(_ context.Context, id string) error {
	r.Supervisor.Remove(id)
	return nil
}

// BinariesFunc adapts a function, usually the extension manager's
// BinaryPath method, to Binaries. It lets the application build the
// integrations service before the extension manager, which in turn needs
// the service to answer its usage questions.
type BinariesFunc func(ctx context.Context, extID string) (path, sha256 string, err error)

// BinaryPath implements Binaries.
func (f BinariesFunc) BinaryPath(ctx context.Context, extID string) (string, string, error) {
	return f(ctx, extID)
}
