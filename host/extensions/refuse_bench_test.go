package extensions_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	kzip "github.com/klauspost/compress/zip"

	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/marketplace/ext"
)

// hugeDirectoryRecords is how many central-directory records the
// refusal benchmark's archive really holds.
const hugeDirectoryRecords = 2_000_000

// writeHugeDirectoryArchive writes a 1 GiB file: a local header, a hole
// (sparse on disk), hugeDirectoryRecords real directory records, and end
// records. It returns the path, where the directory starts and its size.
func writeHugeDirectoryArchive(b *testing.B) (string, int64, int64) {
	b.Helper()
	const size = 1 << 30
	p := filepath.Join(b.TempDir(), "huge.ext")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	local := make([]byte, 30)
	copy(local, "PK\x03\x04")
	if _, err := f.Write(local); err != nil {
		b.Fatal(err)
	}
	const recLen = 46 + 1
	cdSize := int64(hugeDirectoryRecords * recLen)
	tailLen := int64(56 + 20 + 22) // zip64 end, locator, end
	cdStart := int64(size) - tailLen - cdSize
	if _, err := f.Seek(cdStart, 0); err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rec := make([]byte, recLen)
	binary.LittleEndian.PutUint32(rec, 0x02014b50)
	binary.LittleEndian.PutUint16(rec[28:], 1)
	for i := range hugeDirectoryRecords {
		rec[46] = byte('a' + i%26)
		if _, err := w.Write(rec); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if _, err := f.Write(endRecords(cdStart, cdSize, hugeDirectoryRecords, true)); err != nil {
		b.Fatal(err)
	}
	return p, cdStart, cdSize
}

// endRecords are the zip64 end record, its locator and the end record,
// declaring records entries and a directory of cdSize bytes at cdStart.
// Without zip64 the plain end record alone carries the values.
func endRecords(cdStart, cdSize int64, records uint64, zip64 bool) []byte {
	var out bytes.Buffer
	end := make([]byte, 22)
	binary.LittleEndian.PutUint32(end, 0x06054b50)
	if zip64 {
		z := make([]byte, 56)
		binary.LittleEndian.PutUint32(z, 0x06064b50)
		binary.LittleEndian.PutUint64(z[4:], 44)
		binary.LittleEndian.PutUint64(z[24:], records)
		binary.LittleEndian.PutUint64(z[32:], records)
		binary.LittleEndian.PutUint64(z[40:], uint64(cdSize))
		binary.LittleEndian.PutUint64(z[48:], uint64(cdStart))
		loc := make([]byte, 20)
		binary.LittleEndian.PutUint32(loc, 0x07064b50)
		binary.LittleEndian.PutUint64(loc[8:], uint64(cdStart+cdSize))
		binary.LittleEndian.PutUint32(loc[16:], 1)
		out.Write(z)
		out.Write(loc)
		binary.LittleEndian.PutUint16(end[8:], 0xffff)
		binary.LittleEndian.PutUint16(end[10:], 0xffff)
		binary.LittleEndian.PutUint32(end[12:], 0xffffffff)
		binary.LittleEndian.PutUint32(end[16:], 0xffffffff)
	} else {
		out.Write(make([]byte, 76)) // keeps the file's size; not part of the zip
		binary.LittleEndian.PutUint16(end[8:], uint16(records))
		binary.LittleEndian.PutUint16(end[10:], uint16(records))
		binary.LittleEndian.PutUint32(end[12:], uint32(cdSize))
		binary.LittleEndian.PutUint32(end[16:], uint32(cdStart))
	}
	out.Write(end)
	return out.Bytes()
}

// procStatusKB reads a "VmRSS"/"VmHWM" line of /proc/self/status in KiB.
func procStatusKB(field string) (int64, bool) {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// BenchmarkRefuseHugeDirectory installs (with --on-host) a 1 GiB archive
// whose zip directory really holds two million records, declared three
// ways: honestly (zip64), with a count that passes and the true size, and
// with a count and a size that both pass but do not reach the end record.
// It reports the host's peak RSS above idle while refusing (target: under
// 64 MB) and the time to refuse (target: under 1 s). Peak RSS is read
// from /proc after resetting the high-water mark, so Linux only.
func BenchmarkRefuseHugeDirectory(b *testing.B) {
	path, cdStart, cdSize := writeHugeDirectoryArchive(b)
	ctx := context.Background()
	m, err := extensions.New(ctx, extensions.Config{DataDir: filepath.Join(b.TempDir(), "data"), Docs: store.NewMemoryDocs(), HostVersion: "1.0.0"})
	if err != nil {
		b.Fatal(err)
	}
	variants := []struct {
		name    string
		records uint64
		size    int64
		zip64   bool
		want    error
	}{
		{"declared-2M-records", hugeDirectoryRecords, cdSize, true, ext.ErrTooManyFiles},
		{"declared-10-records-true-size", 10, cdSize, false, ext.ErrDirectoryTooLarge},
		{"declared-10-records-470-bytes", 10, 470, false, ext.ErrCorrupt},
	}
	if os.Getenv("IDBRIDGE_BENCH_UNBOUNDED") != "" {
		// For comparison only: what a zip reader allocates when handed
		// this archive without the bound. Needs about a gigabyte.
		b.Run("zip-reader-without-the-bound", func(b *testing.B) {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			runtime.GC()
			debug.FreeOSMemory()
			_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
			idle, _ := procStatusKB("VmRSS")
			start := time.Now()
			zr, err := kzip.NewReader(f, 1<<30)
			took := time.Since(start)
			peak, _ := procStatusKB("VmHWM")
			n := 0
			if zr != nil {
				n = len(zr.File)
			}
			b.ReportMetric(float64(peak-idle)/1024, "MB-peak-RSS-above-idle")
			b.ReportMetric(float64(took.Milliseconds()), "ms-to-parse")
			b.Logf("unbounded zip reader: %d records parsed in %v, %.0f MB peak RSS above idle (%v)", n, took, float64(peak-idle)/1024, err)
		})
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				b.Fatal(err)
			}
			tail := endRecords(cdStart, v.size, v.records, v.zip64)
			if _, err := f.WriteAt(tail, cdStart+cdSize); err != nil {
				b.Fatal(err)
			}
			f.Close()
			var worstPeak int64
			var worst time.Duration
			var refusal error
			for b.Loop() {
				b.StopTimer()
				runtime.GC()
				debug.FreeOSMemory()
				resetPeak := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
				idle, _ := procStatusKB("VmRSS")
				b.StartTimer()
				start := time.Now()
				_, refusal = m.Install(ctx, extensions.Source{File: path})
				took := time.Since(start)
				b.StopTimer()
				if !errors.Is(refusal, v.want) {
					b.Fatalf("got %v, want %v", refusal, v.want)
				}
				if peak, ok := procStatusKB("VmHWM"); ok && resetPeak && peak-idle > worstPeak {
					worstPeak = peak - idle
				}
				worst = max(worst, took)
				b.StartTimer()
			}
			b.ReportMetric(float64(worstPeak)/1024, "MB-peak-RSS-above-idle")
			b.ReportMetric(float64(worst.Microseconds())/1000, "ms-to-refuse")
			b.Logf("%s: refused in %v with %.1f MB peak RSS above idle (%v)", v.name, worst, float64(worstPeak)/1024, refusal)
		})
	}
}
