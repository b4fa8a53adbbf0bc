package extensions_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
)

// corpusLimits are tighter than the defaults so the size cases stay small.
var corpusLimits = ext.Limits{MaxFiles: 32, MaxFileBytes: 2 << 20, MaxTotalBytes: 3 << 20, RatioFloorBytes: 256 << 10, MaxRatio: 100}

// badCase is one hostile or broken archive and the refusal it must get.
type badCase struct {
	name string
	// archive builds the bytes.
	archive func(t *testing.T) []byte
	// want is the sentinel the error must match.
	want error
	// says is a fragment the message must contain, naming the problem.
	says string
	// before runs against the fresh manager first (e.g. installs a newer release).
	before func(t *testing.T, e *env)
	// upgrade installs through Upgrade instead of Install.
	upgrade bool
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// badCases builds the corpus; key is the key the host trusts.
func badCases(t *testing.T, key ed25519.PrivateKey) []badCase {
	other := exttest.Key(t)
	good := func() *parts { return newParts(key, "1.0.0") }
	build := func(edit func(p *parts)) func(*testing.T) []byte {
		return func(t *testing.T) []byte {
			p := good()
			edit(p)
			return p.bytes(t)
		}
	}
	extra := func(e exttest.Entry) func(*testing.T) []byte {
		return build(func(p *parts) { p.files = append(p.files, e) })
	}
	return []badCase{
		{name: "zip-slip", archive: extra(exttest.Entry{Name: "../../evil.txt", Body: []byte("x")}), want: ext.ErrPathTraversal, says: `"../../evil.txt"`},
		{name: "zip-slip inside a folder", archive: extra(exttest.Entry{Name: "bin/../../evil.txt", Body: []byte("x")}), want: ext.ErrPathTraversal, says: "climb out"},
		{name: "zip-slip with backslashes", archive: extra(exttest.Entry{Name: `..\..\evil.txt`, Body: []byte("x")}), want: ext.ErrPathTraversal, says: "climb out"},
		{name: "absolute path", archive: extra(exttest.Entry{Name: "/tmp/evil.txt", Body: []byte("x")}), want: ext.ErrAbsolutePath, says: "absolute"},
		{name: "windows drive path", archive: extra(exttest.Entry{Name: "C:/evil.txt", Body: []byte("x")}), want: ext.ErrAbsolutePath, says: "absolute"},
		{name: "unportable name", archive: extra(exttest.Entry{Name: "docs/nul.txt", Body: []byte("x")}), want: ext.ErrUnsafePath, says: "reserves for devices"},
		{name: "symlink escape", archive: extra(exttest.Entry{Name: "docs/passwd", Body: []byte("../../../../etc/passwd"), Mode: fs.ModeSymlink | 0o777}), want: ext.ErrSymlink, says: "../../../../etc/passwd"},
		{name: "hardlink in a tar renamed .ext", archive: func(t *testing.T) []byte {
			return tarArchive(t, false, &tar.Header{Name: "manifest.json", Typeflag: tar.TypeLink, Linkname: "/etc/passwd"})
		}, want: ext.ErrHardlink, says: `hard links are not allowed in an extension (links to "/etc/passwd")`},
		{name: "device file", archive: extra(exttest.Entry{Name: "dev", Mode: fs.ModeDevice | fs.ModeCharDevice | 0o666}), want: ext.ErrSpecialFile, says: "device file"},
		{name: "named pipe", archive: extra(exttest.Entry{Name: "fifo", Mode: fs.ModeNamedPipe | 0o666}), want: ext.ErrSpecialFile, says: "named pipe"},
		{name: "duplicate name", archive: extra(exttest.Entry{Name: "README.md", Body: []byte("# other\n")}), want: ext.ErrDuplicateEntry, says: "twice"},
		{name: "duplicate name differing in case", archive: extra(exttest.Entry{Name: "readme.MD", Body: []byte("# other\n")}), want: ext.ErrDuplicateEntry, says: `same name as "README.md"`},
		{name: "zip bomb", archive: extra(exttest.Entry{Name: "bomb.bin", Body: make([]byte, 1900<<10)}), want: ext.ErrCompressionRatio, says: "zip bomb"},
		{name: "too many files", archive: build(func(p *parts) {
			for i := range 40 {
				p.addFile(fmt.Sprintf("docs/%02d.txt", i), []byte("x"))
			}
		}), want: ext.ErrTooManyFiles, says: "46 entries, limit 32"},
		{name: "file too large", archive: build(func(p *parts) { p.addFile("big.bin", randomBytes(2<<20+1)) }), want: ext.ErrTooManyBytes, says: "limit 2097152 per file"},
		{name: "too many bytes in all", archive: build(func(p *parts) {
			p.addFile("a.bin", randomBytes(1800<<10))
			p.addFile("b.bin", randomBytes(1800<<10))
		}), want: ext.ErrTooManyBytes, says: "in all"},
		{name: "empty file", archive: func(*testing.T) []byte { return nil }, want: ext.ErrEmptyArchive, says: "empty"},
		{name: "truncated zip", archive: func(t *testing.T) []byte { b := good().bytes(t); return b[:len(b)/2] }, want: ext.ErrCorrupt, says: "truncated"},
		{name: "not a zip", archive: func(*testing.T) []byte { return []byte("this is plain text, not an extension\n") }, want: ext.ErrNotZip, says: "not an archive of any kind"},
		{name: "tar renamed .ext", archive: func(t *testing.T) []byte {
			return tarArchive(t, false, &tar.Header{Name: "manifest.json", Typeflag: tar.TypeReg, Size: 2, Mode: 0o644})
		}, want: ext.ErrNotZip, says: "tar archive"},
		{name: "gzipped tar renamed .ext", archive: func(t *testing.T) []byte {
			return tarArchive(t, true, &tar.Header{Name: "manifest.json", Typeflag: tar.TypeReg, Size: 2, Mode: 0o644})
		}, want: ext.ErrNotZip, says: "tar.gz archive"},
		{name: "encrypted entry", archive: extra(exttest.Entry{Name: "secret.txt", Body: []byte("x"), Store: true, Header: func(h *zip.FileHeader) { h.Flags |= 0x1 }}), want: ext.ErrCompressionMethod, says: "encrypted"},
		{name: "manifest missing", archive: build(func(p *parts) { p.noMan, p.key = true, nil }), want: ext.ErrNoManifest, says: "manifest.json is missing"},
		{name: "manifest not JSON", archive: build(func(p *parts) { p.rawMan = []byte("{\"id\": ") }), want: ext.ErrInvalidManifest, says: "not valid JSON"},
		{name: "manifest with a duplicate key", archive: build(func(p *parts) {
			b, _ := p.man.Marshal()
			p.rawMan = bytes.Replace(b, []byte(`"id": "sample",`), []byte(`"id": "sample", "id": "other",`), 1)
		}), want: ext.ErrInvalidManifest, says: "appears twice"},
		{name: "manifest oversized", archive: build(func(p *parts) {
			b, _ := p.man.Marshal()
			p.rawMan = append(b, bytes.Repeat([]byte(" "), ext.DefaultMaxManifestBytes)...)
			p.manEntry = func(e *exttest.Entry) { e.Store = true }
		}), want: ext.ErrManifestTooLarge, says: "larger than this host accepts"},
		{name: "manifest id with wrong characters", archive: build(func(p *parts) { p.man.ID = "Sample/../x" }), want: ext.ErrInvalidManifest, says: "id:"},
		{name: "manifest from a newer format", archive: build(func(p *parts) { p.man.FormatVersion = 2 }), want: ext.ErrInvalidManifest, says: "upgrade idbridge"},
		{name: "manifest with an unknown field", archive: build(func(p *parts) {
			b, _ := p.man.Marshal()
			p.rawMan = bytes.Replace(b, []byte(`"id":`), []byte(`"platfroms": {}, "id":`), 1)
		}), want: ext.ErrInvalidManifest, says: "unknown field"},
		{name: "unsupported protocol", archive: build(func(p *parts) { p.man.ProtocolVersions = []int{99} }), want: ext.ErrUnsupportedProtocol, says: "speaks [99]"},
		{name: "host too old", archive: build(func(p *parts) { p.man.HostVersion = ">= 99.0.0" }), want: ext.ErrHostVersion, says: "needs idbridge >= 99.0.0"},
		{name: "no binary for this platform", archive: build(func(p *parts) {
			delete(p.man.Platforms, ext.HostPlatform())
			p.files = p.files[1:]
		}), want: ext.ErrNoPlatform, says: "this host is " + ext.HostPlatform()},
		{name: "hash mismatch", archive: build(func(p *parts) { p.files[2].Body = []byte("# Sampl3\n") }), want: ext.ErrHashMismatch, says: `"README.md"`},
		{name: "hash mismatch in another platform's binary", archive: build(func(p *parts) { p.files[1].Body = []byte("binary for another platforM") }), want: ext.ErrHashMismatch, says: "idbridge-sample"},
		{name: "size mismatch", archive: build(func(p *parts) { p.man.Files[0].Size++ }), want: ext.ErrSizeMismatch, says: "manifest 10"},
		{name: "extra unlisted file", archive: extra(exttest.Entry{Name: "extra.sh", Body: []byte("rm -rf /")}), want: ext.ErrUnlistedFile, says: `"extra.sh"`},
		{name: "listed file missing", archive: build(func(p *parts) { p.files = p.files[:len(p.files)-1] }), want: ext.ErrMissingFile, says: `"icon.svg"`},
		{name: "signature missing", archive: build(func(p *parts) { p.key = nil }), want: ext.ErrUnsigned, says: "not signed"},
		{name: "signature from an untrusted key", archive: build(func(p *parts) { p.key = other }), want: ext.ErrUntrustedKey, says: ext.KeyID(other.Public().(ed25519.PublicKey))},
		{name: "signature of a different manifest", archive: build(func(p *parts) {
			b, _ := newParts(key, "9.9.9").man.Marshal()
			p.rawSig = ext.SignManifest(b, key).Marshal()
		}), want: ext.ErrBadSignature, says: "modified after it was signed"},
		{name: "signature file malformed", archive: build(func(p *parts) { p.rawSig = []byte(`{"algorithm":"rsa"}`) }), want: ext.ErrInvalidSignatureFile, says: `algorithm "rsa"`},
		// Added with the supply-chain hardening: each of these was accepted,
		// answered 500 or named wrongly before.
		{name: "a file and a folder of the same name", archive: build(func(p *parts) {
			p.addFile("docs", []byte("a file"))
			p.addFile("docs/guide.md", []byte("# guide\n"))
		}), want: ext.ErrDuplicateEntry, says: `a folder with the name of the file "docs"`},
		{name: "names equal after Unicode normalisation", archive: build(func(p *parts) {
			p.addFile("caf\u00e9.txt", []byte("nfc"))
			p.addFile("cafe\u0301.txt", []byte("nfd"))
		}), want: ext.ErrDuplicateEntry, says: "same name as"},
		{name: "folders differing only in case", archive: build(func(p *parts) {
			p.addFile("Docs/a.md", []byte("a"))
			p.addFile("docs/b.md", []byte("b"))
		}), want: ext.ErrDuplicateEntry, says: "only in case"},
		{name: "a right-to-left override in a name", archive: extra(exttest.Entry{Name: "invoice\u202Etxt.exe", Body: []byte("x")}), want: ext.ErrUnsafePath, says: "U+202E"},
		{name: "a Windows device name as the id", archive: build(func(p *parts) { p.man.ID = "aux" }), want: ext.ErrInvalidManifest, says: "Windows reserves"},
		{name: "a version of 20 digits", archive: build(func(p *parts) { p.man.Version = "12345678901234567890.0.0" }), want: ext.ErrInvalidManifest, says: "longer than 9 digits"},
		{name: "a version longer than a folder name allows", archive: build(func(p *parts) { p.man.Version = "1.0.0-" + strings.Repeat("a", 250) }), want: ext.ErrInvalidManifest, says: "longer than 64 characters"},
		{name: "manifest members differing only in case", archive: build(func(p *parts) {
			b, _ := p.man.Marshal()
			p.rawMan = bytes.Replace(b, []byte(`"id": "sample",`), []byte(`"id": "sample", "ID": "clockify",`), 1)
		}), want: ext.ErrInvalidManifest, says: `also written "id"`},
		{name: "manifest with invalid UTF-8", archive: build(func(p *parts) {
			b, _ := p.man.Marshal()
			p.rawMan = bytes.Replace(b, []byte(`"Sample"`), []byte("\"Sam\xffple\""), 1)
		}), want: ext.ErrInvalidManifest, says: "not valid UTF-8"},
		{name: "manifest with a second object after it", archive: build(func(p *parts) {
			b, _ := p.man.Marshal()
			p.rawMan = append(b, []byte(`{"id":"clockify"}`)...)
		}), want: ext.ErrInvalidManifest, says: "after top-level value"},
		{name: "symlink with a long target", archive: extra(exttest.Entry{Name: "docs/link", Body: []byte(strings.Repeat("../", 12000)), Mode: fs.ModeSymlink | 0o777}), want: ext.ErrSymlink, says: "(36000 bytes)"},
		{name: "zstd file named .ext", archive: func(*testing.T) []byte {
			return []byte("\x28\xb5\x2f\xfd\x04\x58\x45\x00\x00\x10some zstd frame content")
		}, want: ext.ErrNotZip, says: "zstd-compressed file; only zip archives are accepted"},
		{name: "zip bomb hiding behind padding", archive: build(func(p *parts) {
			zeros := make([]byte, 1536<<10)
			raw := append(exttest.Deflate(t, zeros), make([]byte, 30<<10)...)
			p.man.Files = append(p.man.Files, ext.File{Path: "padded.bin", SHA256: exttest.Sum(zeros), Size: int64(len(zeros))})
			p.files = append(p.files, exttest.Entry{Name: "padded.bin", Raw: raw, RawSize: uint64(len(zeros))})
		}), want: ext.ErrCompressionRatio, says: "bytes read from the archive produced more than"},
		{name: "many small entries expanding together", archive: build(func(p *parts) {
			for i := range 15 {
				p.addFile(fmt.Sprintf("data/%02d.bin", i), make([]byte, 200<<10))
			}
		}), want: ext.ErrCompressionRatio, says: "bytes from a"},
		{name: "downgrade without permission", before: func(t *testing.T, e *env) {
			if _, err := e.m.Install(context.Background(), extensions.Source{File: writeArchive(t, newParts(key, "2.0.0").bytes(t))}); err != nil {
				t.Fatal(err)
			}
		}, upgrade: true, archive: func(t *testing.T) []byte { return good().bytes(t) }, want: extensions.ErrDowngrade, says: "installed at 2.0.0 and the archive is 1.0.0"},
		{name: "install over an installed extension", before: func(t *testing.T, e *env) {
			if _, err := e.m.Install(context.Background(), extensions.Source{File: writeArchive(t, good().bytes(t))}); err != nil {
				t.Fatal(err)
			}
		}, archive: func(t *testing.T) []byte { return newParts(key, "1.1.0").bytes(t) }, want: extensions.ErrAlreadyInstalled, says: "ext upgrade"},
	}
}

func TestBadArchivesAreRefused(t *testing.T) {
	key := exttest.Key(t)
	cases := badCases(t, key)
	if len(cases) < 25 {
		t.Fatalf("the corpus has %d cases; it must have at least 25", len(cases))
	}
	messages := map[string]string{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t, key, corpusLimits)
			if c.before != nil {
				c.before(t, e)
			}
			archive := writeArchive(t, c.archive(t))
			outside := filepath.Dir(e.dir)
			before := tree(t, outside)
			var err error
			if c.upgrade {
				_, err = e.m.Upgrade(ctx, "sample", extensions.UpgradeOptions{Source: extensions.Source{File: archive}})
			} else {
				_, err = e.m.Install(ctx, extensions.Source{File: archive})
			}
			if err == nil {
				t.Fatal("installed; want a refusal")
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("error %q does not match %q", err, c.want)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("error %q does not say %q", err, c.says)
			}
			if prev, dup := messages[err.Error()]; dup {
				t.Errorf("same message as case %q: %s", prev, err)
			}
			messages[err.Error()] = c.name
			t.Log(err)
			if after := tree(t, outside); after != before {
				t.Errorf("the refusal changed files:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			staged, rerr := os.ReadDir(filepath.Join(e.dir, "extensions", ".staging"))
			if rerr != nil || len(staged) != 0 {
				t.Errorf("staging not clean: %v %v", staged, rerr)
			}
		})
	}
}
