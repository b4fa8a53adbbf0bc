package extensions

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/idbridge/idbridge/marketplace/catalog"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/templates"
)

// Source says where an archive comes from: exactly one of File, URL or
// Name. Version only applies to Name.
type Source struct {
	// File is a path on the host; only a regular file is accepted.
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
// fetched into staging, opened, its signature checked against the trusted
// keys, its fit to this host checked and every file hashed while
// unpacking into staging, all without holding the manager's lock; only
// the final move into place and the record are done under it, so a slow
// download or upload never holds up another install. See decision 0184.
func (m *Manager) Install(ctx context.Context, src Source) (*Record, error) {
	ctx, done := m.ops.begin(ctx, "install "+src.describe(), m.installTimeout())
	defer done()
	st, err := m.stage(ctx, src, "")
	if err != nil {
		return nil, err
	}
	defer st.discard()
	rec, err := m.commit(ctx, st, func(old *Record) error {
		if old != nil {
			return fmt.Errorf("%s %s (asked for %s): %w", old.ID, old.Version, st.man.Version, ErrAlreadyInstalled)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// Upgrade replaces the installed release of id with another. Integrations
// refer to the extension by id, so their configuration is untouched; the
// old release folder is removed once the new record is written, and kept
// working until then. The new release must come from the publisher the
// extension is pinned to, signed by the pinned key or a key it endorsed.
func (m *Manager) Upgrade(ctx context.Context, id string, opts UpgradeOptions) (*Record, error) {
	ctx, done := m.ops.begin(ctx, "upgrade of "+id, m.installTimeout())
	defer done()
	if _, err := m.record(ctx, id); err != nil {
		return nil, err
	}
	src := opts.Source
	if src.File == "" && src.URL == "" && src.Name == "" && src.Archive == nil {
		src.Name = id
	}
	st, err := m.stage(ctx, src, id)
	if err != nil {
		return nil, err
	}
	defer st.discard()
	return m.commit(ctx, st, func(old *Record) error {
		if old == nil {
			return fmt.Errorf("%q: %w", id, ErrNotInstalled)
		}
		if err := checkPin(old, st); err != nil {
			return err
		}
		oldV, newV := mustVersion(old.Version), st.man.SemVer()
		if !newV.GreaterThan(oldV) && !opts.AllowDowngrade {
			return fmt.Errorf("%s is installed at %s and the archive is %s: %w", id, old.Version, st.man.Version, ErrDowngrade)
		}
		return nil
	})
}

// describe names a source in logs and in /readyz.
func (s Source) describe() string {
	switch {
	case s.File != "":
		return "from a file on the host"
	case s.URL != "":
		return "from a URL"
	case s.Name != "":
		return s.Name
	}
	return "from an upload"
}

// staged is an archive fetched, verified and unpacked into staging, ready
// to be moved into place.
type staged struct {
	man       *ext.Manifest
	v         ext.Verification
	unpacked  *ext.Unpacked
	dir       string // the unpacked release, inside staging
	archive   string // the fetched archive, inside staging, or the host file
	hostFile  bool   // archive is the admin's file on the host: read, never removed
	sum       string // its sha256
	origin    string
	fromIndex *catalog.Candidate // set when installed by name
}

// discard removes whatever of st is still in staging.
func (st *staged) discard() {
	if st.dir != "" {
		_ = os.RemoveAll(st.dir)
	}
	if st.archive != "" && !st.hostFile {
		_ = os.Remove(st.archive)
	}
}

// stage fetches src into staging, checks it completely and unpacks it
// there. upgrading is the id being upgraded, or "" for an install.
func (m *Manager) stage(ctx context.Context, src Source, upgrading string) (*staged, error) {
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
	if src.Version != "" {
		if err := ext.CheckVersion(src.Version); err != nil {
			return nil, fmt.Errorf("%w: version %v", catalog.ErrBadRequest, err)
		}
	}
	st := &staged{}
	ok := false
	defer func() {
		if !ok {
			st.discard()
		}
	}()
	if err := m.fetch(ctx, src, st); err != nil {
		return nil, err
	}
	if err := m.verify(ctx, src, upgrading, st); err != nil {
		return nil, err
	}
	ok = true
	return st, nil
}

// fetch copies the archive into a staging file, hashing it on the way. A
// file on the host is read where it is instead: it is opened only if it
// is a regular file, and whatever happens to it meanwhile, every unpacked
// file is checked against the signed manifest read from it once. Reading
// it in place lets a hostile archive be refused from its last few KiB,
// without first copying up to a gigabyte.
func (m *Manager) fetch(ctx context.Context, src Source, st *staged) error {
	if src.File != "" {
		f, err := ext.OpenRegular(src.File)
		if err != nil {
			return err
		}
		f.Close()
		st.origin, st.archive, st.hostFile = src.File, src.File, true
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Join(m.root, stagingDir), "archive-*.ext")
	if err != nil {
		return fmt.Errorf("prepare staging: %w", err)
	}
	st.archive = tmp.Name()
	defer tmp.Close()
	limit := m.limits().MaxArchiveBytes
	hashed := newHashingWriter(tmp)
	switch {
	case src.Archive != nil:
		st.origin = "upload"
		err = copyLimited(ctx, src.Archive, limit, hashed, "upload")
	case src.URL != "":
		st.origin = src.URL
		if u, perr := url.Parse(src.URL); perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			// A file:// or other scheme is the caller's mistake, not a
			// failed download. See decision 0198.
			return fmt.Errorf("%w: url %q is not an http(s) URL; give a file on the host as \"file\"", catalog.ErrBadRequest, src.URL)
		}
		err = m.cat.Fetch(ctx, src.URL, limit, hashed)
		if errors.Is(err, catalog.ErrUnavailable) {
			err = fmt.Errorf("%w: %w", ErrDownload, err)
		}
	default:
		st.origin, st.fromIndex, err = m.downloadFromCatalog(ctx, src, hashed)
	}
	if err != nil {
		return err
	}
	st.sum = hashed.sum()
	return tmp.Close()
}

// copyLimited copies at most limit bytes of r into w, refusing more.
func copyLimited(ctx context.Context, r io.Reader, limit int64, w io.Writer, what string) error {
	n, err := io.Copy(w, catalog.ContextReader(ctx, io.LimitReader(r, limit+1)))
	if err != nil {
		if ctx.Err() != nil && !errors.Is(err, ErrUploadStalled) {
			return ctx.Err()
		}
		return fmt.Errorf("read %s: %w", what, err)
	}
	if n > limit {
		return fmt.Errorf("%w: %s is more than %d bytes", ext.ErrArchiveTooLarge, what, limit)
	}
	return nil
}

// verify opens the staged archive, checks trust, fit and what was asked
// for, and unpacks it into a staging folder.
func (m *Manager) verify(ctx context.Context, src Source, upgrading string, st *staged) error {
	a, err := ext.Open(ctx, st.archive, m.cfg.Limits)
	if err != nil {
		return err
	}
	defer a.Close()
	policy, err := m.policy(ctx)
	if err != nil {
		return err
	}
	if st.v, err = a.Verify(policy); err != nil {
		return err
	}
	if err := a.CheckHost(m.cfg.HostVersion, m.cfg.Protocols, m.cfg.Platform); err != nil {
		return err
	}
	st.man = a.Manifest
	if st.sum == "" {
		if st.sum, err = hashHostFile(ctx, st.archive, a.Size); err != nil {
			return err
		}
	}
	if man := st.man; man.Runtime != nil {
		// Refused now, with the packages to install, rather than at the
		// first enable. See decision 0242.
		if _, err := m.cfg.Runtimes.Find(ctx, *man.Runtime); err != nil {
			return fmt.Errorf("%s %s: %w", man.ID, man.Version, err)
		}
	}
	if upgrading != "" && st.man.ID != upgrading {
		return fmt.Errorf("%w: upgrading %q with an archive of %q", ErrIDMismatch, upgrading, st.man.ID)
	}
	if err := checkAsked(src, st); err != nil {
		return err
	}
	if st.dir, err = os.MkdirTemp(filepath.Join(m.root, stagingDir), "release-"); err != nil {
		return fmt.Errorf("create staging folder: %w", err)
	}
	if st.unpacked, err = a.Unpack(ctx, st.dir, m.cfg.Platform); err != nil {
		return err
	}
	if err := checkShippedTemplates(st.dir); err != nil {
		return fmt.Errorf("%s %s: %w", st.man.ID, st.man.Version, err)
	}
	return os.Chmod(st.dir, 0o755)
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

// checkAsked requires an archive found by name to be exactly what the
// catalog said and what was asked for: the manifest's id, version and
// publisher equal the catalog entry's, the id or name equals the request,
// and the version equals the requested one. The archive's sha256 was
// already checked against the index while downloading. See decision 0182.
func checkAsked(src Source, st *staged) error {
	c := st.fromIndex
	if c == nil {
		return nil
	}
	man := st.man
	var wrong []string
	if man.ID != c.Extension.ID {
		wrong = append(wrong, fmt.Sprintf("id %q where the index says %q", man.ID, c.Extension.ID))
	}
	if man.Version != c.Version.Version {
		wrong = append(wrong, fmt.Sprintf("version %s where the index says %s", man.Version, c.Version.Version))
	}
	if man.Publisher != c.Extension.Publisher {
		wrong = append(wrong, fmt.Sprintf("publisher %q where the index says %q", man.Publisher, c.Extension.Publisher))
	}
	if !strings.EqualFold(src.Name, man.ID) && !strings.EqualFold(src.Name, man.Name) {
		wrong = append(wrong, fmt.Sprintf("id %q where %q was asked for", man.ID, src.Name))
	}
	if src.Version != "" && !man.SemVer().Equal(mustVersion(src.Version)) {
		wrong = append(wrong, fmt.Sprintf("version %s where %s was asked for", man.Version, src.Version))
	}
	if len(wrong) > 0 {
		return fmt.Errorf("%w: %s from catalog %s holds %s; nothing was installed", ErrNotAsked, c.Version.Download, c.Catalog, strings.Join(wrong, ", "))
	}
	return nil
}

// downloadFromCatalog resolves src.Name in the configured catalogs and
// downloads the chosen version, checked against the index's sha256.
func (m *Manager) downloadFromCatalog(ctx context.Context, src Source, w io.Writer) (string, *catalog.Candidate, error) {
	named, browseErr := m.Browse(ctx)
	if len(named) == 0 {
		if browseErr != nil {
			return "", nil, fmt.Errorf("%w: %w", ErrCatalogUnavailable, browseErr)
		}
		return "", nil, fmt.Errorf("extension %q: %w (no catalog is configured: add a catalog first)", src.Name, catalog.ErrNotInCatalog)
	}
	cand, err := catalog.Resolve(named, src.Name, src.Version, catalog.Host{
		Version: m.cfg.HostVersion, Protocols: m.cfg.Protocols, Platform: m.cfg.Platform,
	})
	if err != nil {
		if browseErr != nil {
			err = errors.Join(err, browseErr)
		}
		return "", nil, err
	}
	if limit := m.limits().MaxArchiveBytes; cand.Version.Size > limit {
		return "", nil, fmt.Errorf("%s %s: %w: the catalog lists it at %d bytes, limit %d", cand.Extension.ID, cand.Version.Version, ext.ErrArchiveTooLarge, cand.Version.Size, limit)
	}
	m.log.Info("downloading from catalog", "id", cand.Extension.ID, "version", cand.Version.Version, "catalog", cand.Catalog)
	if err := m.cat.Download(ctx, cand.Catalog, cand.Version, w); err != nil {
		if errors.Is(err, catalog.ErrUnavailable) {
			err = fmt.Errorf("%w: %w", ErrDownload, err)
		}
		return "", nil, err
	}
	return "catalog:" + cand.Catalog, cand, nil
}

func (m *Manager) limits() ext.Limits {
	l := m.cfg.Limits
	if l.MaxArchiveBytes <= 0 {
		l.MaxArchiveBytes = ext.DefaultLimits().MaxArchiveBytes
	}
	return l
}

// commit moves a staged release into place and records it, under the
// manager's lock: check sees the current record (nil when not installed)
// and refuses or allows. If anything fails, the data folder is left as it
// was before.
func (m *Manager) commit(ctx context.Context, st *staged, check func(old *Record) error) (*Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	man, v := st.man, st.v
	old, err := m.record(ctx, man.ID)
	switch {
	case errors.Is(err, ErrNotInstalled):
		old = nil
	case err != nil:
		return nil, err
	}
	if err := check(old); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rel := path.Join(man.ID, man.Version+"-"+randomSuffix())
	final := filepath.Join(m.root, filepath.FromSlash(rel))
	idDir := filepath.Dir(final)
	_, statErr := os.Stat(idDir)
	createdIDDir := errors.Is(statErr, os.ErrNotExist)
	undo := func() {
		_ = os.RemoveAll(final)
		if createdIDDir {
			_ = os.Remove(idDir) // only when empty
		}
	}
	if err := os.MkdirAll(idDir, 0o755); err != nil {
		undo()
		return nil, fmt.Errorf("prepare extension folder: %w", err)
	}
	if err := os.Rename(st.dir, final); err != nil {
		undo()
		return nil, fmt.Errorf("move extension into place: %w", err)
	}
	st.dir = ""
	rec := &Record{
		ID: man.ID, Name: man.Name, Version: man.Version, Publisher: man.Publisher, Description: man.Description,
		ProtocolVersions: man.ProtocolVersions, HostVersion: man.HostVersion, OutboundHosts: man.OutboundHosts,
		Dir: rel, Platform: m.cfg.Platform, Binary: st.unpacked.Binary, Files: st.unpacked.Files, Runtime: man.Runtime,
		Signature: v.Status, KeyID: v.KeyID, SignerKey: v.PublicKey, ArchiveSHA256: st.sum, Source: st.origin,
		Installed: time.Now().UTC(),
	}
	// The archive is kept before the record points to it, so other hosts
	// sharing the store can always unpack what a record names.
	if err := m.keepArchive(ctx, st); err != nil {
		undo()
		return nil, err
	}
	// The record is the pointer: until this write succeeds, the previous
	// release (if any) is what the host runs.
	if err := m.cfg.Docs.Put(ctx, kindExtension, man.ID, rec); err != nil {
		undo()
		if old == nil || old.ArchiveSHA256 != st.sum {
			m.dropArchive(ctx, man.ID, st.sum)
		}
		return nil, fmt.Errorf("record extension %s: %w", man.ID, err)
	}
	if old != nil && old.ArchiveSHA256 != st.sum {
		m.dropArchive(ctx, man.ID, old.ArchiveSHA256)
	}
	if old != nil {
		if err := os.RemoveAll(filepath.Join(m.root, filepath.FromSlash(old.Dir))); err != nil {
			m.log.Warn("old release folder not removed; it is swept at the next start", "dir", old.Dir, "error", err)
		}
	}
	m.log.Info("extension installed", "id", man.ID, "version", man.Version, "publisher", man.Publisher,
		"signature", string(v.Status), "key_id", v.KeyID, "source", st.origin, "replaced", old != nil)
	m.changed(ctx, man.ID, rec)
	return rec, nil
}

func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
