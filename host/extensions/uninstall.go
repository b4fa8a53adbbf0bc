package extensions

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// UninstallOptions tunes Uninstall.
type UninstallOptions struct {
	// Force uninstalls even while integrations using it are enabled; they
	// fail to start until it is installed again.
	Force bool `json:"force,omitempty"`
	// Purge also deletes the configuration of the integrations using it.
	// Without it, reinstalling brings them back as they were.
	Purge bool `json:"purge,omitempty"`
}

// Uninstall removes an installed extension. The record goes first, so a
// failure to delete files leaves an unreferenced folder that the next
// start sweeps, never a record pointing at nothing.
func (m *Manager) Uninstall(ctx context.Context, id string, opts UninstallOptions) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, err := m.record(ctx, id)
	if err != nil {
		return err
	}
	uses, err := m.usage(ctx, id)
	if err != nil {
		return err
	}
	var enabled []string
	for _, u := range uses {
		if u.Enabled {
			enabled = append(enabled, u.Name)
		}
	}
	if len(enabled) > 0 && !opts.Force {
		return fmt.Errorf("%s: %w (%s)", id, ErrInUse, strings.Join(enabled, ", "))
	}
	if err := m.cfg.Docs.Delete(ctx, kindExtension, id); err != nil {
		return fmt.Errorf("remove record of %s: %w", id, err)
	}
	m.dropArchive(ctx, id, r.ArchiveSHA256)
	if err := os.RemoveAll(filepath.Join(m.root, filepath.FromSlash(r.Dir))); err != nil {
		m.log.Warn("release folder not removed; it is swept at the next start", "dir", r.Dir, "error", err)
	}
	_ = os.Remove(filepath.Join(m.root, id)) // only if empty
	m.changed(ctx, id, nil)
	if opts.Purge {
		if err := m.usageChecker().PurgeIntegrations(ctx, id); err != nil {
			return fmt.Errorf("%s uninstalled, but purging its integrations failed: %w", id, err)
		}
	}
	m.log.Info("extension uninstalled", "id", id, "version", r.Version, "forced", opts.Force && len(enabled) > 0, "purged", opts.Purge)
	return nil
}
