package ext

import (
	"errors"
	"fmt"
)

// The sentinel errors below let callers (the host's API, the CLI, tests)
// tell refusals apart with errors.Is. Each is wrapped with the detail that
// names the offending entry, and the text says what to do about it.
var (
	// ErrEmptyArchive: the file has no bytes at all, usually an interrupted
	// download.
	ErrEmptyArchive = errors.New("the .ext file is empty: download it again")
	// ErrNotZip: the file is not a zip archive. An .ext is always a zip
	// written by `idbridge ext pack`.
	ErrNotZip = errors.New("not an .ext: an extension must be a zip archive made by `idbridge ext pack`")
	// ErrCorrupt: the zip structure cannot be read (truncated or damaged).
	ErrCorrupt = errors.New("the .ext archive is damaged or truncated: download it again")
	// ErrArchiveTooLarge: the archive file itself is bigger than the limit.
	ErrArchiveTooLarge = errors.New("the .ext archive is larger than this host accepts")
	// ErrNoSuchFile: the archive path given does not exist.
	ErrNoSuchFile = errors.New("no such file: give the path of an .ext file")
	// ErrFileNotReadable: the archive path exists but may not be read.
	ErrFileNotReadable = errors.New("the .ext file cannot be read: check its permissions")
	// ErrNotRegularFile: the archive path is a folder, pipe, device or
	// socket; only a regular .ext file is read.
	ErrNotRegularFile = errors.New("only a regular .ext file can be installed")
	// ErrDirectoryTooLarge: the zip's central directory is bigger than
	// Limits.MaxDirectoryBytes; it is refused before it is parsed.
	ErrDirectoryTooLarge = errors.New("the archive's zip directory is larger than this host accepts")
	// ErrOverlappingEntries: two entries share compressed bytes, a
	// construction only zip bombs use.
	ErrOverlappingEntries = errors.New("entries of the archive overlap (zip bomb)")
	// ErrAbsolutePath: an entry name is absolute ("/etc/passwd", "C:\x"),
	// which would let it land anywhere on the host.
	ErrAbsolutePath = errors.New("absolute paths are not allowed in an extension")
	// ErrPathTraversal: an entry name climbs out of the extension's folder
	// with "..", the zip-slip attack.
	ErrPathTraversal = errors.New("paths that climb out with \"..\" are not allowed in an extension")
	// ErrUnsafePath: an entry name uses backslashes, colons, control
	// characters or reserved device names, or is not in clean form; such
	// names mean different things on different systems.
	ErrUnsafePath = errors.New("unsafe entry name: extensions may only contain clean, portable relative paths")
	// ErrSymlink: an entry is a symbolic link; extensions carry plain files only.
	ErrSymlink = errors.New("symbolic links are not allowed in an extension")
	// ErrHardlink: an entry is a hard link; extensions carry plain files only.
	ErrHardlink = errors.New("hard links are not allowed in an extension")
	// ErrSpecialFile: an entry is a device, pipe, socket or other non-regular file.
	ErrSpecialFile = errors.New("device files, pipes and sockets are not allowed in an extension")
	// ErrDuplicateEntry: two entries have the same name, compared the way
	// some file system would: without case (macOS, Windows) and after
	// Unicode normalisation (macOS), or a file has the name of a folder.
	ErrDuplicateEntry = errors.New("the archive lists the same file twice, or names that some file system would take for the same file")
	// ErrTooManyFiles: more entries than Limits.MaxFiles.
	ErrTooManyFiles = errors.New("the archive has more files than this host accepts")
	// ErrTooManyBytes: the unpacked size exceeds Limits.MaxTotalBytes or
	// Limits.MaxFileBytes.
	ErrTooManyBytes = errors.New("the archive unpacks to more bytes than this host accepts")
	// ErrCompressionRatio: an entry expands far more than real content does,
	// the mark of a zip bomb.
	ErrCompressionRatio = errors.New("an entry expands suspiciously (zip bomb)")
	// ErrCompressionMethod: an entry is encrypted or uses a compression
	// method other than store or deflate, which `idbridge ext pack` never
	// writes.
	ErrCompressionMethod = errors.New("an entry is encrypted or uses an unsupported compression method: repack the extension with `idbridge ext pack`")
	// ErrNoManifest: manifest.json is missing.
	ErrNoManifest = errors.New("manifest.json is missing: pack the extension with `idbridge ext pack`")
	// ErrManifestTooLarge: manifest.json exceeds Limits.MaxManifestBytes.
	ErrManifestTooLarge = errors.New("manifest.json is larger than this host accepts")
	// ErrInvalidManifest: manifest.json does not parse or fails validation;
	// the wrapping *ManifestError names the field.
	ErrInvalidManifest = errors.New("invalid manifest.json")
	// ErrUnsigned: manifest.sig is missing.
	ErrUnsigned = errors.New("the extension is not signed: sign it with `idbridge ext sign`, or allow unsigned extensions from this publisher")
	// ErrInvalidSignatureFile: manifest.sig does not parse.
	ErrInvalidSignatureFile = errors.New("manifest.sig is malformed: sign the extension again with `idbridge ext sign`")
	// ErrUntrustedKey: the signing key is not among the keys the admin trusts.
	ErrUntrustedKey = errors.New("the extension is signed by a key this host does not trust: add the marketplace's public key, or allow this publisher")
	// ErrBadSignature: the signature does not match manifest.json; the
	// manifest was changed after signing, or the signature belongs to
	// another manifest.
	ErrBadSignature = errors.New("the signature does not match manifest.json: the extension was modified after it was signed")
	// ErrMissingFile: the manifest lists a file that the archive lacks.
	ErrMissingFile = errors.New("a file listed in manifest.json is missing from the archive")
	// ErrUnlistedFile: the archive holds a file the manifest does not list,
	// so it is not covered by the signature.
	ErrUnlistedFile = errors.New("the archive holds a file that manifest.json does not list")
	// ErrHashMismatch: a file's content does not have the sha256 the
	// manifest promises.
	ErrHashMismatch = errors.New("a file does not match its sha256 in manifest.json: the extension was modified after it was packed")
	// ErrSizeMismatch: a file's length differs from the manifest or from
	// its zip header.
	ErrSizeMismatch = errors.New("a file does not have the size manifest.json or its zip header declares")
	// ErrUnsupportedProtocol: the extension speaks no protocol this host knows.
	ErrUnsupportedProtocol = errors.New("the extension speaks no connector protocol version this host supports")
	// ErrHostVersion: the extension requires another host version.
	ErrHostVersion = errors.New("the extension does not support this idbridge version")
	// ErrNoPlatform: the extension has no binary for the host's OS and CPU.
	ErrNoPlatform = errors.New("the extension has no binary for this host's platform")
)

// EntryError names the archive entry a refusal is about.
type EntryError struct {
	// Name is the entry's name as written in the archive (quoted when shown).
	Name string
	// Detail adds what was found, e.g. a link target or a size.
	Detail string
	// Err is one of the sentinel errors above.
	Err error
}

func (e *EntryError) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("%q: %v", e.Name, e.Err)
	}
	return fmt.Sprintf("%q: %v (%s)", e.Name, e.Err, e.Detail)
}

// Unwrap lets errors.Is match the sentinel.
func (e *EntryError) Unwrap() error { return e.Err }

// ManifestError names the manifest field that is wrong and why.
type ManifestError struct {
	// Field is the JSON path of the field, e.g. "platforms[linux/amd64].sha256".
	Field string
	// Problem says what is wrong with it and what is expected instead.
	Problem string
}

func (e *ManifestError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%v: %s", ErrInvalidManifest, e.Problem)
	}
	return fmt.Sprintf("%v: %s: %s", ErrInvalidManifest, e.Field, e.Problem)
}

// Unwrap lets errors.Is(err, ErrInvalidManifest) match.
func (e *ManifestError) Unwrap() error { return ErrInvalidManifest }
