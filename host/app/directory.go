package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/demodir"
)

// DemoDirectoryFile is written in the data folder (mode 0600) when the host
// runs the embedded demo directory, so the demo and an admin's LDAP tools
// can connect to it and change users as a real AD admin would.
const DemoDirectoryFile = "demo-directory.json"

// DemoDirectoryInfo is the content of DemoDirectoryFile.
type DemoDirectoryInfo struct {
	// URL is the directory's ldap:// address (plain text, loopback).
	URL string `json:"url"`
	// BindDN and Password are the administrator's credentials.
	BindDN   string `json:"bind_dn"`
	Password string `json:"password"`
	// BaseDN is the domain's naming context.
	BaseDN string `json:"base_dn"`
}

// openDirectory connects to the configured directory, starting the
// embedded demo directory first when asked. It returns nil, nil when no
// directory is configured.
func (a *App) openDirectory(ctx context.Context) (*directory.Client, error) {
	cfg := a.opts.Directory
	if a.opts.DemoDirectory {
		srv, err := demodir.Start(ctx, demodir.Options{Listen: a.opts.DemoDirectoryListen, Seed: demodir.DemoSeed(),
			Logger: a.Log.Named("demodir")})
		if err != nil {
			return nil, fmt.Errorf("start the embedded demo directory: %w", err)
		}
		a.stopLast = append(a.stopLast, closer{"demo directory", srv.Close})
		info := DemoDirectoryInfo{URL: srv.URL(), BindDN: srv.BindDN(), Password: srv.Password(), BaseDN: srv.BaseDN()}
		a.Masker.Add(info.Password)
		raw, _ := json.MarshalIndent(info, "", "  ")
		if err := os.WriteFile(filepath.Join(a.DataDir, DemoDirectoryFile), raw, 0o600); err != nil {
			return nil, fmt.Errorf("write %s: %w", DemoDirectoryFile, err)
		}
		cfg = &directory.Config{URL: info.URL, PlainText: true, BindDN: info.BindDN, Password: info.Password, BaseDN: info.BaseDN}
		a.Log.Info("embedded demo directory started", "url", info.URL, "base", info.BaseDN,
			"credentials", filepath.Join(a.DataDir, DemoDirectoryFile))
	}
	if cfg == nil || cfg.URL == "" {
		return nil, nil
	}
	a.Masker.Add(cfg.Password)
	c, err := directory.Open(ctx, *cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to the directory %s: %w (check --directory-url, --directory-bind and the password file)", cfg.URL, err)
	}
	a.stopLast = append(a.stopLast, closer{"directory connection", c.Close})
	return c, nil
}
