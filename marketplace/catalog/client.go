package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrDownloadMismatch: a downloaded archive does not have the sha256 or
// size the catalog index promises.
var ErrDownloadMismatch = errors.New("the downloaded archive does not match the catalog index: the catalog or the connection is broken; try again")

// ErrUnavailable: a catalog index or an archive could not be fetched: the
// address answered an error status, did not answer in time, stalled, or
// sent more than the limit. The wrapped text says which.
var ErrUnavailable = errors.New("could not download from the catalog or URL")

// ErrBadDownloadPath: a folder catalog's index names a download outside
// the catalog's folder.
var ErrBadDownloadPath = errors.New("the catalog index names a download outside the catalog's folder: fix the catalog's index.json")

// maxIndexBytes bounds an index download.
const maxIndexBytes = 16 << 20

// DefaultIdleTimeout is how long a transfer may go without receiving a
// byte before it is abandoned.
const DefaultIdleTimeout = 60 * time.Second

// DefaultIndexTimeout bounds fetching one catalog's index.
const DefaultIndexTimeout = 60 * time.Second

// Client reads catalogs. A catalog location is an http(s) URL of the
// catalog (its index is at <url>/index.json, or the URL may name the
// index itself), a file:// URL or a plain folder path.
type Client struct {
	// HTTP fetches remote catalogs; nil means NewHTTPClient().
	HTTP *http.Client
	// IdleTimeout abandons a transfer that received nothing for this
	// long; zero means DefaultIdleTimeout.
	IdleTimeout time.Duration
}

// NewHTTPClient returns an HTTP client with bounded connection, TLS and
// response-header waits and no overall timeout: a large archive may take
// long, and the caller's context and the idle timeout bound it instead.
func NewHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          10,
		ForceAttemptHTTP2:     true,
	}}
}

var defaultHTTP = NewHTTPClient()

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP
}

func (c *Client) idle() time.Duration {
	if c.IdleTimeout > 0 {
		return c.IdleTimeout
	}
	return DefaultIdleTimeout
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

// FetchIndex reads the catalog's index, within DefaultIndexTimeout.
func (c *Client) FetchIndex(ctx context.Context, location string) (*Index, error) {
	u, local, err := indexURL(location)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultIndexTimeout)
	defer cancel()
	var data []byte
	if local {
		data, err = readLocal(u.Path, maxIndexBytes)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", location, ErrNoIndex)
		}
		if err != nil {
			err = fmt.Errorf("%w: %v", ErrUnavailable, err)
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
	h := sha256.New()
	counted := &countWriter{w: io.MultiWriter(w, h)}
	if local {
		if err := copyFromFolder(ctx, filepath.Dir(filepath.FromSlash(base.Path)), v, counted); err != nil {
			return fmt.Errorf("catalog %s: %w", location, err)
		}
	} else {
		ref, err := url.Parse(v.Download)
		if err != nil {
			return fmt.Errorf("catalog %s: %w: download %q is not a URL", location, ErrBadDownloadPath, v.Download)
		}
		target := base.ResolveReference(ref)
		if target.Scheme != "http" && target.Scheme != "https" {
			return fmt.Errorf("catalog %s: %w: download %q must be an http(s) URL", location, ErrBadDownloadPath, v.Download)
		}
		if err := c.Fetch(ctx, target.String(), v.Size, counted); err != nil {
			return fmt.Errorf("catalog %s: %w", location, err)
		}
	}
	if sum := hex.EncodeToString(h.Sum(nil)); counted.n != v.Size || sum != v.SHA256 {
		return fmt.Errorf("%w (%s: got %d bytes with sha256 %s, index says %d bytes with %s)", ErrDownloadMismatch, v.Download, counted.n, sum, v.Size, v.SHA256)
	}
	return nil
}

// copyFromFolder copies a folder catalog's download into w. The name is
// decoded the way a URL reference would be, then must be a plain local
// name inside dir, and is opened through an os.Root on dir: a name such as
// "%2e%2e%2fx.ext" is decoded to "../x.ext" and refused, and no link in
// the folder can lead outside it. See decision 0182.
func copyFromFolder(ctx context.Context, dir string, v Version, w io.Writer) error {
	name, err := url.PathUnescape(v.Download)
	if err != nil || name == "" || strings.ContainsAny(name, `/\:`) || !filepath.IsLocal(name) || name != filepath.Clean(name) {
		return fmt.Errorf("%w: %q", ErrBadDownloadPath, v.Download)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("%w: the catalog folder cannot be opened", ErrUnavailable)
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%w: %q leads outside the catalog folder or cannot be read", ErrBadDownloadPath, v.Download)
		}
		return fmt.Errorf("%w: the catalog lists %q but the folder has no such file", ErrUnavailable, name)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return fmt.Errorf("%w: %q is not a regular file", ErrBadDownloadPath, name)
	}
	_, err = io.Copy(w, &ctxReader{ctx: ctx, r: io.LimitReader(f, v.Size+1)})
	return err
}

// Fetch copies the body of an http(s) GET of rawURL into w, refusing an
// error status, a declared or actual body over limit bytes, and a
// transfer that receives nothing for IdleTimeout. The caller's context
// bounds the whole transfer.
func (c *Client) Fetch(ctx context.Context, rawURL string, limit int64, w io.Writer) error {
	_, err := c.get(ctx, rawURL, limit, w)
	return err
}

// get fetches url; with w nil it returns the body (at most limit bytes),
// otherwise it copies it into w.
func (c *Client) get(ctx context.Context, rawURL string, limit int64, w io.Writer) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http(s) URL", rawURL)
	}
	shown := u.Redacted()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%w: GET %s: %v", ErrUnavailable, shown, err)
	}
	idle := newIdleTimer(c.idle(), cancel)
	defer idle.stop()
	resp, err := c.http().Do(req)
	if err != nil {
		return nil, transferError(ctx, shown, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: GET %s answered %s", ErrUnavailable, shown, resp.Status)
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%w: GET %s: the answer is %d bytes, more than the %d bytes this host accepts", ErrUnavailable, shown, resp.ContentLength, limit)
	}
	var buf bytes.Buffer
	dst := w
	if dst == nil {
		dst = &buf
	}
	n, err := io.Copy(dst, idle.reader(io.LimitReader(resp.Body, limit+1)))
	if err != nil {
		return nil, transferError(ctx, shown, err)
	}
	if n > limit {
		return nil, fmt.Errorf("%w: GET %s: the answer is more than the %d bytes this host accepts", ErrUnavailable, shown, limit)
	}
	return buf.Bytes(), nil
}

// transferError says why a transfer failed in words an admin can act on.
func transferError(ctx context.Context, shown string, err error) error {
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errStalled):
		return fmt.Errorf("%w: GET %s: %v", ErrUnavailable, shown, cause)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("%w: GET %s did not finish in time; check the address, or try again when the server is responsive", ErrUnavailable, shown)
	case errors.Is(ctx.Err(), context.Canceled):
		return ctx.Err()
	}
	var nerr net.Error
	if errors.As(err, &nerr) && nerr.Timeout() {
		return fmt.Errorf("%w: GET %s: the server did not answer in time", ErrUnavailable, shown)
	}
	return fmt.Errorf("%w: GET %s: %v", ErrUnavailable, shown, err)
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
		return nil, fmt.Errorf("%s is larger than %d bytes", filepath.Base(path), limit)
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
