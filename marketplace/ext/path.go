package ext

import (
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"
)

// maxPathLen bounds entry names; real extensions use short ones, and the
// bound keeps a hostile name from blowing past file system limits.
const maxPathLen = 255

// windowsReserved are base names that Windows maps to devices in every
// folder, so a file called "nul.txt" can never be written there.
var windowsReserved = map[string]bool{
	"con": true, "prn": true, "aux": true, "nul": true,
	"com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true,
}

// CheckPath reports whether name is acceptable as a file path inside an
// extension: relative, clean, slash-separated and portable to every
// platform the host runs on. It returns nil or an error wrapping
// ErrAbsolutePath, ErrPathTraversal or ErrUnsafePath.
func CheckPath(name string) error {
	switch {
	case name == "":
		return &EntryError{Name: name, Detail: "empty name", Err: ErrUnsafePath}
	case strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`) || (len(name) >= 2 && name[1] == ':'):
		return &EntryError{Name: name, Err: ErrAbsolutePath}
	case name == ".." || strings.HasPrefix(name, "../") || strings.Contains(name, "/../") || strings.HasSuffix(name, "/..") ||
		strings.HasPrefix(name, `..\`) || strings.Contains(name, `\..\`) || strings.Contains(name, `/..\`) || strings.Contains(name, `\../`):
		return &EntryError{Name: name, Err: ErrPathTraversal}
	case len(name) > maxPathLen:
		return &EntryError{Name: name[:32] + "...", Detail: "longer than 255 bytes", Err: ErrUnsafePath}
	case !utf8.ValidString(name):
		return &EntryError{Name: name, Detail: "not UTF-8", Err: ErrUnsafePath}
	case strings.ContainsAny(name, `\:*?"<>|`):
		return &EntryError{Name: name, Detail: `contains one of \ : * ? " < > |`, Err: ErrUnsafePath}
	case !fs.ValidPath(name):
		return &EntryError{Name: name, Detail: "not in clean form (empty, \".\" or \"..\" elements, or a trailing slash)", Err: ErrUnsafePath}
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return &EntryError{Name: name, Detail: "contains a control character", Err: ErrUnsafePath}
		}
	}
	for _, elem := range strings.Split(name, "/") {
		if strings.HasSuffix(elem, ".") || strings.HasSuffix(elem, " ") {
			return &EntryError{Name: name, Detail: "an element ends with a dot or a space, which Windows drops", Err: ErrUnsafePath}
		}
		base := strings.ToLower(elem)
		if i := strings.IndexByte(base, '.'); i >= 0 {
			base = base[:i]
		}
		if windowsReserved[base] {
			return &EntryError{Name: name, Detail: "uses a name Windows reserves for devices", Err: ErrUnsafePath}
		}
	}
	return nil
}

// foldName is the key under which names are compared for duplicates: case
// is folded because macOS and Windows file systems ignore it.
func foldName(name string) string {
	return strings.ToLower(path.Clean(name))
}
