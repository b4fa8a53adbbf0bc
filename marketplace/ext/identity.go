package ext

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
)

// ErrConnectorMismatch: the connector binary says it is another connector,
// another release or speaks another protocol than the manifest promises,
// so what an admin installs would not be what the archive claims.
var ErrConnectorMismatch = errors.New("the connector binary does not match the manifest: rebuild the binary or correct manifest.json, then pack again")

// Described is what a connector says about itself in Describe.
type Described struct {
	// ID and Version are the connector's Info.
	ID, Version string
	// Protocol is the protocol version the binary negotiated.
	Protocol int
}

// DescribeFunc runs the binary at path and reports its Describe; pack and
// the host inject one that launches it as a plugin.
type DescribeFunc func(ctx context.Context, path string) (Described, error)

// CheckIdentity compares what a connector described with an extension's
// id, version and protocol versions, naming every difference. See
// decision 0204.
func CheckIdentity(id, version string, protocols []int, d Described) error {
	var diffs []string
	if d.ID != id {
		diffs = append(diffs, fmt.Sprintf("id %q (manifest %q)", d.ID, id))
	}
	if d.Version != version {
		diffs = append(diffs, fmt.Sprintf("version %q (manifest %q)", d.Version, version))
	}
	if !slices.Contains(protocols, d.Protocol) {
		diffs = append(diffs, fmt.Sprintf("protocol %d (manifest %v)", d.Protocol, protocols))
	}
	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: the binary describes %s", ErrConnectorMismatch, joinAnd(diffs))
}

// checkHostBinary runs describe on the binary for this platform, when the
// folder has one, and compares it with m. A folder without one (or an
// interpreted connector) cannot be checked here; the host checks again at
// first launch.
func checkHostBinary(ctx context.Context, dir string, m *Manifest, describe DescribeFunc) error {
	b, ok := m.Platforms[HostPlatform()]
	if describe == nil || !ok || m.Runtime != nil {
		return nil
	}
	d, err := describe(ctx, filepath.Join(dir, filepath.FromSlash(b.Path)))
	if err != nil {
		return fmt.Errorf("pack: run %s to check it against the manifest: %w", b.Path, err)
	}
	if err := CheckIdentity(m.ID, m.Version, m.ProtocolVersions, d); err != nil {
		return fmt.Errorf("pack: %s: %w", b.Path, err)
	}
	return nil
}

func joinAnd(s []string) string {
	switch len(s) {
	case 1:
		return s[0]
	case 2:
		return s[0] + " and " + s[1]
	}
	out := ""
	for i, x := range s {
		switch {
		case i == len(s)-1:
			out += ", and " + x
		case i > 0:
			out += ", " + x
		default:
			out += x
		}
	}
	return out
}
