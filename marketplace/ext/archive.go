package ext

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	kzip "github.com/klauspost/compress/zip"
	"github.com/mholt/archives"
)

// Source is what an archive is read from: a file, or bytes in memory. Zip
// needs random access because its directory is at the end.
type Source interface {
	io.Reader
	io.ReaderAt
	io.Seeker
}

// Archive is an .ext whose structure and manifest have been checked but
// whose file contents have not. Call Verify, then CheckHost, then Unpack.
type Archive struct {
	// Manifest is the parsed manifest.json.
	Manifest *Manifest
	// ManifestBytes are its exact bytes, as signed.
	ManifestBytes []byte
	// SignatureBytes is manifest.sig, or nil when the archive is unsigned.
	SignatureBytes []byte
	// Size is the archive's length in bytes.
	Size int64

	entries      map[string]archives.FileInfo
	limits       Limits
	verification *Verification
	closer       io.Closer
}

// Open opens an .ext file; see Read. Close the archive when done.
func Open(ctx context.Context, path string, limits Limits) (*Archive, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open extension: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open extension: %w", err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("open extension: %s is not a regular file", path)
	}
	a, err := Read(ctx, f, st.Size(), limits)
	if err != nil {
		f.Close()
		return nil, err
	}
	a.closer = f
	return a, nil
}

// Close releases the underlying file, if Open opened one.
func (a *Archive) Close() error {
	if a.closer == nil {
		return nil
	}
	return a.closer.Close()
}

// Read checks an archive's structure without decompressing anything but
// manifest.json and manifest.sig: that it is a zip, that every entry is a
// plain file with a safe, unique name, that counts, sizes and compression
// ratios are within limits, and that the entries are exactly the files the
// manifest lists. src must stay readable until the Archive is done with.
func Read(ctx context.Context, src Source, size int64, limits Limits) (*Archive, error) {
	limits = limits.withDefaults()
	if size == 0 {
		return nil, ErrEmptyArchive
	}
	if size > limits.MaxArchiveBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrArchiveTooLarge, size, limits.MaxArchiveBytes)
	}
	if err := requireZip(ctx, src, limits); err != nil {
		return nil, err
	}
	a := &Archive{Size: size, entries: map[string]archives.FileInfo{}, limits: limits}
	folded := map[string]string{}
	var count int
	var total int64
	// A refusal is kept aside and the walk stopped with SkipAll, so the
	// error the user sees is ours, not wrapped in the walker's wording.
	var refusal error
	err := archives.Zip{}.Extract(ctx, src, func(ctx context.Context, f archives.FileInfo) error {
		if refusal = a.admit(f, folded, &count, &total); refusal != nil {
			return fs.SkipAll
		}
		return nil
	})
	if refusal != nil {
		return nil, refusal
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if a.ManifestBytes == nil {
		return nil, ErrNoManifest
	}
	if a.Manifest, err = ParseManifest(a.ManifestBytes); err != nil {
		return nil, err
	}
	if err := a.checkListing(); err != nil {
		return nil, err
	}
	return a, nil
}

// admit checks one entry during Read and keeps it.
func (a *Archive) admit(f archives.FileInfo, folded map[string]string, count *int, total *int64) error {
	limits := a.limits
	*count++
	if *count > limits.MaxFiles {
		return fmt.Errorf("%w: more than %d entries", ErrTooManyFiles, limits.MaxFiles)
	}
	name := f.NameInArchive
	if err := checkEntryType(f); err != nil {
		return err
	}
	if f.IsDir() {
		// Folders are implied by file paths; an entry for one is
		// harmless once its name is safe, and nothing is created for it.
		if err := CheckPath(strings.TrimSuffix(name, "/")); err != nil {
			return err
		}
		return nil
	}
	if err := CheckPath(name); err != nil {
		return err
	}
	if prev, dup := folded[foldName(name)]; dup {
		return &EntryError{Name: name, Detail: fmt.Sprintf("same name as %q", prev), Err: ErrDuplicateEntry}
	}
	folded[foldName(name)] = name
	if name == ManifestName && f.Size() > limits.MaxManifestBytes {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrManifestTooLarge, f.Size(), limits.MaxManifestBytes)
	}
	unpacked, err := checkEntrySize(f, limits)
	if err != nil {
		return err
	}
	*total += unpacked
	if *total > limits.MaxTotalBytes {
		return fmt.Errorf("%w: more than %d bytes in all", ErrTooManyBytes, limits.MaxTotalBytes)
	}
	switch name {
	case ManifestName:
		if a.ManifestBytes, err = readEntry(f, limits.MaxManifestBytes); err != nil {
			return err
		}
	case SignatureName:
		if a.SignatureBytes, err = readEntry(f, maxSignatureBytes); err != nil {
			return err
		}
	}
	a.entries[name] = f
	return nil
}

// requireZip names the format of anything that is not a zip, so that a
// .tar.gz renamed to .ext is reported as such.
func requireZip(ctx context.Context, src Source, limits Limits) error {
	format, _, err := archives.Identify(ctx, "", src)
	if _, serr := src.Seek(0, io.SeekStart); serr != nil {
		return fmt.Errorf("rewind archive: %w", serr)
	}
	if err != nil {
		if errors.Is(err, archives.NoMatch) {
			return fmt.Errorf("%w: the file is not an archive of any kind", ErrNotZip)
		}
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if _, ok := format.(archives.Zip); !ok {
		kind := strings.TrimPrefix(format.Extension(), ".")
		if danger := foreignDanger(ctx, format, src, limits); danger != nil {
			return fmt.Errorf("%w: the file is a %s archive, and it holds %w", ErrNotZip, kind, danger)
		}
		return fmt.Errorf("%w: the file is a %s archive", ErrNotZip, kind)
	}
	return nil
}

// foreignDanger looks through the headers of an uncompressed tar that was
// passed off as an .ext and returns the first link or special file in it,
// so the admin learns the file was not just misnamed but hostile. Only
// headers are read, at most limits.MaxFiles of them, and compressed
// formats are not opened at all.
func foreignDanger(ctx context.Context, format archives.Format, src Source, limits Limits) error {
	t, ok := format.(archives.Tar)
	if !ok {
		return nil
	}
	defer src.Seek(0, io.SeekStart) //nolint:errcheck // best effort: the caller refuses the file anyway
	var danger error
	n := 0
	_ = t.Extract(ctx, src, func(_ context.Context, f archives.FileInfo) error {
		if n++; n > limits.MaxFiles {
			return fs.SkipAll
		}
		if err := checkEntryType(f); err != nil {
			danger = err
			return fs.SkipAll
		}
		return nil
	})
	return danger
}

// checkEntryType accepts regular files and folders only.
func checkEntryType(f archives.FileInfo) error {
	name := f.NameInArchive
	mode := f.Mode()
	if h, ok := f.Header.(*tar.Header); ok && (h.Typeflag == tar.TypeLink) {
		return &EntryError{Name: name, Detail: "links to " + fmt.Sprintf("%q", h.Linkname), Err: ErrHardlink}
	}
	switch {
	case mode&fs.ModeSymlink != 0:
		return &EntryError{Name: name, Detail: fmt.Sprintf("points to %q", f.LinkTarget), Err: ErrSymlink}
	case f.LinkTarget != "":
		return &EntryError{Name: name, Detail: fmt.Sprintf("links to %q", f.LinkTarget), Err: ErrHardlink}
	case mode&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return &EntryError{Name: name, Detail: "device file", Err: ErrSpecialFile}
	case mode&fs.ModeNamedPipe != 0:
		return &EntryError{Name: name, Detail: "named pipe", Err: ErrSpecialFile}
	case mode&fs.ModeSocket != 0:
		return &EntryError{Name: name, Detail: "socket", Err: ErrSpecialFile}
	case mode&fs.ModeIrregular != 0 || (!mode.IsRegular() && !mode.IsDir()):
		return &EntryError{Name: name, Detail: "file type " + mode.Type().String(), Err: ErrSpecialFile}
	}
	if h, ok := f.Header.(kzip.FileHeader); ok {
		if h.Flags&0x1 != 0 {
			return &EntryError{Name: name, Detail: "encrypted", Err: ErrCompressionMethod}
		}
		if h.Method != kzip.Store && h.Method != kzip.Deflate {
			return &EntryError{Name: name, Detail: fmt.Sprintf("method %d", h.Method), Err: ErrCompressionMethod}
		}
	}
	return nil
}

// checkEntrySize applies the per-file size and ratio limits to the sizes
// the header declares, and returns the declared unpacked size.
func checkEntrySize(f archives.FileInfo, limits Limits) (int64, error) {
	unpacked := f.Size()
	var packed int64 = -1
	if h, ok := f.Header.(kzip.FileHeader); ok {
		unpacked = int64(h.UncompressedSize64)
		packed = int64(h.CompressedSize64)
		if h.UncompressedSize64 > 1<<62 || h.CompressedSize64 > 1<<62 {
			return 0, &EntryError{Name: f.NameInArchive, Detail: "absurd size in header", Err: ErrTooManyBytes}
		}
	}
	if unpacked > limits.MaxFileBytes {
		return 0, &EntryError{Name: f.NameInArchive, Detail: fmt.Sprintf("%d bytes, limit %d per file", unpacked, limits.MaxFileBytes), Err: ErrTooManyBytes}
	}
	if packed >= 0 && unpacked > limits.RatioFloorBytes {
		ratio := float64(unpacked) / float64(max(packed, 1))
		if ratio > limits.MaxRatio {
			return 0, &EntryError{Name: f.NameInArchive, Detail: fmt.Sprintf("%d bytes packed into %d, ratio %.0f:1, limit %.0f:1", unpacked, packed, ratio, limits.MaxRatio), Err: ErrCompressionRatio}
		}
	}
	return unpacked, nil
}

// readEntry reads a small entry whole, refusing more than limit bytes.
func readEntry(f archives.FileInfo, limit int64) ([]byte, error) {
	r, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, f.NameInArchive, err)
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, f.NameInArchive, err)
	}
	if int64(len(data)) > limit {
		if f.NameInArchive == ManifestName {
			return nil, fmt.Errorf("%w: limit %d bytes", ErrManifestTooLarge, limit)
		}
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrInvalidSignatureFile, limit)
	}
	return data, nil
}

// checkListing requires the entries to be exactly manifest.json, an
// optional manifest.sig and the files the manifest lists: anything else
// would not be covered by the signature.
func (a *Archive) checkListing() error {
	listed := map[string]bool{ManifestName: true, SignatureName: true}
	for _, p := range a.paths() {
		listed[p.path] = true
		if _, ok := a.entries[p.path]; !ok {
			return &EntryError{Name: p.path, Err: ErrMissingFile}
		}
	}
	for name := range a.entries {
		if !listed[name] {
			return &EntryError{Name: name, Err: ErrUnlistedFile}
		}
	}
	return nil
}

// listedPath is one file the manifest promises, with its expected content.
type listedPath struct {
	path     string
	sha256   string
	size     int64
	platform string // set for binaries
}

// paths lists every file the manifest promises, binaries first.
func (a *Archive) paths() []listedPath {
	var out []listedPath
	for _, plat := range sortedKeys(a.Manifest.Platforms) {
		b := a.Manifest.Platforms[plat]
		out = append(out, listedPath{path: b.Path, sha256: b.SHA256, size: b.Size, platform: plat})
	}
	for _, f := range a.Manifest.Files {
		out = append(out, listedPath{path: f.Path, sha256: f.SHA256, size: f.Size})
	}
	return out
}
