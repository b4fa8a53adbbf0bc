package ext_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
)

// read is ext.Read of data with the default limits.
func read(data []byte) (*ext.Archive, error) {
	return ext.Read(context.Background(), bytes.NewReader(data), int64(len(data)), ext.Limits{})
}

// eocd returns the position of the end-of-central-directory record.
func eocd(t *testing.T, data []byte) int {
	t.Helper()
	i := bytes.LastIndex(data, []byte("PK\x05\x06"))
	if i < 0 {
		t.Fatal("no end record")
	}
	return i
}

func TestManifestParsingIsStrict(t *testing.T) {
	good, err := validManifest().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ext.ParseManifest(good); err != nil {
		t.Fatal(err)
	}
	replace := func(old, new string) []byte {
		if !bytes.Contains(good, []byte(old)) {
			t.Fatalf("fixture lacks %q", old)
		}
		return bytes.Replace(good, []byte(old), []byte(new), 1)
	}
	for name, c := range map[string]struct {
		data []byte
		says string
	}{
		"the same member twice":                     {replace(`"id": "clockify",`, `"id": "clockify", "id": "other",`), "appears twice"},
		"members differing only in case":            {replace(`"id": "clockify",`, `"id": "clockify", "ID": "other",`), `also written "id"`},
		"a member in the wrong case alone":          {replace(`"id": "clockify",`, `"ID": "clockify",`), "ID: unknown field"},
		"an unknown member":                         {replace(`"id": "clockify",`, `"id": "clockify", "entrypoint": "x",`), "entrypoint: unknown field"},
		"an unknown member inside a platform":       {replace(`"size": 1`, `"size": 1, "mode": 493`), "unknown field"},
		"duplicate platform keys differing in case": {replace(`"platforms": {`, `"platforms": {"Linux/amd64": {}, `), "also written"},
		"invalid UTF-8":                             {replace(`"name": "Clockify"`, "\"name\": \"Clock\xffify\""), "not valid UTF-8"},
		"a byte-order mark":                         {append([]byte("\xef\xbb\xbf"), good...), "byte-order mark"},
		"data after the object":                     {append(append([]byte{}, good...), []byte(`{"id":"other"}`)...), "invalid manifest.json"},
		"a version of 20 digits":                    {replace(`"version": "1.0.0"`, `"version": "12345678901234567890.0.0"`), "longer than 9 digits"},
		"a version of 65 characters":                {replace(`"version": "1.0.0"`, `"version": "1.0.0-`+strings.Repeat("a", 59)+`"`), "longer than 64 characters"},
		"an id Windows reserves":                    {replace(`"id": "clockify"`, `"id": "con"`), "Windows reserves"},
		"an id of 65 characters":                    {replace(`"id": "clockify"`, `"id": "a`+strings.Repeat("b", 64)+`"`), "1-64 lower-case"},
	} {
		_, err := ext.ParseManifest(c.data)
		if !errors.Is(err, ext.ErrInvalidManifest) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: got %v, want an invalid manifest saying %q", name, err, c.says)
		}
		if err != nil && (strings.Contains(err.Error(), "strconv") || strings.Contains(err.Error(), "out of range")) {
			t.Errorf("%s: the message leaks a parser's words: %v", name, err)
		}
	}
}

func TestNamesThatAreOneFileSomewhereAreDuplicates(t *testing.T) {
	for name, pair := range map[string][2]string{
		"same name":                         {"docs/a.txt", "docs/a.txt"},
		"case only":                         {"docs/a.txt", "docs/A.TXT"},
		"NFC and NFD":                       {"docs/caf\u00e9.txt", "docs/cafe\u0301.txt"},
		"a file with the name of a folder":  {"docs", "docs/a.txt"},
		"a folder with the name of a file":  {"docs/a.txt", "docs"},
		"folders differing in case":         {"Docs/a.txt", "docs/b.txt"},
		"folders differing in Unicode form": {"caf\u00e9/a.txt", "cafe\u0301/b.txt"},
	} {
		m := validManifest()
		m.Files = append(m.Files, ext.File{Path: pair[0], SHA256: strings.Repeat("a", 64)}, ext.File{Path: pair[1], SHA256: strings.Repeat("a", 64)})
		if err := m.Validate(); !errors.Is(err, ext.ErrInvalidManifest) || !strings.Contains(err.Error(), "same file") {
			t.Errorf("%s (%q, %q): %v", name, pair[0], pair[1], err)
		}
	}
	m := validManifest()
	m.Files = append(m.Files, ext.File{Path: "docs/a.txt", SHA256: strings.Repeat("a", 64)}, ext.File{Path: "docs/b.txt", SHA256: strings.Repeat("a", 64)})
	if err := m.Validate(); err != nil {
		t.Fatalf("two files in one folder: %v", err)
	}
}

func TestUnportableNamesAreRefused(t *testing.T) {
	for _, name := range []string{
		"docs/invoice\u202Etxt.exe", // right-to-left override
		"docs/\u2066a\u2069.txt",    // isolates
		"a\u200Bb.txt",              // zero-width space
		"a\u0085b.txt",              // C1 control
		"CONIN$",
		"docs/lpt¹.txt",
		"docs/x. ",
	} {
		if err := ext.CheckPath(name); !errors.Is(err, ext.ErrUnsafePath) {
			t.Errorf("CheckPath(%q) = %v, want ErrUnsafePath", name, err)
		}
	}
	if err := ext.CheckPath("docs/café.txt"); err != nil {
		t.Errorf("an accented name is portable: %v", err)
	}
}

func TestZipDirectoryIsBoundedBeforeItIsParsed(t *testing.T) {
	good := exttest.Build(t, exttest.Spec{}, nil)
	if _, err := read(good); err != nil {
		t.Fatal(err)
	}
	patch := func(edit func(rec []byte)) []byte {
		data := bytes.Clone(good)
		edit(data[eocd(t, data):])
		return data
	}
	for name, c := range map[string]struct {
		data []byte
		want error
		says string
	}{
		"ten million entries declared": {patch(func(rec []byte) {
			binary.LittleEndian.PutUint16(rec[8:], 0xffff)
			binary.LittleEndian.PutUint16(rec[10:], 0xfffe)
		}), ext.ErrTooManyFiles, "declares 65534 entries, limit 256"},
		"a directory larger than the limit": {patch(func(rec []byte) {
			binary.LittleEndian.PutUint32(rec[12:], 64<<20)
		}), ext.ErrDirectoryTooLarge, "limit 1048576"},
		"a directory that does not end at its end record": {patch(func(rec []byte) {
			size := binary.LittleEndian.Uint32(rec[12:])
			binary.LittleEndian.PutUint32(rec[12:], size-46)
		}), ext.ErrCorrupt, "does not end where its end record starts"},
	} {
		_, err := read(c.data)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want %v saying %q", name, err, c.want, c.says)
		}
	}
}

// TestMoreRecordsThanDeclaredAreRefused: the zip reader reads records
// until one fails to parse, whatever the end record's count (compared
// only modulo 65536), so a directory of 65,546 records declaring 10 must
// be refused by its size, and one declaring a small size by its end.
func TestMoreRecordsThanDeclaredAreRefused(t *testing.T) {
	const records = 65536 + 10
	var cd bytes.Buffer
	for i := range records {
		rec := make([]byte, 46)
		binary.LittleEndian.PutUint32(rec, 0x02014b50)
		binary.LittleEndian.PutUint16(rec[28:], 1) // name length
		cd.Write(rec)
		cd.WriteByte(byte('a' + i%26))
	}
	build := func(declaredSize uint32) []byte {
		var out bytes.Buffer
		out.WriteString("PK\x03\x04")
		out.Write(make([]byte, 26))
		start := out.Len()
		out.Write(cd.Bytes())
		end := make([]byte, 22)
		binary.LittleEndian.PutUint32(end, 0x06054b50)
		binary.LittleEndian.PutUint16(end[8:], 10)
		binary.LittleEndian.PutUint16(end[10:], 10)
		binary.LittleEndian.PutUint32(end[12:], declaredSize)
		binary.LittleEndian.PutUint32(end[16:], uint32(start))
		out.Write(end)
		return out.Bytes()
	}
	if _, err := read(build(uint32(cd.Len()))); !errors.Is(err, ext.ErrDirectoryTooLarge) {
		t.Errorf("true size declared: %v", err)
	}
	if _, err := read(build(470)); !errors.Is(err, ext.ErrCorrupt) || !strings.Contains(err.Error(), "does not end where") {
		t.Errorf("small size declared: %v", err)
	}
}

func TestOverlappingEntriesAreRefused(t *testing.T) {
	// One local entry, and two directory records pointing at its data.
	data := exttest.Zip(t, []exttest.Entry{{Name: "a.bin", Body: bytes.Repeat([]byte("x"), 4096)}})
	end := eocd(t, data)
	cdStart := int(binary.LittleEndian.Uint32(data[end+16:]))
	rec := bytes.Clone(data[cdStart:end])
	copy(rec[46:], "b.bin")
	var out bytes.Buffer
	out.Write(data[:end])
	out.Write(rec)
	tail := bytes.Clone(data[end:])
	binary.LittleEndian.PutUint16(tail[8:], 2)
	binary.LittleEndian.PutUint16(tail[10:], 2)
	binary.LittleEndian.PutUint32(tail[12:], uint32(2*len(rec)))
	out.Write(tail)
	_, err := read(out.Bytes())
	if !errors.Is(err, ext.ErrOverlappingEntries) || !strings.Contains(err.Error(), `shares bytes with "a.bin"`) {
		t.Fatalf("overlapping entries: %v", err)
	}
}

func TestSymlinkWithALongTargetIsCalledASymlink(t *testing.T) {
	target := strings.Repeat("../", 20000) + "etc/passwd"
	data := exttest.Zip(t, []exttest.Entry{
		{Name: ext.ManifestName, Body: []byte("{}")},
		{Name: "link", Body: []byte(target), Mode: 0o777 | 1<<27}, // fs.ModeSymlink
	})
	_, err := read(data)
	if !errors.Is(err, ext.ErrSymlink) || errors.Is(err, ext.ErrCorrupt) || !strings.Contains(err.Error(), "60010 bytes") {
		t.Fatalf("long symlink: %v", err)
	}
	if len(err.Error()) > 600 {
		t.Errorf("the message quotes the whole target (%d bytes)", len(err.Error()))
	}
}

func TestOtherFormatsAreNamedTheSameEveryTime(t *testing.T) {
	for name, c := range map[string]struct {
		data []byte
		says string
	}{
		"zstd":  {[]byte("\x28\xb5\x2f\xfd\x04\x58\x45\x00\x00\x10hello world, a zstd frame of sorts"), "zstd-compressed file"},
		"xz":    {[]byte("\xfd7zXZ\x00\x00\x04rest"), "xz-compressed file"},
		"7z":    {[]byte("7z\xbc\xaf\x27\x1c\x00\x04rest of a 7z header"), "7z archive"},
		"ELF":   {[]byte("\x7fELF\x02\x01\x01rest of a program"), "ELF executable"},
		"plain": {[]byte("just some text\n"), "not an archive of any kind"},
	} {
		var first string
		for range 5 {
			_, err := read(c.data)
			if !errors.Is(err, ext.ErrNotZip) || !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), "only zip archives are accepted") {
				t.Fatalf("%s: %v", name, err)
			}
			if first == "" {
				first = err.Error()
			} else if err.Error() != first {
				t.Fatalf("%s: the message changed between runs:\n%s\n%s", name, first, err)
			}
		}
	}
}

func TestKeyRotationChain(t *testing.T) {
	k1, k2, k3, stranger := exttest.Key(t), exttest.Key(t), exttest.Key(t), exttest.Key(t)
	pub := func(k []byte) []byte { return k[32:] }
	sig := ext.SignManifest([]byte("{}"), k3)
	if sig.Succeeds(pub(k1)) {
		t.Fatal("k3 succeeds k1 without any rotation")
	}
	sig.Rotations = []ext.KeyRotation{ext.EndorseKey(k1, pub(k2)), ext.EndorseKey(k2, pub(k3))}
	if !sig.Succeeds(pub(k1)) || !sig.Succeeds(pub(k2)) || !sig.Succeeds(pub(k3)) {
		t.Fatal("the chain k1 -> k2 -> k3 is not followed")
	}
	if sig.Succeeds(pub(stranger)) {
		t.Fatal("a key outside the chain is accepted")
	}
	forged := ext.EndorseKey(stranger, pub(k3))
	forged.SignedBy = sig.Rotations[0].SignedBy // claims to be k1
	sig.Rotations = []ext.KeyRotation{forged}
	if sig.Succeeds(pub(k1)) {
		t.Fatal("a rotation signed by another key than it claims is accepted")
	}
	back, err := ext.ParseSignature(ext.Signature{Algorithm: "ed25519", KeyID: sig.KeyID, Value: sig.Value,
		Rotations: []ext.KeyRotation{ext.EndorseKey(k1, pub(k3))}}.Marshal())
	if err != nil || !back.Succeeds(pub(k1)) {
		t.Fatalf("rotation after a marshal round trip: %v", err)
	}
}
