package catalog

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
)

// DefaultListen is where `idbridge marketplace serve` listens unless told
// otherwise: loopback, so a catalog is never exposed by accident.
const DefaultListen = "127.0.0.1:8480"

// Handler serves a catalog folder read-only: GET or HEAD of /index.json
// and of the *.ext files directly inside dir, nothing else. When dir has
// no index.json, the index is built once in memory so a folder of archives
// can be served as it is.
func Handler(ctx context.Context, dir string, logger hclog.Logger) (http.Handler, error) {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	var builtIndex []byte
	if _, err := root.Stat(IndexName); errors.Is(err, os.ErrNotExist) {
		idx, err := Build(ctx, dir)
		if err != nil {
			root.Close()
			return nil, err
		}
		if builtIndex, err = idx.Marshal(); err != nil {
			root.Close()
			return nil, err
		}
		logger.Info("no index.json in the catalog folder; serving one built in memory", "extensions", len(idx.Extensions))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the catalog is read-only", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "" {
			name = IndexName
		}
		if strings.Contains(name, "/") || strings.HasPrefix(name, ".") || (name != IndexName && filepath.Ext(name) != ".ext") {
			http.NotFound(w, r)
			return
		}
		if name == IndexName && builtIndex != nil {
			w.Header().Set("Content-Type", "application/json")
			http.ServeContent(w, r, name, time.Time{}, strings.NewReader(string(builtIndex)))
			return
		}
		f, err := root.Open(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil || !st.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		if name == IndexName {
			w.Header().Set("Content-Type", "application/json")
		} else {
			w.Header().Set("Content-Type", "application/zip")
		}
		logger.Debug("serve", "file", name, "remote", r.RemoteAddr)
		http.ServeContent(w, r, name, st.ModTime(), f)
	}), nil
}

// Serve runs the catalog on addr until ctx ends. ready, when not nil,
// receives the bound address once listening (useful with port 0).
func Serve(ctx context.Context, dir, addr string, logger hclog.Logger, ready func(net.Addr)) error {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	h, err := Handler(ctx, dir, logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if ready != nil {
		ready(ln.Addr())
	}
	logger.Info("serving catalog", "dir", dir, "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	}
}
