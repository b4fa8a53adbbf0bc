package ext

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
)

// SignFile signs an .ext in place with priv, replacing any earlier
// signature. It first checks the archive as a host would (structure,
// manifest, every file's hash) so that nothing inconsistent gets signed,
// then rewrites it with the new manifest.sig right after manifest.json,
// copying every other entry without recompressing it. rotations, from a
// key change (see EndorseKey), are carried in the signature so hosts that
// pinned an earlier key accept it.
func SignFile(ctx context.Context, path string, priv ed25519.PrivateKey, rotations ...KeyRotation) (Signature, error) {
	a, err := Open(ctx, path, Limits{})
	if err != nil {
		return Signature{}, fmt.Errorf("sign: %w", err)
	}
	defer a.Close()
	if err := a.VerifyContents(ctx); err != nil {
		return Signature{}, fmt.Errorf("sign: %w", err)
	}
	sig := SignManifest(a.ManifestBytes, priv)
	sig.Rotations = rotations

	src, err := os.Open(path)
	if err != nil {
		return Signature{}, fmt.Errorf("sign: %w", err)
	}
	defer src.Close()
	zr, err := zip.NewReader(src, a.Size)
	if err != nil {
		return Signature{}, fmt.Errorf("sign: %w: %v", ErrCorrupt, err)
	}
	err = writeAtomically(path, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		for _, f := range zr.File {
			switch f.Name {
			case SignatureName:
				continue // replaced below
			case ManifestName:
				if err := zw.Copy(f); err != nil {
					return err
				}
				if err := writeEntry(zw, SignatureName, bytes.NewReader(sig.Marshal()), false); err != nil {
					return err
				}
			default:
				if err := zw.Copy(f); err != nil {
					return err
				}
			}
		}
		return zw.Close()
	})
	if err != nil {
		return Signature{}, fmt.Errorf("sign: %w", err)
	}
	return sig, nil
}
