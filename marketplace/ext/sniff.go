package ext

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"

	"github.com/mholt/archives"
)

// magic is a file format recognised by its first bytes.
type magic struct {
	offset int
	prefix string
	name   string
}

// magics name what people pass off as an .ext, checked in this order so
// the answer is the same on every run. Identification by content rather
// than by a library's registry of formats keeps the message stable: a
// registry walked in map order can name the same file differently.
var magics = []magic{
	{0, "\x28\xb5\x2f\xfd", "zstd-compressed file"},
	{0, "\xfd7zXZ\x00", "xz-compressed file"},
	{0, "BZh", "bzip2-compressed file"},
	{0, "7z\xbc\xaf\x27\x1c", "7z archive"},
	{0, "Rar!\x1a\x07", "rar archive"},
	{0, "\x04\x22\x4d\x18", "lz4-compressed file"},
	{0, "\x7fELF", "program (ELF executable), not an archive"},
	{0, "MZ", "Windows program, not an archive"},
	{0, "\xcf\xfa\xed\xfe", "macOS program, not an archive"},
	{257, "ustar", "tar archive"},
}

// isZip reports whether the file starts like a zip: a local file header,
// or the end record of an empty archive.
func isZip(head []byte) bool {
	return bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06"))
}

// requireZip refuses anything that is not a zip and names what it is, so
// that an admin who picked the wrong download learns which file they have.
// An uncompressed tar is also searched for links and special files, so the
// admin learns when the file was not just misnamed but hostile.
func requireZip(ctx context.Context, src Source, size int64, limits Limits) error {
	head := make([]byte, 512)
	n, err := src.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	head = head[:n]
	if isZip(head) {
		return nil
	}
	kind := ""
	if bytes.HasPrefix(head, []byte("\x1f\x8b")) {
		kind = "gzip-compressed file"
		if gz, err := gzip.NewReader(bytes.NewReader(head)); err == nil {
			inner := make([]byte, 262)
			if m, _ := io.ReadFull(gz, inner); m >= 262 && string(inner[257:262]) == "ustar" {
				kind = "tar.gz archive"
			}
		}
	}
	for _, m := range magics {
		if len(head) >= m.offset+len(m.prefix) && string(head[m.offset:m.offset+len(m.prefix)]) == m.prefix {
			kind = m.name
			break
		}
	}
	if kind == "tar archive" {
		if danger := tarDanger(ctx, io.NewSectionReader(src, 0, size), limits); danger != nil {
			return fmt.Errorf("%w: the file is a %s, and it holds %w; only zip archives are accepted", ErrNotZip, kind, danger)
		}
	}
	if kind == "" {
		return fmt.Errorf("%w: the file is not an archive of any kind; only zip archives are accepted", ErrNotZip)
	}
	return fmt.Errorf("%w: the file is a %s; only zip archives are accepted", ErrNotZip, kind)
}

// tarDanger returns the first link or special file among a tar's headers.
// Only headers are read, at most limits.MaxFiles of them.
func tarDanger(ctx context.Context, r io.Reader, limits Limits) error {
	var danger error
	n := 0
	_ = archives.Tar{}.Extract(ctx, r, func(_ context.Context, f archives.FileInfo) error {
		if n++; n > limits.MaxFiles {
			return fs.SkipAll
		}
		if err := checkForeignEntryType(f); err != nil {
			danger = err
			return fs.SkipAll
		}
		return nil
	})
	return danger
}
