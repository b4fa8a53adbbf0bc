package extensions

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// List returns every installed extension with the integrations using it.
func (m *Manager) List(ctx context.Context) ([]Summary, error) {
	var recs []Record
	err := m.cfg.Docs.List(ctx, kindExtension, func(_ string, decode func(any) error) error {
		var r Record
		if err := decode(&r); err != nil {
			return err
		}
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list extensions: %w", err)
	}
	out := make([]Summary, 0, len(recs))
	for _, r := range recs {
		uses, err := m.usage(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, Summary{ID: r.ID, Name: r.Name, Version: r.Version, Publisher: r.Publisher,
			Signature: r.Signature, KeyID: r.KeyID, Integrations: uses})
	}
	return out, nil
}

// Show returns one installed extension's record and its integrations.
func (m *Manager) Show(ctx context.Context, id string) (*Details, error) {
	r, err := m.record(ctx, id)
	if err != nil {
		return nil, err
	}
	uses, err := m.usage(ctx, id)
	if err != nil {
		return nil, err
	}
	return &Details{Record: *r, Integrations: uses}, nil
}

// BinaryPath returns the absolute path of id's connector binary for this
// host's platform and the sha256 recorded at install, which the plugin
// supervisor pins so that a binary changed on disk is refused at launch.
func (m *Manager) BinaryPath(ctx context.Context, id string) (string, string, error) {
	r, err := m.record(ctx, id)
	if err != nil {
		return "", "", err
	}
	if r.Platform != m.cfg.Platform {
		return "", "", fmt.Errorf("%s was installed for %s and this host is %s: reinstall it", id, r.Platform, m.cfg.Platform)
	}
	// Installed through another host: unpacked and verified here before
	// its first launch. See decision 0237.
	if r, err = m.ensureLocal(ctx, r); err != nil {
		return "", "", err
	}
	p := filepath.Join(m.root, filepath.FromSlash(r.Dir), filepath.FromSlash(r.Binary.Path))
	return p, r.Binary.SHA256, nil
}

// Launch is how to run an installed extension's connector.
type Launch struct {
	// Path is the binary, or the entry script; SHA256 its pinned digest.
	Path, SHA256 string
	// Interpreter runs the script at Path; empty for a binary.
	Interpreter []string
	// Pinned are the other installed files, relative to Dir, with their
	// digests; set for interpreted connectors, whose every file is code.
	Pinned map[string]string
	// Dir is the release folder an interpreted connector starts in; empty
	// for a binary, which starts in its own folder.
	Dir string
}

// Launch returns how to run id's connector: its binary, or its script on
// an interpreter found on this machine (which may have been removed since
// install: then the error names the packages to install again).
func (m *Manager) Launch(ctx context.Context, id string) (Launch, error) {
	r, err := m.record(ctx, id)
	if err != nil {
		return Launch{}, err
	}
	if r.Runtime == nil && r.Platform != m.cfg.Platform {
		return Launch{}, fmt.Errorf("%s was installed for %s and this host is %s: reinstall it", id, r.Platform, m.cfg.Platform)
	}
	// Installed through another host: unpacked and verified here before
	// its first launch. See decision 0237.
	if r, err = m.ensureLocal(ctx, r); err != nil {
		return Launch{}, err
	}
	dir := filepath.Join(m.root, filepath.FromSlash(r.Dir))
	l := Launch{Path: filepath.Join(dir, filepath.FromSlash(r.Binary.Path)), SHA256: r.Binary.SHA256}
	if r.Runtime == nil {
		return l, nil
	}
	in, err := m.cfg.Runtimes.Find(ctx, *r.Runtime)
	if err != nil {
		return Launch{}, fmt.Errorf("%s %s: %w", id, r.Version, err)
	}
	l.Interpreter, l.Dir = in.Command(), dir
	l.Pinned = map[string]string{}
	for _, f := range r.Files {
		if f.Path != r.Binary.Path {
			l.Pinned[f.Path] = f.SHA256
		}
	}
	return l, nil
}

// CheckIntegrity hashes every installed file of id again and reports the
// ones that no longer match their record, wrapped in ErrFilesChanged.
func (m *Manager) CheckIntegrity(ctx context.Context, id string) error {
	r, err := m.record(ctx, id)
	if err != nil {
		return err
	}
	var changed []string
	for _, f := range r.Files {
		if err := ctx.Err(); err != nil {
			return err
		}
		sum, err := fileSHA256(filepath.Join(m.root, filepath.FromSlash(r.Dir), filepath.FromSlash(f.Path)))
		if err != nil || sum != f.SHA256 {
			changed = append(changed, f.Path)
		}
	}
	if len(changed) > 0 {
		return fmt.Errorf("%s %s: %w: %s", id, r.Version, ErrFilesChanged, strings.Join(changed, ", "))
	}
	return nil
}

func (m *Manager) usage(ctx context.Context, id string) ([]Usage, error) {
	uses, err := m.usageChecker().IntegrationsUsing(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("integrations using %s: %w", id, err)
	}
	if uses == nil {
		uses = []Usage{}
	}
	return uses, nil
}

func mustVersion(s string) *semver.Version {
	v, err := semver.NewVersion(s)
	if err != nil {
		return semver.New(0, 0, 0, "", "")
	}
	return v
}
