package extensions

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/idbridge/idbridge/marketplace/catalog"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/templates"
)

// Source says where an archive comes from: exactly one of File, URL or
// Name. Version only applies to Name.
type Source struct {
	// File is a path on the host.
	File string `json:"file,omitempty"`
	// URL is an http(s) address of an .ext.
	URL string `json:"url,omitempty"`
	// Name is an extension id (or name) to look up in the configured catalogs.
	Name string `json:"name,omitempty"`
	// Version picks a version from the catalogs; empty means the newest
	// that fits this host.
	Version string `json:"version,omitempty"`
	// Archive is an uploaded .ext, e.g. the body of an API call from a
	// CLI on another machine. It is copied to staging before it is opened.
	Archive io.Reader `json:"-"`
}

// UpgradeOptions tunes Upgrade.
type UpgradeOptions struct {
	// Source defaults to the newest fitting version of the extension in
	// the configured catalogs.
	Source
	// AllowDowngrade permits an older or the same version.
	AllowDowngrade bool `json:"allow_downgrade,omitempty"`
}

// Install installs an extension that is not installed yet. The archive is
// opened, its signature checked against the trusted keys, its fit to this
// host checked, and every file hashed while unpacking into staging; only
// then is it moved into place and recorded.
func (m *Manager) Install(ctx context.Context, src Source) (*Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, err := m.fromSource(ctx, src, func(man *ext.Manifest) (*Record, error) {
		old, err := m.record(ctx, man.ID)
		switch {
		case err == nil:
			return nil, fmt.Errorf("%s %s (asked for %s): %w", old.ID, old.Version, man.Version, ErrAlreadyInstalled)
		case errors.Is(err, ErrNotInstalled):
			return nil, nil
		default:
			return nil, err
		}
	})
	if err != nil {
		return nil, err
	}
	m.changed(ctx, rec.ID, rec)
	return rec, nil
}

// Upgrade replaces the installed release of id with another. Integrations
// refer to the extension by id, so their configuration is untouched; the
// old release folder is removed once the new record is written, and kept
// working until then.
func (m *Manager) Upgrade(ctx context.Context, id string, opts UpgradeOptions) (*Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, err := m.record(ctx, id)
	if err != nil {
		return nil, err
	}
	src := opts.Source
	if src.File == "" && src.URL == "" && src.Name == "" && src.Archive == nil {
		src.Name = id
	}
	rec, err := m.fromSource(ctx, src, func(man *ext.Manifest) (*Record, error) {
		if man.ID != id {
			return nil, fmt.Errorf("%w: upgrading %q with an archive of %q", ErrIDMismatch, id, man.ID)
		}
		oldV, newV := mustVersion(old.Version), man.SemVer()
		if !newV.GreaterThan(oldV) && !opts.AllowDowngrade {
			return nil, fmt.Errorf("%s is installed at %s and the archive is %s: %w", id, old.Version, man.Version, ErrDowngrade)
		}
		return old, nil
	})
	if err != nil {
		return nil, err
	}
	if err := os.RemoveAll(filepath.Join(m.root, filepath.FromSlash(old.Dir))); err != nil {
		m.log.Warn("old release folder not removed; it is swept at the next start", "dir", old.Dir, "error", err)
	}
	m.changed(ctx, id, rec)
	return rec, nil
}

// fromSource fetches the archive named by src to a local file when it is
// remote, and installs it.
func (m *Manager) fromSource(ctx context.Context, src Source, check func(*ext.Manifest) (*Record, error)) (*Record, error) {
	n := 0
	for _, s := range []string{src.File, src.URL, src.Name} {
		if s != "" {
			n++
		}
	}
	if src.Archive != nil {
		n++
	}
	if n != 1 {
		return nil, ErrNoSource
	}
	if src.File != "" {
		return m.place(ctx, src.File, src.File, check)
	}
	tmp, err := os.CreateTemp(filepath.Join(m.root, stagingDir), "download-*.ext")
	if err != nil {
		return nil, fmt.Errorf("prepare download: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	origin := src.URL
	switch {
	case src.Archive != nil:
		origin = "upload"
		limit := m.limits().MaxArchiveBytes
		var n int64
		if n, err = io.Copy(tmp, io.LimitReader(src.Archive, limit+1)); err == nil && n > limit {
			err = fmt.Errorf("upload: %w (limit %d bytes)", ext.ErrArchiveTooLarge, limit)
		}
	case src.URL != "":
		err = m.download(ctx, src.URL, tmp)
	default:
		origin, err = m.downloadFromCatalog(ctx, src, tmp)
	}
	if err != nil {
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	return m.place(ctx, tmp.Name(), origin, check)
}

// download fetches an .ext from an http(s) URL, bounded by the archive limit.
func (m *Manager) download(ctx context.Context, rawURL string, w io.Writer) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("install from URL: %q is not an http(s) URL", rawURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	client := m.cfg.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("download %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("download %s: %s", u.Redacted(), resp.Status)
	}
	limit := m.limits().MaxArchiveBytes
	n, err := io.Copy(w, io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return fmt.Errorf("download %s: %w", u.Redacted(), err)
	}
	if n > limit {
		return fmt.Errorf("download %s: %w (limit %d bytes)", u.Redacted(), ext.ErrArchiveTooLarge, limit)
	}
	return nil
}

// downloadFromCatalog resolves src.Name in the configured catalogs and
// downloads the chosen version, checked against the index's sha256.
func (m *Manager) downloadFromCatalog(ctx context.Context, src Source, w io.Writer) (string, error) {
	named, browseErr := m.Browse(ctx)
	if len(named) == 0 {
		if browseErr != nil {
			return "", browseErr
		}
		return "", fmt.Errorf("extension %q: %w (no catalog is configured; add one with `idbridge marketplace add`)", src.Name, catalog.ErrNotInCatalog)
	}
	cand, err := catalog.Resolve(named, src.Name, src.Version, catalog.Host{
		Version: m.cfg.HostVersion, Protocols: m.cfg.Protocols, Platform: m.cfg.Platform,
	})
	if err != nil {
		if browseErr != nil {
			err = errors.Join(err, browseErr)
		}
		return "", err
	}
	if cand.Version.Size > m.limits().MaxArchiveBytes {
		return "", fmt.Errorf("%s %s: %w", cand.Extension.ID, cand.Version.Version, ext.ErrArchiveTooLarge)
	}
	m.log.Info("downloading from catalog", "id", cand.Extension.ID, "version", cand.Version.Version, "catalog", cand.Catalog)
	if err := m.cat.Download(ctx, cand.Catalog, cand.Version, w); err != nil {
		return "", err
	}
	return "catalog:" + cand.Catalog, nil
}

func (m *Manager) limits() ext.Limits {
	l := m.cfg.Limits
	if l.MaxArchiveBytes <= 0 {
		l.MaxArchiveBytes = ext.DefaultLimits().MaxArchiveBytes
	}
	return l
}

// place is the one path every install and upgrade goes through. check
// sees the verified manifest and returns the record being replaced (nil
// for a fresh install) or a refusal.
func (m *Manager) place(ctx context.Context, archivePath, origin string, check func(*ext.Manifest) (*Record, error)) (*Record, error) {
	a, err := ext.Open(ctx, archivePath, m.cfg.Limits)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	policy, err := m.policy(ctx)
	if err != nil {
		return nil, err
	}
	v, err := a.Verify(policy)
	if err != nil {
		return nil, err
	}
	if err := a.CheckHost(m.cfg.HostVersion, m.cfg.Protocols, m.cfg.Platform); err != nil {
		return nil, err
	}
	man := a.Manifest
	if man.Runtime != nil {
		// Refused now, with the packages to install, rather than at the
		// first enable. See decision 0242.
		if _, err := m.cfg.Runtimes.Find(ctx, *man.Runtime); err != nil {
			return nil, fmt.Errorf("%s %s: %w", man.ID, man.Version, err)
		}
	}
	if _, err := check(man); err != nil {
		return nil, err
	}
	archiveSum, err := fileSHA256(archivePath)
	if err != nil {
		return nil, err
	}

	staging, err := os.MkdirTemp(filepath.Join(m.root, stagingDir), man.ID+"-")
	if err != nil {
		return nil, fmt.Errorf("create staging folder: %w", err)
	}
	placed := false
	defer func() {
		if !placed {
			_ = os.RemoveAll(staging)
		}
	}()
	u, err := a.Unpack(ctx, staging, m.cfg.Platform)
	if err != nil {
		return nil, err
	}
	if err := checkShippedTemplates(staging); err != nil {
		return nil, fmt.Errorf("%s %s: %w", man.ID, man.Version, err)
	}
	if err := os.Chmod(staging, 0o755); err != nil {
		return nil, err
	}

	rel := path.Join(man.ID, man.Version+"-"+randomSuffix())
	final := filepath.Join(m.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return nil, fmt.Errorf("prepare extension folder: %w", err)
	}
	if err := os.Rename(staging, final); err != nil {
		return nil, fmt.Errorf("move extension into place: %w", err)
	}
	rec := &Record{
		ID: man.ID, Name: man.Name, Version: man.Version, Publisher: man.Publisher, Description: man.Description,
		ProtocolVersions: man.ProtocolVersions, HostVersion: man.HostVersion, OutboundHosts: man.OutboundHosts,
		Dir: rel, Platform: m.cfg.Platform, Binary: u.Binary, Files: u.Files, Runtime: man.Runtime,
		Signature: v.Status, KeyID: v.KeyID, ArchiveSHA256: archiveSum, Source: origin,
		Installed: time.Now().UTC(),
	}
	// The record is the pointer: until this write succeeds, the previous
	// release (if any) is what the host runs.
	if err := m.cfg.Docs.Put(ctx, kindExtension, man.ID, rec); err != nil {
		if rmErr := os.RemoveAll(final); rmErr != nil {
			m.log.Warn("could not remove unrecorded release folder; it is swept at the next start", "dir", rel, "error", rmErr)
		}
		return nil, fmt.Errorf("record extension %s: %w", man.ID, err)
	}
	placed = true
	m.log.Info("extension installed", "id", man.ID, "version", man.Version, "signature", string(v.Status), "key_id", v.KeyID, "source", origin)
	return rec, nil
}

// checkShippedTemplates reads the templates/ folder an extension ships, if
// any, in the contract's strict format and validates each template, so a
// broken template is refused with its archive instead of failing later
// when an admin installs it (see decision 0201).
func checkShippedTemplates(root string) error {
	dir := filepath.Join(root, "templates")
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	ts, err := templates.Load(os.DirFS(dir))
	if err != nil {
		return err
	}
	var errs []error
	for _, t := range ts {
		errs = append(errs, templates.Validate(t))
	}
	return errors.Join(errs...)
}

func fileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
