package extensions_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/store"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// BenchmarkInstallClockify installs the Clockify .ext (verify, unpack,
// record, first launch and Describe) and, beside it, does what a person
// would do by hand with the same archive: `unzip -q` and `sha256sum`. The
// install sub-benchmarks report their time as a multiple of that pair
// ("x-unzip+sha256sum"); the target is 1.5 or less.
func BenchmarkInstallClockify(b *testing.B) {
	work := b.TempDir()
	keyPath := filepath.Join(work, "dev.key")
	res := buildClockify(b, filepath.Join(work, "market"), keyPath, "0.1.0")
	pub, err := os.ReadFile(keyPath + ".pub")
	if err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(res.Path)
	b.Logf("archive: %s, %.1f MiB, %d platforms", filepath.Base(res.Path), float64(st.Size())/(1<<20), len(res.Manifest.Platforms))

	perOp := map[string]time.Duration{}
	record := func(b *testing.B, name string) {
		perOp[name] = b.Elapsed() / time.Duration(b.N)
	}
	fresh := func(b *testing.B) string {
		b.StopTimer()
		dir, err := os.MkdirTemp(work, "run-")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		return dir
	}
	cleanup := func(b *testing.B, dir string) {
		b.StopTimer()
		_ = os.RemoveAll(dir)
		b.StartTimer()
	}
	run := func(b *testing.B, name string, args ...string) {
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", name, err, out)
		}
	}

	b.Run("unzip+sha256sum", func(b *testing.B) {
		for b.Loop() {
			dir := fresh(b)
			run(b, "unzip", "-q", res.Path, "-d", dir)
			run(b, "sha256sum", res.Path)
			cleanup(b, dir)
		}
		record(b, "baseline")
	})
	// The stricter reading: hash every unpacked file, as the install does.
	b.Run("unzip+sha256sum-each-file", func(b *testing.B) {
		for b.Loop() {
			dir := fresh(b)
			run(b, "unzip", "-q", res.Path, "-d", dir)
			run(b, "sh", "-c", `find "$1" -type f -exec sha256sum {} + >/dev/null`, "sh", dir)
			cleanup(b, dir)
		}
		record(b, "baseline-files")
	})
	install := func(b *testing.B, launch bool) {
		ctx := context.Background()
		for b.Loop() {
			dir := fresh(b)
			m, err := extensions.New(ctx, extensions.Config{DataDir: dir, Docs: store.NewMemoryDocs()})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := m.TrustKey(ctx, "dev", pub); err != nil {
				b.Fatal(err)
			}
			if _, err := m.Install(ctx, extensions.Source{File: res.Path}); err != nil {
				b.Fatal(err)
			}
			if launch {
				path, sum, err := m.BinaryPath(ctx, "clockify")
				if err != nil {
					b.Fatal(err)
				}
				sup := pluginhost.NewSupervisor(pluginhost.Config{})
				h, err := sup.Add("clockify", pluginhost.Plugin{Name: "clockify", Path: path, SHA256: sum})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := h.Describe(ctx, &connectorv1.DescribeRequest{HostProtocolVersion: 1}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				_ = sup.Shutdown(ctx)
				b.StartTimer()
			}
			cleanup(b, dir)
		}
	}
	b.Run("install", func(b *testing.B) {
		install(b, false)
		record(b, "install")
		b.ReportMetric(float64(perOp["install"])/float64(perOp["baseline"]), "x-unzip+sha256sum")
	})
	b.Run("install+launch+describe", func(b *testing.B) {
		install(b, true)
		record(b, "launch")
		b.ReportMetric(float64(perOp["launch"])/float64(perOp["baseline"]), "x-unzip+sha256sum")
	})
	b.Logf("unzip -q + sha256sum: %v/op (hashing each file: %v/op); install (verify, unpack, record): %v/op (%.2fx); with first launch and Describe: %v/op (%.2fx)",
		perOp["baseline"], perOp["baseline-files"], perOp["install"], float64(perOp["install"])/float64(perOp["baseline"]),
		perOp["launch"], float64(perOp["launch"])/float64(perOp["baseline"]))
}
