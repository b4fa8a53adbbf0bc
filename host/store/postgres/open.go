package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/idbridge/idbridge/host/store"
)

// ErrPasswordInURL is returned by Open for a URL that carries a password:
// a command line is readable by every user of the machine.
var ErrPasswordInURL = errors.New("the store URL holds a password; remove it from the URL and pass it with --store-password-file or the PGPASSWORD environment variable")

// IsURL reports whether location names a PostgreSQL store rather than a
// data folder.
func IsURL(location string) bool {
	return strings.HasPrefix(location, "postgres://") || strings.HasPrefix(location, "postgresql://")
}

// Options tune Open. The zero value is what the host uses.
type Options struct {
	// PasswordFile holds the role's password (the first line; surrounding
	// space is ignored). Empty leaves the password to PGPASSWORD or
	// ~/.pgpass.
	PasswordFile string
	// Logger receives migration messages; nil discards.
	Logger hclog.Logger
	// Now is the clock; nil means time.Now. Tests move it to expire leases.
	Now func() time.Time
	// MaxConns bounds the connection pool; zero means 16.
	MaxConns int32
	// Schema, when set, keeps every table in that schema (created when
	// missing) instead of the role's default search path: several
	// independent stores can then share one database.
	Schema string
}

// Store is the PostgreSQL backend. It implements store.Docs itself and
// hands out the queue, runs and audit log. It is safe for concurrent use by
// any number of goroutines and hosts.
type Store struct {
	pool *pgxpool.Pool
	// fast is a small pool whose commits do not wait for the disk, for
	// writes whose loss in a crash costs nothing (rate slots).
	fast *pgxpool.Pool
	now  func() time.Time
	// permitRows remembers, per lane, how many rate permit rows this
	// handle has made sure exist.
	permitRows sync.Map
	log        hclog.Logger
	// where names the database for messages, without credentials.
	where string
}

var _ store.Backend = (*Store)(nil)

// Open connects to the database at rawURL and brings its schema up to date.
func Open(ctx context.Context, rawURL string, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxConns == 0 {
		opts.MaxConns = 16
	}
	u, err := url.Parse(rawURL)
	if err != nil || !IsURL(rawURL) {
		return nil, fmt.Errorf("store URL %q: want postgres://USER@HOST:PORT/DATABASE", redact(rawURL))
	}
	if _, ok := u.User.Password(); ok {
		return nil, ErrPasswordInURL
	}
	where := u.Host + u.Path
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("store URL %s: %w", where, err)
	}
	if opts.PasswordFile != "" {
		pw, err := readPassword(opts.PasswordFile)
		if err != nil {
			return nil, err
		}
		cfg.ConnConfig.Password = pw
	}
	if opts.Schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = opts.Schema
	}
	cfg.MaxConns = opts.MaxConns
	cfg.ConnConfig.RuntimeParams["application_name"] = "idbridge"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to the store at %s: %w", where, err)
	}
	fastCfg := cfg.Copy()
	fastCfg.MaxConns = 4
	fastCfg.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	fast, err := pgxpool.NewWithConfig(ctx, fastCfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to the store at %s: %w", where, err)
	}
	s := &Store{pool: pool, fast: fast, now: opts.Now, log: opts.Logger.Named("store"), where: where}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if opts.Schema != "" {
		// Hosts starting together race in CREATE SCHEMA IF NOT EXISTS: the
		// loser gets a unique violation on the catalog, which only says the
		// schema now exists.
		if _, err := pool.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+quoteIdent(opts.Schema)); err != nil && pgCode(err) != uniqueViolation {
			s.Close()
			return nil, fmt.Errorf("create schema %s in the store at %s: %w", opts.Schema, where, err)
		}
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// readPassword reads the first line of a password file.
func readPassword(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read the store password file: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pw := strings.TrimSpace(line)
	if pw == "" {
		return "", fmt.Errorf("the store password file %s is empty; write the database role's password in it", path)
	}
	return pw, nil
}

// redact drops anything after a scheme's user info, for messages about a
// URL that did not parse.
func redact(raw string) string {
	if i := strings.LastIndex(raw, "@"); i >= 0 {
		if j := strings.Index(raw, "://"); j >= 0 && j < i {
			return raw[:j+3] + "…" + raw[i:]
		}
	}
	return raw
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Ping checks that the database answers; /readyz reports its error.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("the store at %s does not answer: %w", s.where, err)
	}
	return nil
}

// Close releases the connection pool; nothing is buffered.
func (s *Store) Close() error {
	s.pool.Close()
	s.fast.Close()
	return nil
}

// Queue implements store.Backend.
func (s *Store) Queue() store.Queue { return (*queue)(s) }

// Runs implements store.Backend.
func (s *Store) Runs() store.Runs { return (*runs)(s) }

// Audit implements store.Backend.
func (s *Store) Audit() store.Audit { return (*audit)(s) }

// millis and instant encode and decode instants as every database backend
// keeps them.
var (
	millis  = store.UnixMillis
	instant = store.FromUnixMillis
)

// Pool returns the connection pool, for tools that write the tables as
// they are (`idbridge store copy`); the host itself goes through the store
// interfaces.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }
