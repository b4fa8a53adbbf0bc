package app

import (
	"net"
	"strings"
)

// hostNames are the names a request may address the host by in its Host
// header. A DNS-rebinding page makes the browser send its own name
// (evil.example) to 127.0.0.1; checking the name is what tells such a
// request from a local scraper's. See decision 0195.
type hostNames map[string]bool

// hostNames collects the listen address, localhost and the configured
// names.
func (a *App) hostNames(addr net.Addr) hostNames {
	names := hostNames{"localhost": true}
	if host, _, err := net.SplitHostPort(addr.String()); err == nil {
		names[strings.ToLower(host)] = true
	}
	for _, n := range a.opts.Hostnames {
		names[strings.ToLower(strings.TrimSuffix(strings.TrimSpace(n), "."))] = true
	}
	return names
}

// allow reports whether the Host header names this host: one of the
// names, or a loopback IP address (any port; the listener decides that).
func (n hostNames) allow(hostHeader string) bool {
	host := hostHeader
	if h, _, err := net.SplitHostPort(hostHeader); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if host == "" {
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback() || n[ip.String()]
	}
	return n[host]
}
