package ext

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/klauspost/compress/flate"
	kzip "github.com/klauspost/compress/zip"
)

// meter counts the bytes an archive's entries actually produce, across
// every entry and every worker, so that limits hold even when headers lie.
// See decision 0183.
type meter struct {
	limits  Limits
	budget  int64 // archive-wide output bound from the archive's own size
	size    int64
	written atomic.Int64
}

// reset starts counting afresh for an archive of size bytes. Whatever the
// headers say, all entries together may produce at most MaxRatio times
// the archive's size (above RatioFloorBytes) and MaxTotalBytes.
func (m *meter) reset(limits Limits, size int64) {
	m.limits, m.size = limits, size
	m.budget = max(limits.RatioFloorBytes, int64(limits.MaxRatio*float64(size)))
	m.written.Store(0)
}

// add records n more bytes produced by entry name, which has consumed
// read bytes of the archive so far and produced done bytes in all.
func (m *meter) add(name string, n, read, done int64) error {
	total := m.written.Add(n)
	l := m.limits
	switch {
	case done > l.RatioFloorBytes && float64(done) > l.MaxRatio*float64(max(read, 1)):
		return &EntryError{Name: name, Detail: fmt.Sprintf("%d bytes read from the archive produced more than %d, limit %.0f:1", read, done, l.MaxRatio), Err: ErrCompressionRatio}
	case total > l.MaxTotalBytes:
		return fmt.Errorf("%w: the entries produced more than %d bytes in all", ErrTooManyBytes, l.MaxTotalBytes)
	case total > m.budget:
		return fmt.Errorf("%w: the entries produced more than %d bytes from a %d-byte archive, limit %.0f:1", ErrCompressionRatio, m.budget, m.size, l.MaxRatio)
	}
	return nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// streamChunk is how much is decompressed between two checks of the
// limits: small enough that no check is overshot by much.
const streamChunk = 64 << 10

// stream decompresses entry f into dst, at most limit+1 bytes (one more
// than allowed, so the caller sees an overlong entry), checking the
// meter's limits after every chunk against the bytes actually read from
// the archive and actually produced. The entry's data is read raw and
// decompressed here, so nothing is read beyond its declared compressed
// size and every byte read is counted.
func (a *Archive) stream(ctx context.Context, f *kzip.File, limit int64, dst io.Writer) (int64, error) {
	raw, err := f.OpenRaw()
	if err != nil {
		return 0, &EntryError{Name: f.Name, Detail: err.Error(), Err: ErrCorrupt}
	}
	counted := &countingReader{r: raw}
	var src io.Reader = counted
	if f.Method == kzip.Deflate {
		fr := flate.NewReader(counted)
		defer fr.Close()
		src = fr
	}
	src = io.LimitReader(src, limit+1)
	buf := make([]byte, streamChunk)
	var done int64
	for {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		n, rerr := io.ReadFull(src, buf)
		if n > 0 {
			done += int64(n)
			if err := a.meter.add(f.Name, int64(n), counted.n, done); err != nil {
				return done, err
			}
			if _, err := dst.Write(buf[:n]); err != nil {
				return done, err
			}
		}
		switch {
		case rerr == io.EOF || rerr == io.ErrUnexpectedEOF:
			return done, nil
		case rerr != nil:
			return done, &EntryError{Name: f.Name, Detail: rerr.Error(), Err: ErrCorrupt}
		}
	}
}
