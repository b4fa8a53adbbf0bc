package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/idbridge/idbridge/host/store"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// FileName is the database's name inside the data folder.
const FileName = "idbridge.db"

// Options tune Open. The zero value is what the host uses.
type Options struct {
	// Logger receives migration and maintenance messages; nil discards.
	Logger hclog.Logger
	// Now is the clock; nil means time.Now. Tests move it to expire leases.
	Now func() time.Time
	// BusyTimeout is how long a statement waits for a lock held by another
	// process; zero means 5 s.
	BusyTimeout time.Duration
	// Readers is the size of the read pool; zero means 4.
	Readers int
	// Synchronous is SQLite's synchronous pragma; empty means "FULL", so a
	// committed MarkSending survives a power loss and the queue's
	// exactly-once protocol holds. "NORMAL" is faster and survives process
	// crashes only.
	Synchronous string
}

// Store is the SQLite backend. It implements store.Docs itself and hands
// out the queue, runs and audit log. It is safe for concurrent use.
type Store struct {
	w, r *sql.DB
	now  func() time.Time
	log  hclog.Logger

	writes     chan writeReq
	closing    chan struct{}
	writerDone chan struct{}
	closeOnce  sync.Once

	// stmts and batchStmts are the writer's statement cache
	// (stmtcache.go), used only on the writer goroutine.
	stmts      map[string]*sql.Stmt
	batchStmts map[string]*sql.Stmt
}

var _ store.Backend = (*Store)(nil)

// Open opens (creating if needed) the database at path and brings its
// schema up to date. It fails with ErrSchemaTooNew when the file was
// written by a newer idbridge.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.BusyTimeout == 0 {
		opts.BusyTimeout = 5 * time.Second
	}
	if opts.Readers == 0 {
		opts.Readers = 4
	}
	if opts.Synchronous == "" {
		opts.Synchronous = "FULL"
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := privateFiles(abs); err != nil {
		return nil, err
	}
	pragmas := url.Values{}
	pragmas.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opts.BusyTimeout.Milliseconds()))
	pragmas.Add("_pragma", "foreign_keys(1)")
	pragmas.Add("_pragma", "synchronous("+opts.Synchronous+")")
	// Freed pages are zeroed: a document rewritten to drop a secret (a
	// re-masked sample) must not leave the old text in the file's free
	// pages, where a copy of the file would still hold it (decision 0194).
	pragmas.Add("_pragma", "secure_delete(1)")

	wq := url.Values{"_txlock": {"immediate"}}
	// The writer keeps its statement journal (the pages a savepoint may
	// have to restore) in memory: a group commit runs each caller's write
	// in a savepoint, and a journal file would cost a write call for every
	// page a savepoint first touches. See decision 0279.
	wq["_pragma"] = append([]string{"journal_mode(WAL)", "temp_store(MEMORY)"}, pragmas["_pragma"]...)
	w, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: abs, RawQuery: wq.Encode()}).String())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	// One writer connection: concurrent writers wait here, in Go, rather
	// than failing inside SQLite with SQLITE_BUSY.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)

	s := &Store{w: w, now: opts.Now, log: opts.Logger.Named("store"),
		writes: make(chan writeReq), closing: make(chan struct{}), writerDone: make(chan struct{}),
		stmts: map[string]*sql.Stmt{}, batchStmts: map[string]*sql.Stmt{}}
	go s.writer()
	if err := s.migrate(ctx); err != nil {
		s.stopWriter()
		s.closeStmts()
		w.Close()
		return nil, err
	}

	rq := url.Values{}
	rq["_pragma"] = append([]string{"query_only(1)"}, pragmas["_pragma"]...)
	r, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: abs, RawQuery: rq.Encode()}).String())
	if err != nil {
		s.stopWriter()
		s.closeStmts()
		w.Close()
		return nil, fmt.Errorf("open store %s for reading: %w", abs, err)
	}
	r.SetMaxOpenConns(opts.Readers)
	r.SetMaxIdleConns(opts.Readers)
	s.r = r
	return s, nil
}

// Close waits for queued writes, checkpoints the write-ahead log into the
// database file and closes both pools. Writes after Close fail with
// ErrClosed.
func (s *Store) Close() error {
	s.stopWriter()
	s.closeStmts()
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if _, err := s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		s.log.Warn("checkpoint at close failed; the next open recovers the log", "error", err)
	}
	errs = append(errs, s.w.Close())
	return errors.Join(errs...)
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

// ReadDB returns the read-only connection pool, for tools that read the
// tables as they are (`idbridge store copy`); the host itself goes
// through the store interfaces.
func (s *Store) ReadDB() *sql.DB { return s.r }
