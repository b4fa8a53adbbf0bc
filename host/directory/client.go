package directory

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/hashicorp/go-hclog"
)

// Client is a connection to one directory, safe for concurrent use. It keeps
// one bound connection and replaces it when it breaks, so a domain
// controller restart costs one failed operation, not a restart of the host.
type Client struct {
	cfg    Config
	url    *url.URL
	tls    *tls.Config
	log    hclog.Logger
	flavor Flavor
	base   string

	// The pool: an operation takes a connection for itself and gives it
	// back when done, so a paged search keeps its connection from its
	// first page to its last and nothing else runs on it in between. A
	// server keeps one paged result set per connection (slapd drops the
	// older one: "paged results cookie is invalid or old"), so a shared
	// connection let any search break another's paging. See decision 0210.
	mu     sync.Mutex
	idle   []*ldap.Conn
	closed bool

	schemaMu sync.Mutex
	schema   *schemaCache

	// rangeStep asks for ranged attributes this many values at a time;
	// 0 lets the server choose, as production does (tests set it to walk
	// several ranges on a small group).
	rangeStep int
}

// Option changes how Open builds a Client.
type Option func(*Client)

// WithLogger sends the client's debug and warning lines to l. The bind
// password is never logged.
func WithLogger(l hclog.Logger) Option {
	return func(c *Client) { c.log = l }
}

// Open dials the directory, binds, and reads the rootDSE to settle the flavor
// and the base DN. Every later operation reuses the connection or redials.
func Open(ctx context.Context, cfg Config, opts ...Option) (*Client, error) {
	u, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	tc, err := cfg.tlsConfig(u)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, url: u, tls: tc, log: hclog.NewNullLogger(), flavor: cfg.Flavor, base: cfg.BaseDN}
	for _, o := range opts {
		o(c)
	}
	root, err := c.RootDSE(ctx)
	if err != nil {
		c.Close()
		return nil, err
	}
	if c.flavor == FlavorAuto {
		c.flavor = root.Flavor()
	}
	if c.base == "" {
		c.base = root.DefaultNamingContext
		if c.base == "" && len(root.NamingContexts) > 0 {
			c.base = root.NamingContexts[0]
		}
	}
	if c.base == "" {
		c.Close()
		return nil, newError("open", ErrInvalidConfig, "set the base DN: the server does not announce a naming context", errors.New("no base DN"))
	}
	c.log.Debug("directory connected", "url", cfg.URL, "bind", cfg.BindDN, "flavor", c.flavor, "base", c.base)
	return c, nil
}

// Flavor is the detected or configured kind of directory.
func (c *Client) Flavor() Flavor { return c.flavor }

// BaseDN is the configured base, or the server's default naming context.
func (c *Client) BaseDN() string { return c.base }

// Config returns the settings the client was opened with.
func (c *Client) Config() Config { return c.cfg }

// Close ends every idle connection; connections in use end when their
// operation gives them back. The client cannot be used afterwards.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var first error
	for _, conn := range c.idle {
		if err := conn.Close(); err != nil && first == nil {
			first = err
		}
	}
	c.idle = nil
	return first
}

// acquire takes a live connection for the caller alone: an idle one, or a
// new one dialed and bound. There is no cap on connections in use: an
// event handler may read the directory while the search that found the
// event still holds its connection, and a cap would let such nested reads
// wait on each other forever. Concurrency is bounded by the host's own
// workers instead.
func (c *Client) acquire(ctx context.Context) (*ldap.Conn, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, newError("connect", ErrUnavailable, "open a new client", errors.New("client closed"))
	}
	for len(c.idle) > 0 {
		conn := c.idle[len(c.idle)-1]
		c.idle = c.idle[:len(c.idle)-1]
		if !conn.IsClosing() {
			c.mu.Unlock()
			return conn, nil
		}
		c.log.Warn("directory connection lost; redialing", "url", c.cfg.URL)
		conn.Close()
	}
	c.mu.Unlock()
	return c.dial(ctx)
}

// release gives conn back. A broken connection (or any, once the client is
// closed) is closed instead of kept, so the next caller dials afresh.
func (c *Client) release(conn *ldap.Conn, broken bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if broken || c.closed || conn.IsClosing() || len(c.idle) >= maxIdleConnections {
		conn.Close()
		return
	}
	c.idle = append(c.idle, conn)
}

func (c *Client) dial(ctx context.Context) (*ldap.Conn, error) {
	timeout := c.cfg.timeout()
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	raw, host, err := c.connect(dctx, timeout)
	if err != nil {
		return nil, err
	}
	isTLS := c.url.Scheme == "ldaps"
	conn := ldap.NewConn(raw, isTLS)
	conn.Start()
	conn.SetTimeout(timeout)
	if !isTLS && !c.cfg.PlainText {
		if err := conn.StartTLS(c.tls); err != nil {
			conn.Close()
			return nil, classify("StartTLS with "+host, c.cfg.URL, err)
		}
	}
	if err := conn.Bind(c.cfg.BindDN, c.cfg.Password); err != nil {
		conn.Close()
		return nil, classify("bind as "+c.cfg.BindDN, c.cfg.URL, err)
	}
	return conn, nil
}

// connect opens the TCP connection to the server within dctx and, for
// ldaps, completes the TLS handshake on it, so that dial and dialLean both
// start from a connection that already speaks TLS where the URL asks for
// it. host is the address reached, for their error messages.
func (c *Client) connect(dctx context.Context, timeout time.Duration) (conn net.Conn, host string, err error) {
	host = c.url.Host
	if c.url.Port() == "" {
		port := "389"
		if c.url.Scheme == "ldaps" {
			port = "636"
		}
		host = net.JoinHostPort(c.url.Hostname(), port)
	}
	raw, err := (&net.Dialer{Timeout: timeout}).DialContext(dctx, "tcp", host)
	if err != nil {
		return nil, host, classify("connect to "+host, c.cfg.URL, ldap.NewError(ldap.ErrorNetwork, err))
	}
	if c.url.Scheme != "ldaps" {
		return raw, host, nil
	}
	tc := tls.Client(raw, c.tls)
	if err := tc.HandshakeContext(dctx); err != nil {
		raw.Close()
		return nil, host, classify("TLS handshake with "+host, c.cfg.URL, err)
	}
	return tc, host, nil
}

// do runs fn on a connection of its own. A connection error closes the
// connection; when retry is set (reads and idempotent writes) fn runs once
// more on a fresh one, so a restarted server is invisible to the caller.
func (c *Client) do(ctx context.Context, op string, retry bool, fn func(*ldap.Conn) error) error {
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		conn, err := c.acquire(ctx)
		if err != nil {
			return err
		}
		err = fn(conn)
		if err == nil {
			c.release(conn, false)
			return nil
		}
		err = classify(op, c.cfg.URL, err)
		broken := isConnectionError(err)
		c.release(conn, broken)
		if broken && retry && attempt == 0 {
			c.log.Debug("directory operation failed on a broken connection; retrying once", "op", op)
			continue
		}
		return err
	}
}
