package catalog_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/marketplace/catalog"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
)

// folder writes a catalog folder with the given versions of "sample".
func folder(t *testing.T, versions ...string) string {
	t.Helper()
	dir := t.TempDir()
	key := exttest.Key(t)
	for _, v := range versions {
		data := exttest.Build(t, exttest.Spec{Version: v}, key)
		if err := os.WriteFile(filepath.Join(dir, "sample-"+v+".ext"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestIndexListsVersionsNewestFirst(t *testing.T) {
	dir := folder(t, "1.0.0", "1.10.0", "1.2.0")
	idx, err := catalog.WriteFile(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(idx.Extensions) != 1 {
		t.Fatalf("extensions = %+v", idx.Extensions)
	}
	e := idx.Extensions[0]
	var got []string
	for _, v := range e.Versions {
		got = append(got, v.Version)
		data, _ := os.ReadFile(filepath.Join(dir, v.Download))
		if v.SHA256 != exttest.Sum(data) || v.Size != int64(len(data)) || v.KeyID == "" || len(v.Platforms) != 2 || v.HostVersion == "" {
			t.Errorf("version entry %+v", v)
		}
	}
	if strings.Join(got, " ") != "1.10.0 1.2.0 1.0.0" {
		t.Fatalf("order = %v", got)
	}
	if e.ID != "sample" || e.Publisher != "example" || e.Name == "" {
		t.Fatalf("extension = %+v", e)
	}
	raw, err := os.ReadFile(filepath.Join(dir, catalog.IndexName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.ParseIndex(raw); err != nil {
		t.Fatal(err)
	}
}

func TestIndexRefusesABrokenArchive(t *testing.T) {
	dir := folder(t, "1.0.0")
	if err := os.WriteFile(filepath.Join(dir, "junk.ext"), []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := catalog.Build(context.Background(), dir)
	if !errors.Is(err, ext.ErrNotZip) || !strings.Contains(err.Error(), "junk.ext") {
		t.Fatalf("error = %v", err)
	}
}

func TestServerIsReadOnlyAndServesOnlyTheCatalog(t *testing.T) {
	dir := folder(t, "1.0.0")
	if err := os.WriteFile(filepath.Join(dir, "secret.key"), []byte("private"), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := catalog.Handler(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/index.json", 200},
		{"GET", "/", 200},
		{"GET", "/sample-1.0.0.ext", 200},
		{"HEAD", "/sample-1.0.0.ext", 200},
		{"GET", "/secret.key", 404},
		{"GET", "/../secret.key", 404},
		{"GET", "/missing.ext", 404},
		{"PUT", "/sample-1.0.0.ext", 405},
		{"DELETE", "/index.json", 405},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s %s = %d, want %d", c.method, c.path, resp.StatusCode, c.want)
		}
	}
}

func TestClientResolvesAndDownloadsOverHTTPAndFromAFolder(t *testing.T) {
	ctx := context.Background()
	dir := folder(t, "1.0.0", "1.1.0")
	if _, err := catalog.WriteFile(ctx, dir); err != nil {
		t.Fatal(err)
	}
	h, err := catalog.Handler(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	host := catalog.Host{Version: "1.0.0", Protocols: []int{1}, Platform: ext.HostPlatform()}
	c := &catalog.Client{}
	for _, loc := range []string{srv.URL, srv.URL + "/index.json", dir, "file://" + filepath.ToSlash(dir)} {
		idx, err := c.FetchIndex(ctx, loc)
		if err != nil {
			t.Fatalf("%s: %v", loc, err)
		}
		named := []catalog.Named{{Location: loc, Index: idx}}
		cand, err := catalog.Resolve(named, "Sample", "", host)
		if err != nil || cand.Version.Version != "1.1.0" {
			t.Fatalf("%s: newest = %+v %v", loc, cand, err)
		}
		pinned, err := catalog.Resolve(named, "sample", "1.0.0", host)
		if err != nil || pinned.Version.Version != "1.0.0" {
			t.Fatalf("%s: pinned = %+v %v", loc, pinned, err)
		}
		var buf strings.Builder
		if err := c.Download(ctx, loc, cand.Version, &buf); err != nil {
			t.Fatalf("%s: download: %v", loc, err)
		}
		bad := cand.Version
		bad.SHA256 = strings.Repeat("0", 64)
		if err := c.Download(ctx, loc, bad, &strings.Builder{}); !errors.Is(err, catalog.ErrDownloadMismatch) {
			t.Fatalf("%s: download with a wrong hash: %v", loc, err)
		}
	}
	idx, _ := c.FetchIndex(ctx, dir)
	named := []catalog.Named{{Location: dir, Index: idx}}
	if _, err := catalog.Resolve(named, "nothing", "", host); !errors.Is(err, catalog.ErrNotInCatalog) {
		t.Fatalf("unknown id: %v", err)
	}
	if _, err := catalog.Resolve(named, "sample", "9.9.9", host); !errors.Is(err, catalog.ErrNotInCatalog) || !strings.Contains(err.Error(), "1.1.0, 1.0.0") {
		t.Fatalf("unknown version: %v", err)
	}
	_, err = catalog.Resolve(named, "sample", "", catalog.Host{Version: "1.0.0", Protocols: []int{1}, Platform: "plan9/386"})
	if !errors.Is(err, catalog.ErrNotInCatalog) || !strings.Contains(err.Error(), "no plan9/386 binary") {
		t.Fatalf("no fitting platform: %v", err)
	}
	if _, err := c.FetchIndex(ctx, t.TempDir()); !errors.Is(err, catalog.ErrNoIndex) {
		t.Fatalf("folder without index: %v", err)
	}
}

func TestServerBuildsTheIndexWhenTheFolderHasNone(t *testing.T) {
	dir := folder(t, "2.0.0")
	h, err := catalog.Handler(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	idx, err := (&catalog.Client{}).FetchIndex(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if len(idx.Extensions) != 1 || idx.Extensions[0].Versions[0].Version != "2.0.0" {
		t.Fatalf("index = %+v", idx)
	}
	if _, err := os.Stat(filepath.Join(dir, catalog.IndexName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("serving wrote into the catalog folder: %v", err)
	}
}

// FuzzParseIndex feeds arbitrary bytes to the index parser: it must never
// panic, and what it accepts has valid versions, hashes and sizes.
func FuzzParseIndex(f *testing.F) {
	f.Add([]byte(`{"format_version":1,"extensions":[{"id":"a","name":"A","publisher":"p","versions":[{"version":"1.0.0","download":"a.ext","sha256":"` + strings.Repeat("0", 64) + `","size":1}]}]}`))
	f.Add([]byte(`{"format_version":1,"extensions":[{"id":"a","publisher":"p","versions":[{"version":"12345678901234567890.0.0"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := catalog.ParseIndex(data)
		if err != nil {
			if !errors.Is(err, catalog.ErrBadIndex) {
				t.Fatalf("error without ErrBadIndex: %v", err)
			}
			return
		}
		for _, e := range idx.Extensions {
			for _, v := range e.Versions {
				if ext.CheckVersion(v.Version) != nil || len(v.SHA256) != 64 || v.Size <= 0 {
					t.Fatalf("accepted %+v", v)
				}
			}
		}
	})
}

// TestAnInterpretedConnectorFitsEveryPlatform indexes a script connector
// and resolves it for a platform no binary exists for: the catalog lists
// its runtime, and the host's own install check decides about the
// interpreter.
func TestAnInterpretedConnectorFitsEveryPlatform(t *testing.T) {
	ctx := context.Background()
	src, dir := t.TempDir(), t.TempDir()
	for name, content := range map[string]string{
		"manifest.json": `{"format_version":1,"id":"acme-python","name":"Acme (Python)","version":"0.1.0","publisher":"example",
			"description":"d","protocol_versions":[1],"host_version":">= 0.1.0",
			"runtime":{"name":"python3","min_version":"3.11","entry":"main.py"},"readme":"README.md","icon":"icon.svg"}`,
		"main.py": "print()\n", "README.md": "r", "icon.svg": "<svg/>",
	} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ext.PackFile(ctx, src, filepath.Join(dir, "acme-python-0.1.0.ext"), ext.PackOptions{Key: exttest.Key(t)}); err != nil {
		t.Fatal(err)
	}
	idx, err := catalog.WriteFile(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	v := idx.Extensions[0].Versions[0]
	if v.Runtime == nil || v.Runtime.Name != "python3" || len(v.Platforms) != 0 {
		t.Fatalf("version entry %+v", v)
	}
	c, err := catalog.Resolve([]catalog.Named{{Location: dir, Index: idx}}, "acme-python", "",
		catalog.Host{Version: "0.5.0", Protocols: []int{1}, Platform: "plan9/386"})
	if err != nil || c == nil {
		t.Fatalf("resolve for a platform without binaries: %v", err)
	}
}
