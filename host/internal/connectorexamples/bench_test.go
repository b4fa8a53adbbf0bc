package connectorexamples_test

import (
	"context"
	"io/fs"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/runtimes"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// launchesPerRun is how many launches one benchmark iteration measures.
const launchesPerRun = 20

// BenchmarkLaunchToFirstDescribe measures, for the Acme connector in Go,
// Python and TypeScript, the time from "no process" to the first Describe
// answer as the host's supervisor does it in production: hash checks
// (every pinned file of an interpreted connector), exec, the
// interpreter's start-up and imports, handshake, mutual TLS, one call.
// The interpreter itself is found once beforehand, as the host remembers
// it.
func BenchmarkLaunchToFirstDescribe(b *testing.B) {
	goBin := filepath.Join(b.TempDir(), "idbridge-acme")
	if out, err := exec.Command("go", "build", "-o", goBin, "../../../plugins/tutorial/cmd/idbridge-acme").CombinedOutput(); err != nil {
		b.Fatalf("build the Go connector: %v\n%s", err, out)
	}
	goSum, err := pluginhost.FileSHA256(goBin)
	if err != nil {
		b.Fatal(err)
	}
	plugins := []struct {
		name string
		p    func(b *testing.B) pluginhost.Plugin
	}{
		{"go", func(*testing.B) pluginhost.Plugin {
			return pluginhost.Plugin{Name: "acme-go", Path: goBin, SHA256: goSum}
		}},
	}
	for _, c := range connectors {
		plugins = append(plugins, struct {
			name string
			p    func(b *testing.B) pluginhost.Plugin
		}{c.name, func(b *testing.B) pluginhost.Plugin { return interpreted(b, c) }})
	}
	for _, tc := range plugins {
		b.Run(tc.name, func(b *testing.B) {
			p := tc.p(b)
			var samples []time.Duration
			for b.Loop() {
				for range launchesPerRun {
					sup := pluginhost.NewSupervisor(pluginhost.Config{StartTimeout: 30 * time.Second})
					h, err := sup.Add("bench", p)
					if err != nil {
						b.Fatal(err)
					}
					start := time.Now()
					if _, err := h.Describe(context.Background(), &connectorv1.DescribeRequest{}); err != nil {
						b.Fatal(err)
					}
					samples = append(samples, time.Since(start))
					b.StopTimer()
					_ = sup.Shutdown(context.Background())
					b.StartTimer()
				}
			}
			slices.Sort(samples)
			at := func(q float64) float64 {
				return float64(samples[int(q*float64(len(samples)-1))]) / float64(time.Millisecond)
			}
			b.ReportMetric(at(0.50), "p50-ms")
			b.ReportMetric(at(0.95), "p95-ms")
			b.ReportMetric(float64(len(samples)), "samples")
		})
	}
}

// interpreted is the example's plugin as the extension manager would
// launch it after install: its interpreter, the entry script, every other
// file pinned.
func interpreted(b testing.TB, c connector) pluginhost.Plugin {
	m := ready(b, c)
	in, err := (&runtimes.Finder{}).Find(context.Background(), *m.Runtime)
	if err != nil {
		b.Fatal(err)
	}
	dir, _ := filepath.Abs(c.folder)
	p := pluginhost.Plugin{Name: m.ID, Path: filepath.Join(dir, m.Runtime.Entry), Dir: dir,
		Interpreter: in.Command(), Pinned: map[string]string{}}
	if p.SHA256, err = pluginhost.FileSHA256(p.Path); err != nil {
		b.Fatal(err)
	}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path == p.Path {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		p.Pinned[filepath.ToSlash(rel)], err = pluginhost.FileSHA256(path)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return p
}
