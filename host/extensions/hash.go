package extensions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/idbridge/idbridge/marketplace/catalog"
	"github.com/idbridge/idbridge/marketplace/ext"
)

// hashingWriter hashes what it writes through, so an archive is hashed
// while it is copied into staging rather than read twice.
type hashingWriter struct {
	w io.Writer
	h hash.Hash
}

func newHashingWriter(w io.Writer) *hashingWriter {
	return &hashingWriter{w: w, h: sha256.New()}
}

func (h *hashingWriter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p)
	h.h.Write(p[:n])
	return n, err
}

func (h *hashingWriter) sum() string { return hex.EncodeToString(h.h.Sum(nil)) }

func fileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashHostFile is the sha256 of the archive file on the host, recorded
// with the installation. Only the size that was checked is read.
func hashHostFile(ctx context.Context, p string, size int64) (string, error) {
	f, err := ext.OpenRegular(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := newHashingWriter(io.Discard)
	if _, err := io.Copy(h, catalog.ContextReader(ctx, io.LimitReader(f, size))); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("read %s: %w", p, err)
	}
	return h.sum(), nil
}
