package ext

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// packTime is the modification time written for every entry, so packing
// the same folder twice gives the same bytes.
var packTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// PackOptions tunes Pack.
type PackOptions struct {
	// Key signs the archive in the same step when set; otherwise the
	// archive is unsigned and `idbridge ext sign` signs it later.
	Key ed25519.PrivateKey
	// Describe, when set, runs the binary for this platform and the pack
	// is refused when its id, version or protocol differ from the
	// manifest's (see decision 0204).
	Describe DescribeFunc
}

// Pack builds an .ext from dir and writes it to w. dir holds a
// manifest.json whose descriptive fields and platform binary paths are
// filled in; Pack computes every hash and size, lists every other file
// under "files", validates the result and writes the archive with
// manifest.json first. Symbolic links and other non-regular files in dir
// are refused, as an installing host would refuse them.
func Pack(ctx context.Context, dir string, w io.Writer, opts PackOptions) (*Manifest, error) {
	tmpl, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, fmt.Errorf("pack: %w (the folder needs a manifest.json naming the extension and its binaries)", err)
	}
	dec := json.NewDecoder(bytes.NewReader(tmpl))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("pack: %s: %w", ManifestName, &ManifestError{Problem: err.Error()})
	}
	if m.FormatVersion == 0 {
		m.FormatVersion = FormatVersion
	}
	byPath := map[string]string{} // binary path -> platform
	for plat, b := range m.Platforms {
		byPath[b.Path] = plat
	}
	m.Files = nil
	var names []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			return nil
		}
		if rel == ManifestName || rel == SignatureName {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("pack: %s is not a regular file (links and special files cannot go into an extension)", rel)
		}
		if err := CheckPath(rel); err != nil {
			return fmt.Errorf("pack: %w", err)
		}
		sum, size, err := hashFile(p)
		if err != nil {
			return fmt.Errorf("pack: %w", err)
		}
		if plat, ok := byPath[rel]; ok {
			b := m.Platforms[plat]
			b.SHA256, b.Size = sum, size
			m.Platforms[plat] = b
		} else {
			m.Files = append(m.Files, File{Path: rel, SHA256: sum, Size: size})
		}
		names = append(names, rel)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for plat, b := range m.Platforms {
		if b.SHA256 == "" {
			return nil, fmt.Errorf("pack: the binary for %s, %q, is not in the folder", plat, b.Path)
		}
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("pack: %w", err)
	}
	if err := checkHostBinary(ctx, dir, &m, opts.Describe); err != nil {
		return nil, err
	}
	manifest, err := m.Marshal()
	if err != nil {
		return nil, fmt.Errorf("pack: %w", err)
	}
	var sig []byte
	if opts.Key != nil {
		sig = SignManifest(manifest, opts.Key).Marshal()
	}
	sort.Strings(names)
	zw := zip.NewWriter(w)
	if err := writeEntry(zw, ManifestName, bytes.NewReader(manifest), false); err != nil {
		return nil, err
	}
	if sig != nil {
		if err := writeEntry(zw, SignatureName, bytes.NewReader(sig), false); err != nil {
			return nil, err
		}
	}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return nil, fmt.Errorf("pack: %w", err)
		}
		_, isBinary := byPath[name]
		isBinary = isBinary || m.Runtime != nil && name == m.Runtime.Entry
		err = writeEntry(zw, name, f, isBinary)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("pack: %w", err)
	}
	return &m, nil
}

// PackFile is Pack into a file, written beside its final name and renamed
// into place so that a failed pack leaves no half archive.
func PackFile(ctx context.Context, dir, out string, opts PackOptions) (*Manifest, error) {
	var m *Manifest
	err := writeAtomically(out, func(w io.Writer) error {
		var err error
		m, err = Pack(ctx, dir, w, opts)
		return err
	})
	return m, err
}

// writeEntry adds one deflated file. Binaries are marked executable in
// the zip so that a plain unzip gives a runnable file; the host ignores
// the mark and decides itself.
func writeEntry(zw *zip.Writer, name string, r io.Reader, executable bool) error {
	hdr := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: packTime}
	mode := fs.FileMode(0o644)
	if executable {
		mode = 0o755
	}
	hdr.SetMode(mode)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("pack %s: %w", name, err)
	}
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("pack %s: %w", name, err)
	}
	return nil
}

func hashFile(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hexSum(h), n, nil
}

// writeAtomically writes a file through a temporary sibling and renames it
// over path only when fill succeeded.
func writeAtomically(path string, fill func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := fill(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
