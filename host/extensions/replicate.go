package extensions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// kindArchive holds the verified .ext an installed release came from,
// keyed by extension id and archive digest, so every host sharing the
// store can unpack the same release. See decision 0237.
const kindArchive = "extension-archive"

// storedArchive is an installed release's archive as kept in the store.
type storedArchive struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
	Data    []byte `json:"data"`
}

func archiveKey(id, sum string) string { return id + "@" + sum }

// keepArchive stores the staged archive's bytes before its record is
// written, so no host ever sees a record whose archive it cannot fetch.
func (m *Manager) keepArchive(ctx context.Context, st *staged) error {
	data, err := os.ReadFile(st.archive)
	if err != nil {
		return fmt.Errorf("read the staged archive: %w", err)
	}
	sa := storedArchive{ID: st.man.ID, Version: st.man.Version, SHA256: st.sum, Data: data}
	if err := m.cfg.Docs.Put(ctx, kindArchive, archiveKey(sa.ID, sa.SHA256), sa); err != nil {
		return fmt.Errorf("keep the archive of %s %s in the store: %w", sa.ID, sa.Version, err)
	}
	return nil
}

// dropArchive removes a release's stored archive once no record points to it.
func (m *Manager) dropArchive(ctx context.Context, id, sum string) {
	if err := m.cfg.Docs.Delete(ctx, kindArchive, archiveKey(id, sum)); err != nil {
		m.log.Warn("stored archive not removed", "id", id, "sha256", sum, "error", err)
	}
}

// Sync makes this host's extensions folder match the records in the store:
// a release installed or upgraded through another host is unpacked here
// from its stored archive and verified again, and a release no record
// points to any more (upgraded or uninstalled elsewhere) is removed. The
// Changed callback hears of each, so connectors on the old files stop.
// A release that cannot be brought here is logged and reported; the
// others are still synchronised. See decision 0237.
func (m *Manager) Sync(ctx context.Context) error {
	recs, err := m.records(ctx)
	if err != nil {
		return err
	}
	type change struct {
		id  string
		rec *Record
	}
	var changes []change
	var errs []error
	m.mu.Lock()
	for id, r := range recs {
		unpacked, err := m.ensureLocalLocked(ctx, r)
		if err != nil {
			errs = append(errs, err)
			m.log.Error("extension installed through another host cannot be used here", "id", id, "version", r.Version, "error", err)
			continue
		}
		if unpacked {
			changes = append(changes, change{id, r})
		}
	}
	gone, err := m.removeUnreferenced(recs)
	m.mu.Unlock()
	if err != nil {
		errs = append(errs, err)
	}
	for _, id := range gone {
		changes = append(changes, change{id, nil})
	}
	for _, c := range changes {
		m.changed(ctx, c.id, c.rec)
	}
	return errors.Join(errs...)
}

// Follow runs Sync now and then every interval until ctx ends, so a host
// learns of installs, upgrades and uninstalls made through other hosts.
func (m *Manager) Follow(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := m.Sync(ctx); err != nil && ctx.Err() == nil {
			m.log.Warn("extensions not in step with the store", "error", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// ensureLocal makes sure r's release folder exists on this host before a
// launch, unpacking it from the store when it was installed elsewhere.
// It returns the record current after the check.
func (m *Manager) ensureLocal(ctx context.Context, r *Record) (*Record, error) {
	if _, err := os.Stat(m.releaseDir(r)); err == nil {
		return r, nil
	}
	m.mu.Lock()
	// The record may have changed while waiting for the lock.
	cur, err := m.record(ctx, r.ID)
	if err != nil {
		m.mu.Unlock()
		return nil, err
	}
	// Changed is not called: this runs inside a launch, and nothing of a
	// release that was not here can be running. Sync tells the rest.
	_, err = m.ensureLocalLocked(ctx, cur)
	m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return cur, nil
}

func (m *Manager) releaseDir(r *Record) string {
	return filepath.Join(m.root, filepath.FromSlash(r.Dir))
}

// ensureLocalLocked unpacks r from its stored archive unless its release
// folder is here already; it reports whether it unpacked. The stored
// bytes go through the same checks as an install: the digest the record
// holds, the signature against this host's trusted keys, fit to this
// host, every file's hash while unpacking, and the pin of decision 0180
// (the record's publisher and signing key).
func (m *Manager) ensureLocalLocked(ctx context.Context, r *Record) (bool, error) {
	final := m.releaseDir(r)
	if _, err := os.Stat(final); err == nil {
		return false, nil
	}
	if r.Runtime == nil && r.Platform != m.cfg.Platform {
		return false, fmt.Errorf("%s %s: %w: it was installed for %s and this host is %s", r.ID, r.Version, ErrStoredArchive, r.Platform, m.cfg.Platform)
	}
	var sa storedArchive
	if err := m.cfg.Docs.Get(ctx, kindArchive, archiveKey(r.ID, r.ArchiveSHA256), &sa); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return false, fmt.Errorf("%s %s: %w: the store holds no archive for it (installed before archives were kept in the store); upgrade or reinstall it through any host", r.ID, r.Version, ErrStoredArchive)
		}
		return false, fmt.Errorf("read the stored archive of %s: %w", r.ID, err)
	}
	sum := sha256.Sum256(sa.Data)
	if got := hex.EncodeToString(sum[:]); got != r.ArchiveSHA256 {
		return false, fmt.Errorf("%s %s: %w: the stored archive has sha256 %s and the record %s", r.ID, r.Version, ErrStoredArchive, got, r.ArchiveSHA256)
	}
	tmp, err := os.CreateTemp(filepath.Join(m.root, stagingDir), "stored-*.ext")
	if err != nil {
		return false, fmt.Errorf("prepare staging: %w", err)
	}
	st := &staged{archive: tmp.Name(), sum: r.ArchiveSHA256, origin: r.Source}
	defer st.discard()
	_, werr := tmp.Write(sa.Data)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return false, fmt.Errorf("write the stored archive to staging: %w", werr)
	}
	if err := m.verify(ctx, Source{}, r.ID, st); err != nil {
		return false, fmt.Errorf("%s %s from the store: %w", r.ID, r.Version, err)
	}
	if err := checkPin(r, st); err != nil {
		return false, err
	}
	if err := sameRelease(r, st); err != nil {
		return false, err
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return false, fmt.Errorf("prepare extension folder: %w", err)
	}
	if err := os.Rename(st.dir, final); err != nil {
		return false, fmt.Errorf("move extension into place: %w", err)
	}
	st.dir = ""
	m.log.Info("extension installed through another host unpacked and verified here", "id", r.ID, "version", r.Version,
		"publisher", r.Publisher, "key_id", st.v.KeyID)
	return true, nil
}

// sameRelease requires what was unpacked here to be exactly the release
// the record describes, file for file.
func sameRelease(r *Record, st *staged) error {
	if st.man.Version != r.Version {
		return fmt.Errorf("%s: %w: the stored archive is version %s and the record %s", r.ID, ErrStoredArchive, st.man.Version, r.Version)
	}
	want := map[string]string{}
	for _, f := range r.Files {
		want[f.Path] = f.SHA256
	}
	var wrong []string
	for _, f := range st.unpacked.Files {
		if want[f.Path] != f.SHA256 {
			wrong = append(wrong, f.Path)
		}
		delete(want, f.Path)
	}
	for p := range want {
		wrong = append(wrong, p)
	}
	if len(wrong) > 0 || st.unpacked.Binary.SHA256 != r.Binary.SHA256 {
		return fmt.Errorf("%s %s: %w: files differ from the record: %s", r.ID, r.Version, ErrStoredArchive, strings.Join(wrong, ", "))
	}
	return nil
}

// records reads every installed extension's record, by id.
func (m *Manager) records(ctx context.Context) (map[string]*Record, error) {
	recs := map[string]*Record{}
	err := m.cfg.Docs.List(ctx, kindExtension, func(id string, decode func(any) error) error {
		var r Record
		if err := decode(&r); err != nil {
			return err
		}
		recs[id] = &r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("extensions: read records: %w", err)
	}
	return recs, nil
}

// removeUnreferenced removes release folders no record points to and
// returns the ids that have no record at all any more. The caller holds
// m.mu, so a commit in progress on this host (which moves its folder in
// before writing its record) is never swept.
func (m *Manager) removeUnreferenced(recs map[string]*Record) ([]string, error) {
	ids, err := os.ReadDir(m.root)
	if err != nil {
		return nil, fmt.Errorf("extensions: read folder: %w", err)
	}
	var gone []string
	for _, id := range ids {
		if !id.IsDir() || strings.HasPrefix(id.Name(), ".") {
			continue
		}
		releases, err := os.ReadDir(filepath.Join(m.root, id.Name()))
		if err != nil {
			return gone, err
		}
		r := recs[id.Name()]
		for _, rel := range releases {
			if r != nil && filepath.Join(id.Name(), rel.Name()) == filepath.FromSlash(r.Dir) {
				continue
			}
			if err := os.RemoveAll(filepath.Join(m.root, id.Name(), rel.Name())); err != nil {
				m.log.Warn("could not remove a release folder no record points to", "dir", filepath.Join(id.Name(), rel.Name()), "error", err)
			}
		}
		if r == nil {
			_ = os.Remove(filepath.Join(m.root, id.Name())) // only when empty
			m.log.Info("extension with no record removed from this host", "id", id.Name())
			gone = append(gone, id.Name())
		}
	}
	return gone, nil
}
