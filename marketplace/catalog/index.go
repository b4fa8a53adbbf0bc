package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/idbridge/idbridge/marketplace/ext"
)

// IndexName is the index file inside a catalog folder and under a
// catalog's URL.
const IndexName = "index.json"

// IndexFormat is the index format this build reads and writes.
const IndexFormat = 1

// ErrNoIndex: the catalog has no index.json yet.
var ErrNoIndex = errors.New("the catalog has no index.json: run `idbridge marketplace index DIR` on its folder")

// Index lists every extension of a catalog.
type Index struct {
	// FormatVersion is IndexFormat.
	FormatVersion int `json:"format_version"`
	// Generated is when the index was written.
	Generated time.Time `json:"generated"`
	// Extensions are sorted by id.
	Extensions []Extension `json:"extensions"`
}

// Extension is one extension id with all its published versions.
type Extension struct {
	// ID is the manifest's id.
	ID string `json:"id"`
	// Name, Publisher and Description come from the newest version.
	Name        string `json:"name"`
	Publisher   string `json:"publisher"`
	Description string `json:"description"`
	// Versions are sorted newest first.
	Versions []Version `json:"versions"`
}

// Version is one downloadable archive.
type Version struct {
	// Version is the manifest's semantic version.
	Version string `json:"version"`
	// Download is the archive's location relative to the index (or an
	// absolute http(s) URL).
	Download string `json:"download"`
	// SHA256 is the hex digest of the whole archive.
	SHA256 string `json:"sha256"`
	// Size is the archive's length in bytes.
	Size int64 `json:"size"`
	// KeyID is the key that signed it, empty when unsigned.
	KeyID string `json:"key_id,omitempty"`
	// ProtocolVersions are the connector protocol versions it speaks.
	ProtocolVersions []int `json:"protocol_versions"`
	// HostVersion is the idbridge version range it supports.
	HostVersion string `json:"host_version"`
	// Platforms are the "os/arch" pairs it has binaries for; empty for an
	// interpreter-based connector.
	Platforms []string `json:"platforms"`
	// Runtime is the interpreter an interpreter-based connector runs on,
	// on any platform; the host checks it at install.
	Runtime *ext.Runtime `json:"runtime,omitempty"`
}

// Build indexes every *.ext file directly inside dir. Each archive is
// checked as a host would check it, except for trust, so a broken archive
// never gets listed; the error names the file.
func Build(ctx context.Context, dir string) (*Index, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "*.ext"))
	if err != nil {
		return nil, err
	}
	sort.Strings(matches)
	byID := map[string]*Extension{}
	publishers := map[string]string{}
	for _, p := range matches {
		v, m, err := describe(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("index %s: %w", filepath.Base(p), err)
		}
		e := byID[m.ID]
		if e == nil {
			e = &Extension{ID: m.ID}
			byID[m.ID] = e
		}
		for _, have := range e.Versions {
			if have.Version == v.Version {
				return nil, fmt.Errorf("index: %s and %s are both %s %s; keep one", have.Download, v.Download, m.ID, m.Version)
			}
		}
		// Hosts pin an extension to its publisher, so one id in one
		// catalog has one publisher.
		if len(e.Versions) > 0 && publishers[m.ID] != m.Publisher {
			return nil, fmt.Errorf("index: %s is published by %q in %s and by %q in %s; one extension id has one publisher",
				m.ID, publishers[m.ID], e.Versions[0].Download, m.Publisher, v.Download)
		}
		publishers[m.ID] = m.Publisher
		e.Versions = append(e.Versions, v)
		if newest(e.Versions) == v.Version {
			e.Name, e.Publisher, e.Description = m.Name, m.Publisher, m.Description
		}
	}
	idx := &Index{FormatVersion: IndexFormat, Generated: time.Now().UTC().Truncate(time.Second), Extensions: []Extension{}}
	for _, e := range byID {
		sort.Slice(e.Versions, func(i, j int) bool {
			return semver.MustParse(e.Versions[i].Version).GreaterThan(semver.MustParse(e.Versions[j].Version))
		})
		idx.Extensions = append(idx.Extensions, *e)
	}
	sort.Slice(idx.Extensions, func(i, j int) bool { return idx.Extensions[i].ID < idx.Extensions[j].ID })
	return idx, nil
}

// describe checks one archive and returns its index entry.
func describe(ctx context.Context, path string) (Version, *ext.Manifest, error) {
	a, err := ext.Open(ctx, path, ext.Limits{})
	if err != nil {
		return Version{}, nil, err
	}
	defer a.Close()
	if err := a.VerifyContents(ctx); err != nil {
		return Version{}, nil, err
	}
	v := Version{
		Version:          a.Manifest.Version,
		Download:         filepath.Base(path),
		Size:             a.Size,
		ProtocolVersions: a.Manifest.ProtocolVersions,
		HostVersion:      a.Manifest.HostVersion,
	}
	for plat := range a.Manifest.Platforms {
		v.Platforms = append(v.Platforms, plat)
	}
	v.Runtime = a.Manifest.Runtime
	sort.Strings(v.Platforms)
	if a.SignatureBytes != nil {
		sig, err := ext.ParseSignature(a.SignatureBytes)
		if err != nil {
			return Version{}, nil, err
		}
		v.KeyID = sig.KeyID
	}
	f, err := os.Open(path)
	if err != nil {
		return Version{}, nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return Version{}, nil, err
	}
	v.SHA256 = hex.EncodeToString(h.Sum(nil))
	return v, a.Manifest, nil
}

func newest(vs []Version) string {
	best := semver.MustParse(vs[0].Version)
	for _, v := range vs[1:] {
		if sv := semver.MustParse(v.Version); sv.GreaterThan(best) {
			best = sv
		}
	}
	return best.Original()
}

// WriteFile builds the index of dir and writes it to dir/index.json,
// replacing the old one atomically so a serving catalog never shows half
// an index.
func WriteFile(ctx context.Context, dir string) (*Index, error) {
	idx, err := Build(ctx, dir)
	if err != nil {
		return nil, err
	}
	data, err := idx.Marshal()
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dir, ".index-*.json")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return nil, err
	}
	return idx, os.Rename(tmp.Name(), filepath.Join(dir, IndexName))
}

// Marshal encodes the index as indented JSON.
func (idx *Index) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // version ranges stay readable: ">= 0.1.0"
	enc.SetIndent("", "  ")
	if err := enc.Encode(idx); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ErrBadIndex: the catalog's index.json is not a valid index; the
// wrapped text names the entry.
var ErrBadIndex = errors.New("the catalog index is invalid: rebuild it with `idbridge marketplace index`")

// ParseIndex decodes an index and checks what hosts rely on: ids,
// publishers and versions as a manifest would have them, a sha256 and a
// positive size for every download.
func ParseIndex(data []byte) (*Index, error) {
	var idx Index
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, fmt.Errorf("%w: not valid JSON: %v", ErrBadIndex, err)
	}
	if idx.FormatVersion != IndexFormat {
		return nil, fmt.Errorf("%w: it has format %d and this host reads %d: upgrade idbridge or the catalog", ErrBadIndex, idx.FormatVersion, IndexFormat)
	}
	for _, e := range idx.Extensions {
		if len(e.ID) > ext.MaxIDLength || len(e.Publisher) > ext.MaxIDLength || e.ID == "" || e.Publisher == "" {
			return nil, fmt.Errorf("%w: an extension has an id or publisher that is missing or longer than %d characters", ErrBadIndex, ext.MaxIDLength)
		}
		for _, v := range e.Versions {
			if err := ext.CheckVersion(v.Version); err != nil {
				return nil, fmt.Errorf("%w: %s: version %v", ErrBadIndex, e.ID, err)
			}
			if len(v.SHA256) != 64 || strings.Trim(v.SHA256, "0123456789abcdef") != "" {
				return nil, fmt.Errorf("%w: %s %s has no valid sha256", ErrBadIndex, e.ID, v.Version)
			}
			if v.Size <= 0 {
				return nil, fmt.Errorf("%w: %s %s has no size", ErrBadIndex, e.ID, v.Version)
			}
		}
	}
	return &idx, nil
}
