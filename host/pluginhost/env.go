package pluginhost

import (
	"os"
	"runtime"
)

// DefaultPassEnv names the host variables a connector inherits. Everything
// else, including HOME and any credential the host was started with, is
// withheld: a connector receives its settings and secrets through the
// protocol, per call, never through its environment.
//
//   - TMPDIR: where the process may write scratch files.
//   - TZ, LANG, LC_ALL: so times and messages read the same as the host's.
//   - SSL_CERT_FILE, SSL_CERT_DIR: a custom CA bundle the host trusts.
//   - HTTPS_PROXY, HTTP_PROXY, NO_PROXY (and lower-case forms): the way
//     out to the SaaS API; a connector cannot work without it where one is
//     required.
//   - SYSTEMROOT (Windows): needed by the Windows network stack.
//   - GOGC, GOMEMLIMIT: an operator who tunes the Go runtime's memory for
//     the host tunes it for the connectors too (the SDK otherwise runs a
//     connector at GOGC=400).
var DefaultPassEnv = []string{
	"TMPDIR", "TZ", "LANG", "LC_ALL",
	"SSL_CERT_FILE", "SSL_CERT_DIR",
	"HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy",
	"SYSTEMROOT",
	"GOGC", "GOMEMLIMIT",
}

// pluginEnv builds the environment of a plugin process from the allowed
// host variables plus extra KEY=VALUE pairs. go-plugin adds its own
// handshake variables after these.
func pluginEnv(pass []string, extra []string) []string {
	env := make([]string, 0, len(pass)+len(extra)+1)
	hasTmp := false
	for _, k := range pass {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
			if k == "TMPDIR" {
				hasTmp = true
			}
		}
	}
	// A process with no TMPDIR falls back to /tmp; say so explicitly so
	// that a host started with TMPDIR unset still gives a usable one.
	if !hasTmp && runtime.GOOS != "windows" {
		env = append(env, "TMPDIR="+os.TempDir())
	}
	return append(env, extra...)
}
