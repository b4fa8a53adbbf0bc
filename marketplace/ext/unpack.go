package ext

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
)

// ErrNotVerified: Unpack was called before Verify succeeded, a bug in the
// caller.
var ErrNotVerified = errors.New("the extension's signature has not been verified: call Verify before Unpack")

// UnpackedFile is one file Unpack wrote, with the hash it was checked against.
type UnpackedFile struct {
	// Path is relative to the unpack folder, slash-separated.
	Path string `json:"path"`
	// SHA256 is the hex digest of the content written.
	SHA256 string `json:"sha256"`
	// Size is its length.
	Size int64 `json:"size"`
	// Executable is set for the host platform's binary, or the entry
	// script of an interpreter-based connector, only.
	Executable bool `json:"executable,omitempty"`
}

// Unpacked is what Unpack produced.
type Unpacked struct {
	// Files are the files written, sorted by path.
	Files []UnpackedFile
	// Binary is the host platform's binary among Files.
	Binary UnpackedFile
}

// Unpack writes the extension into dir, which must exist and be empty; the
// caller owns it and removes it if Unpack fails. Every listed file is
// decompressed and hashed, including the binaries of other platforms,
// because an archive with any file that does not match its signed manifest
// is tampered and refused whole. Only the platform's binary is written
// with the executable bit; other platforms' binaries are hashed and
// skipped, so nothing runnable for another system sits on the host.
// manifest.json and manifest.sig are written too, so the installation can
// be verified again later.
//
// Files are written through an os.Root opened on dir, so no name, however
// crafted, can place anything outside it.
func (a *Archive) Unpack(ctx context.Context, dir, platform string) (*Unpacked, error) {
	if a.verification == nil {
		return nil, ErrNotVerified
	}
	bin, err := a.Manifest.HostBinary(platform)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open staging folder: %w", err)
	}
	defer root.Close()

	a.meter.reset(a.limits, a.Size)
	jobs := a.paths()
	for _, meta := range []string{ManifestName, SignatureName} {
		if f, ok := a.entries[meta]; ok {
			// Read has bounded these; their hash is whatever they contain.
			jobs = append(jobs, listedPath{path: meta, size: int64(f.UncompressedSize64), sha256: ""})
		}
	}
	// Largest first, so the workers finish together.
	sort.SliceStable(jobs, func(i, j int) bool { return jobs[i].size > jobs[j].size })

	results := make([]UnpackedFile, len(jobs))
	written := make([]bool, len(jobs))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		next     = make(chan int)
	)
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				j := jobs[i]
				write := j.platform == "" || j.platform == platform
				// The platform's binary, or an interpreter's entry script.
				exec := (j.platform == platform || a.Manifest.Runtime != nil) && j.path == bin.Path
				res, err := a.extractOne(ctx, root, j, write, exec)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
						cancel()
					}
					mu.Unlock()
					continue
				}
				results[i], written[i] = res, write
			}
		}()
	}
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := &Unpacked{}
	for i, r := range results {
		if !written[i] {
			continue
		}
		out.Files = append(out.Files, r)
		if r.Executable {
			out.Binary = r
		}
	}
	sort.Slice(out.Files, func(i, j int) bool { return out.Files[i].Path < out.Files[j].Path })
	return out, nil
}

// VerifyContents decompresses and hashes every listed file without writing
// anything; `idbridge ext sign` uses it so that only consistent archives
// get signed.
func (a *Archive) VerifyContents(ctx context.Context) error {
	a.meter.reset(a.limits, a.Size)
	for _, j := range a.paths() {
		if _, err := a.extractOne(ctx, nil, j, false, false); err != nil {
			return err
		}
	}
	return nil
}

// extractOne streams one entry through its hash, into root when write is
// set, and checks length and digest against the manifest and the header.
func (a *Archive) extractOne(ctx context.Context, root *os.Root, j listedPath, write, exec bool) (UnpackedFile, error) {
	entry := a.entries[j.path]
	if j.size > a.limits.MaxFileBytes {
		return UnpackedFile{}, &EntryError{Name: j.path, Detail: fmt.Sprintf("manifest says %d bytes, limit %d", j.size, a.limits.MaxFileBytes), Err: ErrTooManyBytes}
	}
	if int64(entry.UncompressedSize64) != j.size {
		return UnpackedFile{}, &EntryError{Name: j.path, Detail: fmt.Sprintf("zip header says %d bytes, manifest %d", entry.UncompressedSize64, j.size), Err: ErrSizeMismatch}
	}

	h := sha256.New()
	var dst io.Writer = h
	var out *os.File
	if write {
		if d := path.Dir(j.path); d != "." {
			if err := root.MkdirAll(filepath.FromSlash(d), 0o755); err != nil {
				return UnpackedFile{}, fmt.Errorf("unpack %s: %w", j.path, err)
			}
		}
		perm := os.FileMode(0o644)
		if exec {
			perm = 0o755
		}
		var err error
		out, err = root.OpenFile(filepath.FromSlash(j.path), os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if err != nil {
			return UnpackedFile{}, fmt.Errorf("unpack %s: %w", j.path, err)
		}
		defer out.Close()
		dst = io.MultiWriter(h, out)
	}
	// One byte more than promised is read so that a longer stream is caught.
	n, err := a.stream(ctx, entry, j.size, dst)
	if err != nil {
		if ctx.Err() != nil {
			return UnpackedFile{}, ctx.Err()
		}
		return UnpackedFile{}, err
	}
	if n != j.size {
		return UnpackedFile{}, &EntryError{Name: j.path, Detail: fmt.Sprintf("%d bytes, manifest says %d", n, j.size), Err: ErrSizeMismatch}
	}
	sum := hexSum(h)
	if j.sha256 != "" && sum != j.sha256 {
		return UnpackedFile{}, &EntryError{Name: j.path, Detail: "sha256 " + sum + ", manifest says " + j.sha256, Err: ErrHashMismatch}
	}
	if out != nil {
		if err := out.Close(); err != nil {
			return UnpackedFile{}, fmt.Errorf("unpack %s: %w", j.path, err)
		}
	}
	return UnpackedFile{Path: j.path, SHA256: sum, Size: n, Executable: exec}, nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }
