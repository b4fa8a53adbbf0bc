package ext

import (
	"fmt"
	"io/fs"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
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
	"conin$": true, "conout$": true, "com¹": true, "com²": true, "com³": true, "lpt¹": true, "lpt²": true, "lpt³": true,
}

// IsWindowsReserved reports whether name (one path element, or an
// extension id that becomes a folder name) is one Windows maps to a
// device whatever follows its first dot.
func IsWindowsReserved(name string) bool {
	base := strings.ToLower(name)
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	return windowsReserved[strings.TrimRight(base, " ")]
}

// invisibleControl reports characters that change how a name is displayed
// without being seen: bidirectional overrides and isolates (which can make
// "exe.txt" show as "txt.exe") and other format characters.
func invisibleControl(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Bidi_Control, r)
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
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return &EntryError{Name: name, Detail: "contains a control character", Err: ErrUnsafePath}
		}
		if invisibleControl(r) {
			return &EntryError{Name: name, Detail: fmt.Sprintf("contains the invisible formatting character U+%04X (e.g. a right-to-left override)", r), Err: ErrUnsafePath}
		}
	}
	for _, elem := range strings.Split(name, "/") {
		if strings.HasSuffix(elem, ".") || strings.HasSuffix(elem, " ") {
			return &EntryError{Name: name, Detail: "an element ends with a dot or a space, which Windows drops", Err: ErrUnsafePath}
		}
		if IsWindowsReserved(elem) {
			return &EntryError{Name: name, Detail: "uses a name Windows reserves for devices", Err: ErrUnsafePath}
		}
	}
	return nil
}

// folder compares names as the most forgiving file systems do: Unicode
// case folding (Windows, macOS) after normalisation to NFC (macOS stores
// decomposed names, so "é" and "e\u0301" are one file there).
var folder = cases.Fold()

// foldName is the key under which names are compared for duplicates.
func foldName(name string) string {
	return norm.NFC.String(folder.String(norm.NFC.String(name)))
}

// nameSet finds names that would be one file somewhere: equal after
// folding, a file with the name of a folder, or folders whose names
// differ only in case or normalisation.
type nameSet struct {
	files map[string]string // folded -> as written
	dirs  map[string]string
}

func newNameSet() *nameSet {
	return &nameSet{files: map[string]string{}, dirs: map[string]string{}}
}

func dupErr(name, detail string) error {
	return &EntryError{Name: name, Detail: detail, Err: ErrDuplicateEntry}
}

// addFile records a file path, and its folders.
func (s *nameSet) addFile(name string) error {
	key := foldName(name)
	if prev, ok := s.files[key]; ok {
		return dupErr(name, fmt.Sprintf("same name as %q", prev))
	}
	if prev, ok := s.dirs[key]; ok {
		return dupErr(name, fmt.Sprintf("a file with the name of the folder %q", prev))
	}
	if err := s.addParents(name); err != nil {
		return err
	}
	s.files[key] = name
	return nil
}

// addDir records a folder path and its parents.
func (s *nameSet) addDir(name string) error {
	if err := s.addParents(name + "/"); err != nil {
		return err
	}
	return nil
}

// addParents records every folder above the last element of name.
func (s *nameSet) addParents(name string) error {
	for i := 0; i < len(name); i++ {
		if name[i] != '/' {
			continue
		}
		dir := name[:i]
		key := foldName(dir)
		if prev, ok := s.files[key]; ok {
			return dupErr(name, fmt.Sprintf("a folder with the name of the file %q", prev))
		}
		if prev, ok := s.dirs[key]; ok && prev != dir {
			return dupErr(name, fmt.Sprintf("folder %q differs from %q only in case or Unicode form", dir, prev))
		}
		s.dirs[key] = dir
	}
	return nil
}
