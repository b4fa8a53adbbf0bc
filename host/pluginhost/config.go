package pluginhost

import (
	"time"

	"github.com/hashicorp/go-hclog"
)

// Plugin identifies one connector binary to supervise.
type Plugin struct {
	// Name tags the plugin's log lines and errors, e.g. "clockify".
	Name string
	// Path is the connector binary.
	Path string
	// SHA256 is the hex digest recorded at install; the binary is refused
	// at launch when it no longer matches.
	SHA256 string
	// Dir is the process's working directory; empty means the binary's
	// directory.
	Dir string
	// Env adds KEY=VALUE pairs to the minimal environment.
	Env []string
	// Interpreter, for a connector written in an interpreted language, is
	// the command that runs the script at Path, e.g. ["/usr/bin/python3",
	// "-s", "-B"]. The script is pinned by SHA256 like a binary. Empty
	// means Path is itself the executable. See decision 0242.
	Interpreter []string
	// Pinned are the other files an interpreted connector loads, by path
	// relative to Dir (or to Path's folder), with their hex sha256; every
	// launch checks them, so that a changed module is refused like a
	// changed binary.
	Pinned map[string]string
}

// Config tunes a Supervisor. The zero value is a sound production setup.
type Config struct {
	// Logger is the host logger; each plugin logs under
	// Logger.Named(plugin name). Nil discards logs.
	Logger hclog.Logger
	// DisableMTLS turns off go-plugin's automatic mutual TLS between host
	// and plugin. It is on by default; see the decision record on its cost.
	DisableMTLS bool
	// StartTimeout bounds a launch, handshake included; 0 means 10s.
	StartTimeout time.Duration
	// MinBackoff is the wait before the second relaunch of a run of
	// failures (the first relaunch is immediate); it doubles per failure up
	// to MaxBackoff. 0 means 250ms.
	MinBackoff time.Duration
	// MaxBackoff caps the wait between relaunches; 0 means 1 minute.
	MaxBackoff time.Duration
	// CrashLoopAfter is the number of consecutive failures that put a
	// plugin in the crash-loop state; 0 means 5.
	CrashLoopAfter int
	// StableAfter is how long a run must last for its crash not to count
	// as consecutive with earlier ones; 0 means 1 minute.
	StableAfter time.Duration
	// PassEnv names the host variables a plugin inherits; nil means
	// DefaultPassEnv.
	PassEnv []string
	// SocketDir is where each plugin gets a private (0700) folder for its
	// Unix socket; empty means the system's temporary directory.
	SocketDir string
	// ExitPollInterval is how often a running plugin is checked for an
	// unexpected exit; 0 means 100ms.
	ExitPollInterval time.Duration
}

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = hclog.NewNullLogger()
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = 10 * time.Second
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 250 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = time.Minute
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = c.MinBackoff
	}
	if c.CrashLoopAfter <= 0 {
		c.CrashLoopAfter = 5
	}
	if c.StableAfter <= 0 {
		c.StableAfter = time.Minute
	}
	if c.PassEnv == nil {
		c.PassEnv = DefaultPassEnv
	}
	if c.ExitPollInterval <= 0 {
		c.ExitPollInterval = 100 * time.Millisecond
	}
	return c
}

// backoff is the wait before relaunching after n consecutive failures:
// none after the first, then MinBackoff doubling up to MaxBackoff.
func (c Config) backoff(n int) time.Duration {
	if n <= 1 {
		return 0
	}
	d := c.MinBackoff
	for i := 2; i < n && d < c.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, c.MaxBackoff)
}
