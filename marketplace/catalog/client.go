package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// ErrDownloadMismatch: a downloaded archive does not have the sha256 or
// size the catalog index promises.
var ErrDownloadMismatch = errors.New("the downloaded archive does not match the catalog index: the catalog or the connection is broken; try again")

// maxIndexBytes bounds an index download.
const maxIndexBytes = 16 << 20

// Client reads catalogs. A catalog location is an http(s) URL of the
// catalog (its index is at <url>/index.json, or the URL may name the
// index itself), a file:// URL or a plain folder path.
type Client struct {
	// HTTP fetches remote catalogs; nil means http.DefaultClient.
	HTTP *http.Client
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// indexURL returns where location's index is, and whether it is local.
func indexURL(location string) (*url.URL, bool, error) {
	u, err := url.Parse(location)
	if err != nil || u.Scheme == "" || len(u.Scheme) == 1 { // "C:\..." parses with scheme "c"
		abs, err := filepath.Abs(location)
		if err != nil {
			return nil, false, err
		}
		return &url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(abs, IndexName))}, true, nil
	}
	switch u.Scheme {
	case "http", "https":
	case "file":
		if !strings.HasSuffix(u.Path, ".json") {
			u.Path = strings.TrimSuffix(u.Path, "/") + "/" + IndexName
		}
		return u, true, nil
	default:
		return nil, false, fmt.Errorf("catalog location %q: use an http(s) URL, a file:// URL or a folder path", location)
	}
	if !strings.HasSuffix(u.Path, ".json") {
		u.Path = strings.TrimSuffix(u.Path, "/") + "/" + IndexName
	}
	return u, false, nil
}

// CheckLocation reports whether location is a usable catalog location
// without contacting it.
func CheckLocation(location string) error {
	_, _, err := indexURL(location)
	return err
}

// FetchIndex reads the catalog's index.
func (c *Client) FetchIndex(ctx context.Context, location string) (*Index, error) {
	u, local, err := indexURL(location)
	if err != nil {
		return nil, err
	}
	var data []byte
	if local {
		data, err = readLocal(u.Path, maxIndexBytes)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", location, ErrNoIndex)
		}
	} else {
		data, err = c.get(ctx, u.String(), maxIndexBytes, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", location, err)
	}
	idx, err := ParseIndex(data)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", location, err)
	}
	return idx, nil
}

// Download writes the archive of v from the catalog at location into w,
// checking its size and sha256 against the index. w may hold a partial
// archive when an error is returned; the caller discards it.
func (c *Client) Download(ctx context.Context, location string, v Version, w io.Writer) error {
	base, local, err := indexURL(location)
	if err != nil {
		return err
	}
	ref, err := url.Parse(v.Download)
	if err != nil {
		return fmt.Errorf("catalog %s: download %q is not a URL: %w", location, v.Download, err)
	}
	target := base.ResolveReference(ref)
	h := sha256.New()
	counted := &countWriter{w: io.MultiWriter(w, h)}
	if local {
		// A folder catalog may only point at files inside the folder.
		if ref.IsAbs() || strings.Contains(v.Download, "/") || strings.Contains(v.Download, `\`) {
			return fmt.Errorf("catalog %s: download %q must be a file name inside the catalog folder", location, v.Download)
		}
		f, err := os.Open(filepath.FromSlash(target.Path))
		if err != nil {
			return fmt.Errorf("catalog %s: %w", location, err)
		}
		defer f.Close()
		if _, err := io.Copy(counted, io.LimitReader(f, v.Size+1)); err != nil {
			return err
		}
	} else {
		if target.Scheme != "http" && target.Scheme != "https" {
			return fmt.Errorf("catalog %s: download %q must be an http(s) URL", location, v.Download)
		}
		if _, err := c.get(ctx, target.String(), v.Size, counted); err != nil {
			return fmt.Errorf("catalog %s: %w", location, err)
		}
	}
	if sum := hex.EncodeToString(h.Sum(nil)); counted.n != v.Size || sum != v.SHA256 {
		return fmt.Errorf("%w (%s: got %d bytes with sha256 %s, index says %d bytes with %s)", ErrDownloadMismatch, v.Download, counted.n, sum, v.Size, v.SHA256)
	}
	return nil
}

// get fetches url; with w nil it returns the body (at most limit bytes),
// otherwise it copies at most limit+1 bytes into w so an oversized body is
// caught by the caller's size check.
func (c *Client) get(ctx context.Context, u string, limit int64, w io.Writer) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	if w != nil {
		_, err := io.Copy(w, io.LimitReader(resp.Body, limit+1))
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("GET %s: larger than %d bytes", u, limit)
	}
	return data, nil
}

func readLocal(path string, limit int64) ([]byte, error) {
	f, err := os.Open(filepath.FromSlash(path))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return data, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
