package integrations

import (
	"context"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// Binary is a connector executable as the extension manager installed it.
type Binary struct {
	// Name tags the plugin's logs, e.g. the extension id.
	Name string
	// Path is the executable; SHA256 its pinned digest (hex).
	Path, SHA256 string
	// Interpreter runs the script at Path for a connector written in an
	// interpreted language; empty for a binary.
	Interpreter []string
	// Pinned are the other files an interpreted connector loads, relative
	// to Dir, with their digests.
	Pinned map[string]string
	// Dir is the process's working folder; empty means Path's folder.
	Dir string
}

// Runner starts and stops connector plugins. The plugin supervisor
// implements it (see SupervisorRunner); tests use an in-process one.
type Runner interface {
	// Start supervises bin under id, launches it and returns its client.
	// Starting an id that runs the same binary returns the running client.
	Start(ctx context.Context, id string, bin Binary) (connectorv1.ConnectorClient, error)
	// Stop ends the plugin under id and forgets it; an unknown id is not
	// an error.
	Stop(ctx context.Context, id string) error
}

// Binaries finds an installed extension's connector; the extension manager
// implements it.
// Identities is implemented by Binaries that know what an extension's
// manifest promised about its connector; the service then refuses a
// connector whose Describe says otherwise (see decision 0204) and URL
// settings outside the promised hosts (decision 0205).
type Identities interface {
	Identity(ctx context.Context, extID string) (Promise, error)
}

// Promise is what an installed extension's manifest says its connector is
// and may reach.
type Promise struct {
	ID, Version string
	Protocols   []int
	// OutboundHosts are host patterns ("api.example.com",
	// "*.example.com", optionally ":port"); empty means the hosts the
	// admin enters.
	OutboundHosts []string
}

type Binaries interface {
	// BinaryPath returns the connector's path and pinned sha256.
	BinaryPath(ctx context.Context, extID string) (path, sha256 string, err error)
}

// Launcher is a Binaries that also describes connectors run by an
// interpreter; the extension manager implements it. See decision 0242.
type Launcher interface {
	// Launch returns how to run the extension's connector.
	Launch(ctx context.Context, extID string) (Binary, error)
}

// Observer hears about integrations that stop being usable. Automations
// implement it to pause what uses the integration.
type Observer interface {
	// OnDisabled is called after the integration was disabled (or deleted)
	// and its plugin stopped.
	OnDisabled(ctx context.Context, integrationID string) error
}

// EnabledObserver is an Observer that also wants to hear when an
// integration becomes usable again, so that work held while it was
// disabled starts at once instead of at the observer's next poll. It is a
// separate interface so that observers which only pause need not
// implement it.
type EnabledObserver interface {
	Observer
	// OnEnabled is called after the integration was enabled and its
	// connection test passed.
	OnEnabled(ctx context.Context, integrationID string) error
}
