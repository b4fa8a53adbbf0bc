package extensions_test

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/marketplace/catalog"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
)

func trust(t *testing.T, m *extensions.Manager, key ed25519.PrivateKey) {
	t.Helper()
	pem, err := ext.MarshalPublicKey(key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.TrustKey(context.Background(), "k", pem); err != nil {
		t.Fatal(err)
	}
}

func upgrade(e *env, t *testing.T, data []byte) (*extensions.Record, error) {
	t.Helper()
	return e.m.Upgrade(context.Background(), "sample", extensions.UpgradeOptions{Source: extensions.Source{File: writeArchive(t, data)}})
}

func keyID(k ed25519.PrivateKey) string { return ext.KeyID(k.Public().(ed25519.PublicKey)) }

// The reported attack: with an allowance for publisher "mallory", an
// unsigned archive claiming the id of a verified extension replaced it.
func TestAllowedPublisherCannotReplaceAnotherPublishersExtension(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	e := newEnv(t, key, ext.Limits{})
	install(t, e.m, newParts(key, "1.0.0").bytes(t))
	if err := e.m.AllowPublisher(ctx, "mallory", true); err != nil {
		t.Fatal(err)
	}
	before := tree(t, e.dir)
	evil := newParts(nil, "9.0.0")
	evil.man.Publisher = "mallory"
	_, err := upgrade(e, t, evil.bytes(t))
	if !errors.Is(err, extensions.ErrPublisherChanged) {
		t.Fatalf("upgrade from another publisher: %v", err)
	}
	for _, says := range []string{`publisher "example"`, `publisher "mallory"`, "idbridge ext uninstall sample"} {
		if !strings.Contains(err.Error(), says) {
			t.Errorf("refusal %q does not say %q", err, says)
		}
	}
	if after := tree(t, e.dir); after != before {
		t.Errorf("the refusal changed the data folder")
	}
	// Claiming the right publisher without its key is no better.
	if err := e.m.AllowPublisher(ctx, "example", true); err != nil {
		t.Fatal(err)
	}
	if _, err := upgrade(e, t, newParts(nil, "9.0.0").bytes(t)); !errors.Is(err, extensions.ErrSignerChanged) || !strings.Contains(err.Error(), "pinned to key "+keyID(key)) {
		t.Fatalf("unsigned upgrade of a signed extension: %v", err)
	}
	if d, _ := e.m.Show(ctx, "sample"); d.Version != "1.0.0" || d.Signature != ext.StatusVerified {
		t.Fatalf("installed release changed: %+v", d.Record)
	}
}

func TestUpgradeSignedByAnotherTrustedKeyIsRefused(t *testing.T) {
	first, second := exttest.Key(t), exttest.Key(t)
	e := newEnv(t, first, ext.Limits{})
	trust(t, e.m, second)
	install(t, e.m, newParts(first, "1.0.0").bytes(t))
	_, err := upgrade(e, t, newParts(second, "1.1.0").bytes(t))
	if !errors.Is(err, extensions.ErrSignerChanged) || !strings.Contains(err.Error(), "signed by key "+keyID(second)) {
		t.Fatalf("upgrade signed by another trusted key: %v", err)
	}
}

// A publisher that changes keys ships the old key's endorsement of the
// new one in manifest.sig; hosts that pinned the old key follow it, and
// pin the new key from then on.
func TestUpgradeFollowsAKeyRotationSignedByThePinnedKey(t *testing.T) {
	ctx := context.Background()
	oldKey, newKey := exttest.Key(t), exttest.Key(t)
	e := newEnv(t, oldKey, ext.Limits{})
	trust(t, e.m, newKey)
	install(t, e.m, newParts(oldKey, "1.0.0").bytes(t))

	rotated := writeArchive(t, newParts(nil, "1.1.0").bytes(t))
	if _, err := ext.SignFile(ctx, rotated, newKey, ext.EndorseKey(oldKey, newKey.Public().(ed25519.PublicKey))); err != nil {
		t.Fatal(err)
	}
	rec, err := e.m.Upgrade(ctx, "sample", extensions.UpgradeOptions{Source: extensions.Source{File: rotated}})
	if err != nil {
		t.Fatalf("upgrade through a rotation: %v", err)
	}
	if rec.KeyID != keyID(newKey) {
		t.Fatalf("pin after rotation = %s, want the new key", rec.KeyID)
	}
	// The old key no longer replaces what the new one signed.
	if _, err := upgrade(e, t, newParts(oldKey, "1.2.0").bytes(t)); !errors.Is(err, extensions.ErrSignerChanged) {
		t.Fatalf("upgrade with the retired key: %v", err)
	}
	// A rotation endorsed by a key other than the pinned one is no rotation.
	stranger := exttest.Key(t)
	forged := writeArchive(t, newParts(nil, "1.3.0").bytes(t))
	if _, err := ext.SignFile(ctx, forged, oldKey, ext.EndorseKey(stranger, oldKey.Public().(ed25519.PublicKey))); err != nil {
		t.Fatal(err)
	}
	if _, err := e.m.Upgrade(ctx, "sample", extensions.UpgradeOptions{Source: extensions.Source{File: forged}}); !errors.Is(err, extensions.ErrSignerChanged) {
		t.Fatalf("upgrade with a rotation from a stranger: %v", err)
	}
}

func TestUninstallRemovesThePinOnPurpose(t *testing.T) {
	ctx := context.Background()
	key, other := exttest.Key(t), exttest.Key(t)
	e := newEnv(t, key, ext.Limits{})
	trust(t, e.m, other)
	install(t, e.m, newParts(key, "1.0.0").bytes(t))
	p := newParts(other, "2.0.0")
	p.man.Publisher = "another"
	if _, err := upgrade(e, t, p.bytes(t)); !errors.Is(err, extensions.ErrPublisherChanged) {
		t.Fatalf("upgrade: %v", err)
	}
	if err := e.m.Uninstall(ctx, "sample", extensions.UninstallOptions{}); err != nil {
		t.Fatal(err)
	}
	rec := install(t, e.m, p.bytes(t))
	if rec.Publisher != "another" || rec.KeyID != keyID(other) {
		t.Fatalf("reinstall after uninstall: %+v", rec)
	}
}

// catalogFolder writes archives and an index listing them as given, so
// the index can lie.
func catalogFolder(t *testing.T, dir string, entries map[string][]byte, list func(sum func(string) (string, int64)) []catalog.Extension) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range entries {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum := func(name string) (string, int64) {
		data, ok := entries[name]
		if !ok {
			t.Fatalf("no archive %s", name)
		}
		return exttest.Sum(data), int64(len(data))
	}
	idx := catalog.Index{FormatVersion: catalog.IndexFormat, Extensions: list(sum)}
	raw, err := idx.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, catalog.IndexName), raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

func listing(id, publisher string, versions ...catalog.Version) catalog.Extension {
	return catalog.Extension{ID: id, Name: id, Publisher: publisher, Versions: versions}
}

func version(v, download string, sum func(string) (string, int64)) catalog.Version {
	s, n := sum(download)
	return catalog.Version{Version: v, Download: download, SHA256: s, Size: n, ProtocolVersions: []int{1},
		HostVersion: ">= 0.1.0", Platforms: []string{ext.HostPlatform()}}
}

func TestInstallByNameInstallsExactlyWhatWasAsked(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	other := newParts(key, "1.0.0")
	other.man.ID = "sample-other"
	archives := map[string][]byte{
		"sample-1.0.0.ext":       newParts(key, "1.0.0").bytes(t),
		"sample-other-1.0.0.ext": other.bytes(t),
	}
	cases := map[string]struct {
		list    func(sum func(string) (string, int64)) []catalog.Extension
		name    string
		version string
		says    string
	}{
		"the download holds another extension": {func(sum func(string) (string, int64)) []catalog.Extension {
			return []catalog.Extension{listing("sample", "example", version("1.0.0", "sample-other-1.0.0.ext", sum))}
		}, "sample", "", `id "sample-other" where the index says "sample"`},
		"the download holds another version": {func(sum func(string) (string, int64)) []catalog.Extension {
			return []catalog.Extension{listing("sample", "example", version("9.9.9", "sample-1.0.0.ext", sum), version("1.0.0", "sample-1.0.0.ext", sum))}
		}, "sample", "9.9.9", "version 1.0.0 where the index says 9.9.9"},
		"the download is from another publisher": {func(sum func(string) (string, int64)) []catalog.Extension {
			return []catalog.Extension{listing("sample", "idbridge", version("1.0.0", "sample-1.0.0.ext", sum))}
		}, "sample", "", `publisher "example" where the index says "idbridge"`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, key, ext.Limits{})
			dir := filepath.Join(t.TempDir(), "market")
			catalogFolder(t, dir, archives, c.list)
			if _, err := e.m.AddCatalog(ctx, "local", dir); err != nil {
				t.Fatal(err)
			}
			before := tree(t, e.dir)
			_, err := e.m.Install(ctx, extensions.Source{Name: c.name, Version: c.version})
			if !errors.Is(err, extensions.ErrNotAsked) || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("got %v, want ErrNotAsked saying %q", err, c.says)
			}
			if after := tree(t, e.dir); after != before {
				t.Errorf("a refused install changed the data folder:\n%s", after)
			}
			if list, _ := e.m.List(ctx); len(list) != 0 {
				t.Errorf("installed %+v", list)
			}
		})
	}
}

func TestFolderCatalogDownloadsStayInTheFolder(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	data := newParts(key, "1.0.0").bytes(t)
	work := t.TempDir()
	// A valid archive beside the catalog folder, which must not be read.
	if err := os.WriteFile(filepath.Join(work, "x.ext"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(work, "market")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(work, "x.ext"), filepath.Join(dir, "link.ext")); err != nil {
		t.Fatal(err)
	}
	for _, download := range []string{"%2e%2e%2fx.ext", "../x.ext", "..%2Fx.ext", "sub/../../x.ext", "link.ext", "/" + filepath.ToSlash(filepath.Join(work, "x.ext"))} {
		t.Run(download, func(t *testing.T) {
			e := newEnv(t, key, ext.Limits{})
			idx := catalog.Index{FormatVersion: catalog.IndexFormat, Extensions: []catalog.Extension{listing("sample", "example", catalog.Version{
				Version: "1.0.0", Download: download, SHA256: exttest.Sum(data), Size: int64(len(data)),
				ProtocolVersions: []int{1}, HostVersion: ">= 0.1.0", Platforms: []string{ext.HostPlatform()},
			})}}
			raw, _ := idx.Marshal()
			if err := os.WriteFile(filepath.Join(dir, catalog.IndexName), raw, 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := e.m.AddCatalog(ctx, "local", dir); err != nil {
				t.Fatal(err)
			}
			_, err := e.m.Install(ctx, extensions.Source{Name: "sample"})
			if !errors.Is(err, catalog.ErrBadDownloadPath) {
				t.Fatalf("download %q: %v", download, err)
			}
		})
	}
}

// blockingReader blocks every Read until release is closed, ignoring any
// context: the worst an upload or a pipe can do.
type blockingReader struct {
	reading chan struct{}
	release chan struct{}
}

func (b *blockingReader) Read([]byte) (int, error) {
	select {
	case b.reading <- struct{}{}:
	default:
	}
	<-b.release
	return 0, io.ErrUnexpectedEOF
}

func TestAStalledUploadDoesNotHoldUpOtherInstalls(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	e := newEnv(t, key, ext.Limits{})
	stalled := &blockingReader{reading: make(chan struct{}, 1), release: make(chan struct{})}
	first := make(chan error, 1)
	go func() {
		_, err := e.m.Install(ctx, extensions.Source{Archive: stalled})
		first <- err
	}()
	<-stalled.reading // the first install is now waiting for its upload
	other := newParts(key, "1.0.0")
	other.man.ID = "other"
	if _, err := e.m.Install(ctx, extensions.Source{File: writeArchive(t, other.bytes(t))}); err != nil {
		t.Fatalf("an install behind a stalled upload: %v", err)
	}
	if err := e.m.Uninstall(ctx, "other", extensions.UninstallOptions{}); err != nil {
		t.Fatalf("an uninstall behind a stalled upload: %v", err)
	}
	close(stalled.release)
	if err := <-first; err == nil {
		t.Fatal("the stalled upload installed something")
	}
}

// stuckDocs blocks reading extension records, ignoring the context, once
// armed: an operation stuck where its deadline cannot reach.
type stuckDocs struct {
	store.Docs
	armed   bool
	reading chan struct{}
	release chan struct{}
}

func (s *stuckDocs) Get(ctx context.Context, kind, id string, v any) error {
	if s.armed && kind == "extension" {
		s.reading <- struct{}{}
		<-s.release
	}
	return s.Docs.Get(ctx, kind, id, v)
}

func TestAnInstallStuckPastItsDeadlineShowsInReadiness(t *testing.T) {
	ctx := context.Background()
	docs := &stuckDocs{Docs: store.NewMemoryDocs(), reading: make(chan struct{}, 1), release: make(chan struct{})}
	m, err := extensions.New(ctx, extensions.Config{DataDir: filepath.Join(t.TempDir(), "data"), Docs: docs, HostVersion: "1.0.0", InstallTimeout: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Stuck(); err != nil {
		t.Fatalf("idle manager reports %v", err)
	}
	docs.armed = true
	done := make(chan error, 1)
	go func() {
		_, err := m.Upgrade(ctx, "sample", extensions.UpgradeOptions{})
		done <- err
	}()
	<-docs.reading
	// The deadline is a nanosecond: it has passed; the loop is a safety net
	// for a clock too coarse to show it yet.
	for deadline := time.Now().Add(time.Minute); m.Stuck() == nil; {
		if time.Now().After(deadline) {
			t.Fatal("a stuck upgrade never showed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := m.Stuck(); !strings.Contains(err.Error(), "upgrade of sample") || !strings.Contains(err.Error(), "past its deadline") {
		t.Fatalf("stuck report: %v", err)
	}
	// The readiness route reports it.
	srv := api.NewServer(api.Options{Ready: func(context.Context) error { return m.Stuck() }})
	rr := httptest.NewRecorder()
	srv.ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rr.Code != http.StatusServiceUnavailable || !strings.Contains(rr.Body.String(), "past its deadline") {
		t.Fatalf("/readyz = %d %s", rr.Code, rr.Body)
	}
	docs.armed = false
	close(docs.release)
	<-done
	if err := m.Stuck(); err != nil {
		t.Fatalf("after the upgrade ended: %v", err)
	}
}

func TestOnHostInstallsTakeRegularFilesOnly(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	e := newEnv(t, key, ext.Limits{})
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.ext")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		path string
		want error
		says string
	}{
		"a named pipe":   {fifo, ext.ErrNotRegularFile, "is a named pipe"},
		"a folder":       {dir, ext.ErrNotRegularFile, "is a folder"},
		"a missing path": {filepath.Join(dir, "missing.ext"), ext.ErrNoSuchFile, "no such file"},
	} {
		_, err := e.m.Install(ctx, extensions.Source{File: c.path})
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// endless is an upload that never ends; it counts what was read.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestAnUploadIsRefusedWhenItCrossesTheLimit(t *testing.T) {
	key := exttest.Key(t)
	e := newEnv(t, key, ext.Limits{MaxArchiveBytes: 1 << 20})
	body := &endless{}
	_, err := e.m.Install(context.Background(), extensions.Source{Archive: body})
	if !errors.Is(err, ext.ErrArchiveTooLarge) {
		t.Fatalf("endless upload: %v", err)
	}
	if body.n > 1<<20+64<<10 {
		t.Fatalf("read %d bytes of an upload limited to %d", body.n, 1<<20)
	}
}

func TestFailedFreshInstallLeavesTheDataFolderAsItWas(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	dir, docs, m := failingHost(t, key)
	before := tree(t, dir)
	docs.armed = true
	if _, err := m.Install(ctx, extensions.Source{File: writeArchive(t, newParts(key, "1.0.0").bytes(t))}); err == nil {
		t.Fatal("installed with a failing store")
	}
	if after := tree(t, dir); after != before {
		t.Fatalf("a failed install left:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// apiHost serves the manager's routes with an admin token.
func apiHost(t *testing.T, m *extensions.Manager, docs store.Docs) (*httptest.Server, string) {
	t.Helper()
	tokens := api.NewTokens(docs)
	admin, _, err := tokens.Create(context.Background(), "root", api.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	srv := api.NewServer(api.Options{Auth: tokens})
	if err := srv.Mount(m); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs, admin
}

type answer struct {
	status  int
	code    string
	message string
}

func call(t *testing.T, hs *httptest.Server, token, method, path string, body io.Reader, length int64) answer {
	t.Helper()
	req, err := http.NewRequest(method, hs.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = length
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return answer{resp.StatusCode, out.Error.Code, out.Error.Message}
}

// rawCall writes request as is, without the rest of any body it
// announces, and reads the answer.
func rawCall(t *testing.T, hs *httptest.Server, request string) answer {
	t.Helper()
	conn, err := net.Dial("tcp", hs.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return answer{resp.StatusCode, out.Error.Code, out.Error.Message}
}

func jsonBody(v any) (io.Reader, int64) {
	b, _ := json.Marshal(v)
	return strings.NewReader(string(b)), int64(len(b))
}

// Every ordinary refusal seen as a 500 before answers a 4xx or 502 whose
// message says what is wrong, and no answer shows the data folder.
func TestOrdinaryRefusalsAnswerWhatToDo(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	e := &env{dir: filepath.Join(t.TempDir(), "data"), docs: store.NewMemoryDocs()}
	m, err := extensions.New(ctx, extensions.Config{DataDir: e.dir, Docs: e.docs, HostVersion: "1.0.0",
		Limits: ext.Limits{MaxArchiveBytes: 1 << 20}, IdleTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	e.m = m
	trust(t, m, key)
	hs, admin := apiHost(t, e.m, e.docs)

	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big.ext":
			w.Header().Set("Content-Length", fmt.Sprint(2<<20))
			_, _ = w.Write(make([]byte, 2<<20))
		default:
			http.NotFound(w, r)
		}
	}))
	defer web.Close()
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(io.Discard, c) }() // reads, never answers
		}
	}()
	mixed := newParts(key, "1.0.0")
	mixed.addFile("docs", []byte("file"))
	mixed.addFile("docs/a.md", []byte("a"))
	folder := t.TempDir()

	// The silent server and the broken catalog are added as catalogs too.
	for name, loc := range map[string]string{"missing": web.URL + "/nowhere", "silent": "http://" + silent.Addr().String()} {
		if _, err := e.m.AddCatalog(ctx, name, loc); err != nil {
			t.Fatal(err)
		}
	}

	market := filepath.Join(t.TempDir(), "market")
	data := newParts(key, "1.0.0").bytes(t)
	catalogFolder(t, market, map[string][]byte{"sample-1.0.0.ext": data}, func(sum func(string) (string, int64)) []catalog.Extension {
		v := version("1.0.0", "sample-1.0.0.ext", sum)
		v.Download = "../x.ext"
		return []catalog.Extension{listing("sample", "example", v)}
	})

	for _, c := range []struct {
		name   string
		do     func() answer
		status int
		code   string
		says   string
	}{
		{"a file and a folder of the same name", func() answer {
			b := mixed.bytes(t)
			return call(t, hs, admin, "POST", "/v1/extensions/archive", strings.NewReader(string(b)), int64(len(b)))
		}, 422, "extension_refused", `a folder with the name of the file "docs"`},
		{"--on-host given a folder", func() answer {
			b, n := jsonBody(extensions.Source{File: folder})
			return call(t, hs, admin, "POST", "/v1/extensions", b, n)
		}, 400, "invalid_source", "is a folder"},
		{"--on-host given a missing path", func() answer {
			b, n := jsonBody(extensions.Source{File: filepath.Join(folder, "nope.ext")})
			return call(t, hs, admin, "POST", "/v1/extensions", b, n)
		}, 400, "invalid_source", "no such file"},
		{"a URL that answers 404", func() answer {
			b, n := jsonBody(extensions.Source{URL: web.URL + "/missing.ext"})
			return call(t, hs, admin, "POST", "/v1/extensions", b, n)
		}, 502, "download_failed", "404"},
		{"a URL that is too large", func() answer {
			b, n := jsonBody(extensions.Source{URL: web.URL + "/big.ext"})
			return call(t, hs, admin, "POST", "/v1/extensions", b, n)
		}, 502, "download_failed", "more than the 1048576 bytes"},
		{"a URL that does not answer", func() answer {
			b, n := jsonBody(extensions.Source{URL: "http://" + silent.Addr().String() + "/x.ext"})
			return call(t, hs, admin, "POST", "/v1/extensions", b, n)
		}, 502, "download_failed", "nothing received for 200ms"},
		{"an upload declared too large", func() answer {
			return rawCall(t, hs, fmt.Sprintf("POST /v1/extensions/archive HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\nPK", admin, 2<<20))
		}, 413, "archive_too_large", "nothing was read"},
		{"an upload too large without a length", func() answer {
			return call(t, hs, admin, "POST", "/v1/extensions/archive", io.LimitReader(&endless{}, 2<<20), -1)
		}, 413, "archive_too_large", "more than 1048576 bytes"},
		{"no catalog answers", func() answer {
			b, n := jsonBody(extensions.Source{Name: "sample"})
			return call(t, hs, admin, "POST", "/v1/extensions", b, n)
		}, 502, "catalog_unavailable", "404"},
		{"a version of 20 digits", func() answer {
			b, n := jsonBody(extensions.Source{Name: "sample", Version: "12345678901234567890.0.0"})
			return call(t, hs, admin, "POST", "/v1/extensions", b, n)
		}, 400, "invalid_request", "longer than 9 digits"},
		{"a folder catalog naming ../x.ext", func() answer {
			if _, err := e.m.AddCatalog(ctx, "folder", market); err != nil {
				t.Fatal(err)
			}
			b, n := jsonBody(extensions.Source{Name: "sample"})
			return call(t, hs, admin, "POST", "/v1/extensions", b, n)
		}, 502, "catalog_broken", `"../x.ext"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := c.do()
			if got.status != c.status || got.code != c.code || !strings.Contains(got.message, c.says) {
				t.Fatalf("got %d %s %q, want %d %s saying %q", got.status, got.code, got.message, c.status, c.code, c.says)
			}
			if strings.Contains(got.message, e.dir) {
				t.Errorf("the answer shows the data folder: %s", got.message)
			}
		})
	}
}

// An upload that stops arriving is abandoned after the idle timeout.
func TestAStalledUploadIsAbandoned(t *testing.T) {
	ctx := context.Background()
	docs := store.NewMemoryDocs()
	m, err := extensions.New(ctx, extensions.Config{DataDir: filepath.Join(t.TempDir(), "data"), Docs: docs, HostVersion: "1.0.0", IdleTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	hs, admin := apiHost(t, m, docs)
	// The client sends the start of the body and nothing more; the host
	// must answer on its own.
	got := rawCall(t, hs, fmt.Sprintf("POST /v1/extensions/archive HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 100000\r\n\r\nPK\x03\x04 only the start", admin))
	if got.status != http.StatusRequestTimeout || got.code != "upload_stalled" || !strings.Contains(got.message, "send it again") {
		t.Fatalf("stalled upload: %+v", got)
	}
}
