package demodir

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/jimlambrt/gldap"
)

// Defaults used when Options leave a field empty.
const (
	// DefaultListen is any free port on IPv4 loopback: the directory
	// has no TLS, so it should not be reachable from elsewhere.
	DefaultListen = "127.0.0.1:0"
	// DefaultBaseDN is a domain under the reserved .test TLD.
	DefaultBaseDN = "DC=demo,DC=idbridge,DC=test"
	// DefaultMaxPageSize is AD's default MaxPageSize policy.
	DefaultMaxPageSize = 1000
)

// Options configure a demo directory. The zero value starts an empty
// directory on a free loopback port with a random administrator password.
type Options struct {
	// Listen is the TCP address clients connect to; loopback by default
	// because the directory has no TLS.
	Listen string
	// BaseDN is the domain's naming context.
	BaseDN string
	// BindDN is the administrator's DN; it defaults to
	// CN=Administrator,CN=Users,<BaseDN> and may write everything.
	BindDN string
	// Password is the administrator's password; a random one is made when
	// empty. Seeded service accounts without a password share it, so the
	// demo has a single secret.
	Password string
	// Seed is loaded before the first client connects; nil starts with
	// only the domain head, CN=Users and the administrator.
	Seed *Seed
	// MaxPageSize caps a page and any search without paging, like AD's
	// LDAP policy of the same name (1000 by default).
	MaxPageSize int
	// Logger receives structured logs; passwords are never logged.
	Logger hclog.Logger
}

// Server is a running demo directory.
type Server struct {
	opts  Options
	dir   *directory
	h     *handlers
	core  *gldap.Server
	front *front
	url   string

	coreAddr string

	closeOnce sync.Once
	closeErr  error
	stopWatch chan struct{}
}

// Start loads the seed, starts the protocol core on a private loopback port
// and the front listener on Options.Listen. The server stops when ctx ends
// or Close is called.
func Start(ctx context.Context, o Options) (*Server, error) {
	if err := o.withDefaults(); err != nil {
		return nil, err
	}
	base, err := parseDN(o.BaseDN)
	if err != nil || len(base.parsed.RDNs) == 0 {
		return nil, fmt.Errorf("%w: BaseDN %q is not a DN; use something like %s", ErrInvalidOptions, o.BaseDN, DefaultBaseDN)
	}
	admin, err := parseDN(o.BindDN)
	if err != nil || len(admin.parsed.RDNs) == 0 {
		return nil, fmt.Errorf("%w: BindDN %q is not a DN; leave it empty for CN=Administrator,CN=Users,<BaseDN>", ErrInvalidOptions, o.BindDN)
	}
	dir, err := newDirectory(base, admin, o.Password, time.Now)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidOptions, err)
	}
	if o.Seed != nil {
		if err := o.Seed.load(dir, o.Password); err != nil {
			return nil, err
		}
	}
	s := &Server{opts: o, dir: dir, stopWatch: make(chan struct{})}
	s.h = &handlers{dir: dir, pages: newPager(), log: o.Logger, maxPageSize: o.MaxPageSize, sessions: make(map[int]session)}
	if err := s.startCore(ctx); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		_ = s.core.Stop()
		return nil, fmt.Errorf("demodir: listen on %s: %w (choose a free address, or 127.0.0.1:0 for any port)", o.Listen, err)
	}
	s.front = &front{ln: ln, dir: dir, log: o.Logger, backend: s.coreAddr, conns: make(map[net.Conn]struct{})}
	s.front.wg.Add(1)
	go s.front.serve()
	s.url = "ldap://" + ln.Addr().String()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.stopWatch:
		}
	}()
	o.Logger.Info("demo directory started", "url", s.url, "base_dn", base.text, "entries", dir.count())
	return s, nil
}

func (o *Options) withDefaults() error {
	if o.Listen == "" {
		o.Listen = DefaultListen
	}
	if o.BaseDN == "" {
		o.BaseDN = DefaultBaseDN
	}
	if o.BindDN == "" {
		o.BindDN = "CN=Administrator,CN=Users," + o.BaseDN
	}
	if o.Password == "" {
		var b [18]byte
		if _, err := rand.Read(b[:]); err != nil {
			return fmt.Errorf("demodir: make a password: %w", err)
		}
		o.Password = base64.RawURLEncoding.EncodeToString(b[:])
	}
	if o.MaxPageSize < 0 {
		return fmt.Errorf("%w: MaxPageSize %d is negative; use 0 for the default of %d", ErrInvalidOptions, o.MaxPageSize, DefaultMaxPageSize)
	}
	if o.MaxPageSize == 0 {
		o.MaxPageSize = DefaultMaxPageSize
	}
	if o.Logger == nil {
		o.Logger = hclog.NewNullLogger()
	}
	return nil
}

// startCore runs the gldap server on a free loopback port. gldap does not
// report the port it bound, so its "listening" log line is captured.
func (s *Server) startCore(ctx context.Context) error {
	sink := &coreSink{log: s.opts.Logger.Named("core"), addr: make(chan string, 1)}
	coreLog := hclog.NewInterceptLogger(&hclog.LoggerOptions{Level: hclog.Off})
	coreLog.RegisterSink(sink)
	core, err := gldap.NewServer(gldap.WithLogger(coreLog), gldap.WithOnClose(s.h.closed))
	if err != nil {
		return fmt.Errorf("demodir: protocol core: %w", err)
	}
	mux, err := s.h.routes()
	if err != nil {
		return fmt.Errorf("demodir: routes: %w", err)
	}
	if err := core.Router(mux); err != nil {
		return fmt.Errorf("demodir: routes: %w", err)
	}
	runErr := make(chan error, 1)
	go func() { runErr <- core.Run("127.0.0.1:0") }()
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case addr := <-sink.addr:
		s.core, s.coreAddr = core, addr
		return nil
	case err := <-runErr:
		return fmt.Errorf("demodir: protocol core stopped at start: %w", err)
	case <-ctx.Done():
		_ = core.Stop()
		return ctx.Err()
	case <-timer.C:
		_ = core.Stop()
		return errors.New("demodir: protocol core did not start listening within 10s")
	}
}

// coreSink receives the gldap core's log: it picks up the bound address
// and passes warnings and errors on to the server's logger.
type coreSink struct {
	log  hclog.Logger
	addr chan string
	once sync.Once
}

// Accept implements hclog.SinkAdapter.
func (c *coreSink) Accept(_ string, level hclog.Level, msg string, args ...interface{}) {
	if msg == "listening" {
		for i := 0; i+1 < len(args); i += 2 {
			if k, _ := args[i].(string); k == "addr" {
				c.once.Do(func() { c.addr <- fmt.Sprint(args[i+1]) })
			}
		}
		return
	}
	if level >= hclog.Warn {
		c.log.Warn(msg, args...)
	}
}

// URL is the ldap:// URL clients dial.
func (s *Server) URL() string { return s.url }

// BindDN is the administrator's DN.
func (s *Server) BindDN() string { return s.dir.adminDNText() }

// ServiceAccount is the bind name (UPN) of the first seeded service
// account, the identity the product should use, with Password. Without
// one it is the administrator's DN.
func (s *Server) ServiceAccount() string {
	if s.opts.Seed != nil {
		for _, u := range s.opts.Seed.Users {
			if u.Service {
				return u.SAMAccountName + "@" + s.dir.dnsDomain
			}
		}
	}
	return s.BindDN()
}

// Password is the administrator's password (also the password of seeded
// service accounts that had none).
func (s *Server) Password() string { return s.opts.Password }

// BaseDN is the domain's naming context as the rootDSE reports it.
func (s *Server) BaseDN() string { return s.dir.base.text }

// HighestUSN is the current highestCommittedUSN, for tests that wait for
// a change to be visible.
func (s *Server) HighestUSN() uint64 { return s.dir.highestUSN() }

// Close stops accepting, drops every connection and stops the core. It is
// safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.stopWatch)
		s.front.close()
		if err := s.core.Stop(); err != nil {
			s.closeErr = fmt.Errorf("demodir: stop the protocol core: %w", err)
		}
		s.opts.Logger.Info("demo directory stopped", "url", s.url)
	})
	return s.closeErr
}
