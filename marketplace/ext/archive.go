package ext

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
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

	entries      map[string]*kzip.File
	limits       Limits
	verification *Verification
	closer       io.Closer
	meter        meter
}

// Open opens an .ext file; see Read. Close the archive when done. Only a
// regular file is opened: a pipe or device given as the archive would
// block the caller or never end.
func Open(ctx context.Context, path string, limits Limits) (*Archive, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open extension: %w", err)
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
// manifest.json and manifest.sig: that it is a zip whose directory is
// within limits before it is parsed, that no two entries share bytes,
// that every entry is a plain file with a safe, unique, portable name,
// that counts, sizes and declared compression ratios are within limits,
// and that the entries are exactly the files the manifest lists. src must
// stay readable until the Archive is done with.
func Read(ctx context.Context, src Source, size int64, limits Limits) (*Archive, error) {
	limits = limits.withDefaults()
	if size == 0 {
		return nil, ErrEmptyArchive
	}
	if size > limits.MaxArchiveBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrArchiveTooLarge, size, limits.MaxArchiveBytes)
	}
	if err := requireZip(ctx, src, size, limits); err != nil {
		return nil, err
	}
	dir, err := checkDirectory(src, size, limits)
	if err != nil {
		return nil, err
	}
	zr, err := kzip.NewReader(src, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if len(zr.File) > limits.MaxFiles {
		return nil, fmt.Errorf("%w: more than %d entries", ErrTooManyFiles, limits.MaxFiles)
	}
	if err := checkNoOverlap(zr.File, dir.offset); err != nil {
		return nil, err
	}
	a := &Archive{Size: size, entries: map[string]*kzip.File{}, limits: limits}
	a.meter.reset(limits, size)
	names := newNameSet()
	var total int64
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := a.admit(f, names, &total); err != nil {
			return nil, err
		}
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
func (a *Archive) admit(f *kzip.File, names *nameSet, total *int64) error {
	limits := a.limits
	name := f.Name
	if err := a.checkEntryType(f); err != nil {
		return err
	}
	if f.Mode().IsDir() {
		// Folders are implied by file paths; an entry for one is
		// harmless once its name is safe, and nothing is created for it.
		dir := strings.TrimSuffix(name, "/")
		if err := CheckPath(dir); err != nil {
			return err
		}
		return names.addDir(dir)
	}
	if err := CheckPath(name); err != nil {
		return err
	}
	if err := names.addFile(name); err != nil {
		return err
	}
	if name == ManifestName && f.UncompressedSize64 > uint64(limits.MaxManifestBytes) {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrManifestTooLarge, f.UncompressedSize64, limits.MaxManifestBytes)
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
		if a.ManifestBytes, err = a.readEntry(f, limits.MaxManifestBytes); err != nil {
			return err
		}
	case SignatureName:
		if a.SignatureBytes, err = a.readEntry(f, maxSignatureBytes); err != nil {
			return err
		}
	}
	a.entries[name] = f
	return nil
}

// maxLinkTargetShown bounds how much of a symbolic link's target is read
// to name it in the refusal.
const maxLinkTargetShown = 200

// checkEntryType accepts regular files and folders only, stored or
// deflated, unencrypted. Types come from the directory record; only a
// symbolic link's target is read, and only its first bytes, to show it.
func (a *Archive) checkEntryType(f *kzip.File) error {
	name := f.Name
	mode := f.Mode()
	switch {
	case mode&fs.ModeSymlink != 0:
		return &EntryError{Name: name, Detail: a.linkTarget(f), Err: ErrSymlink}
	case mode&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return &EntryError{Name: name, Detail: "device file", Err: ErrSpecialFile}
	case mode&fs.ModeNamedPipe != 0:
		return &EntryError{Name: name, Detail: "named pipe", Err: ErrSpecialFile}
	case mode&fs.ModeSocket != 0:
		return &EntryError{Name: name, Detail: "socket", Err: ErrSpecialFile}
	case mode&fs.ModeIrregular != 0 || (!mode.IsRegular() && !mode.IsDir()):
		return &EntryError{Name: name, Detail: "file type " + mode.Type().String(), Err: ErrSpecialFile}
	}
	if f.Flags&0x1 != 0 {
		return &EntryError{Name: name, Detail: "encrypted", Err: ErrCompressionMethod}
	}
	if f.Method != kzip.Store && f.Method != kzip.Deflate {
		return &EntryError{Name: name, Detail: fmt.Sprintf("method %d", f.Method), Err: ErrCompressionMethod}
	}
	return nil
}

// linkTarget describes where a symbolic link entry points, reading at most
// maxLinkTargetShown bytes of it whatever its length.
func (a *Archive) linkTarget(f *kzip.File) string {
	if f.Method != kzip.Store && f.Method != kzip.Deflate {
		return "a link"
	}
	var buf bytes.Buffer
	n, err := a.stream(context.Background(), f, maxLinkTargetShown, &buf)
	if err != nil && n == 0 {
		return "a link"
	}
	target := buf.String()
	if len(target) > maxLinkTargetShown {
		return fmt.Sprintf("points to %q... (%d bytes)", target[:maxLinkTargetShown], f.UncompressedSize64)
	}
	return fmt.Sprintf("points to %q", target)
}

// checkForeignEntryType is checkEntryType for the entries of another
// archive format passed off as an .ext; it names links and special files.
func checkForeignEntryType(f archives.FileInfo) error {
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
	case mode&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeIrregular) != 0:
		return &EntryError{Name: name, Detail: "file type " + mode.Type().String(), Err: ErrSpecialFile}
	}
	return nil
}

// checkEntrySize applies the per-file size and ratio limits to the sizes
// the header declares, and returns the declared unpacked size. The same
// limits are applied again to the bytes actually produced (see meter).
func checkEntrySize(f *kzip.File, limits Limits) (int64, error) {
	if f.UncompressedSize64 > 1<<62 || f.CompressedSize64 > 1<<62 {
		return 0, &EntryError{Name: f.Name, Detail: "absurd size in header", Err: ErrTooManyBytes}
	}
	unpacked, packed := int64(f.UncompressedSize64), int64(f.CompressedSize64)
	if unpacked > limits.MaxFileBytes {
		return 0, &EntryError{Name: f.Name, Detail: fmt.Sprintf("%d bytes, limit %d per file", unpacked, limits.MaxFileBytes), Err: ErrTooManyBytes}
	}
	if unpacked > limits.RatioFloorBytes {
		ratio := float64(unpacked) / float64(max(packed, 1))
		if ratio > limits.MaxRatio {
			return 0, &EntryError{Name: f.Name, Detail: fmt.Sprintf("%d bytes packed into %d, ratio %.0f:1, limit %.0f:1", unpacked, packed, ratio, limits.MaxRatio), Err: ErrCompressionRatio}
		}
	}
	return unpacked, nil
}

// readEntry reads a small entry whole, refusing more than limit bytes.
func (a *Archive) readEntry(f *kzip.File, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	n, err := a.stream(context.Background(), f, limit, &buf)
	if err != nil {
		return nil, err
	}
	if n > limit {
		if f.Name == ManifestName {
			return nil, fmt.Errorf("%w: limit %d bytes", ErrManifestTooLarge, limit)
		}
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrInvalidSignatureFile, limit)
	}
	return buf.Bytes(), nil
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
