package sqlite

import (
	"context"
	"database/sql"
)

// maxCachedStmts bounds the writer's statement cache. The store's writes
// use a few dozen distinct statements; the bound only matters if a caller
// ever builds statements from data.
const maxCachedStmts = 256

// wtx is the write transaction a write function gets: the writer
// connection's transaction, whose context methods run statements the
// writer has prepared once instead of parsing their SQL on every call
// (parsing was about an eighth of the host's CPU per outbound call).
// See decision 0177.
type wtx struct {
	*sql.Tx
	s *Store
}

// stmt returns query's prepared statement bound to this transaction, or
// nil when it cannot be prepared. A statement the writer has not seen yet
// is prepared on the transaction for the rest of this batch (an Enqueue of
// thousands of actions parses its INSERT once) and on the connection after
// the batch's commit, when the single writer connection is free: preparing
// it there inside the transaction would wait for that same connection
// forever. Only the writer goroutine calls it, so the cache needs no lock.
func (t wtx) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := t.s.stmts[query]; ok {
		if st == nil { // could not be prepared on its own; run it as text
			return nil
		}
		return t.Tx.StmtContext(ctx, st)
	}
	if st, ok := t.s.batchStmts[query]; ok {
		return st
	}
	if len(t.s.stmts)+len(t.s.batchStmts) >= maxCachedStmts {
		return nil
	}
	st, err := t.Tx.PrepareContext(ctx, query)
	if err != nil {
		st = nil // the caller's own run of it reports the error
	}
	t.s.batchStmts[query] = st
	return st
}

// ExecContext runs query through its prepared statement when there is one.
func (t wtx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// QueryContext runs query through its prepared statement when there is one.
func (t wtx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query through its prepared statement when there is
// one.
func (t wtx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// prepareQueued prepares on the connection the statements the last batch
// prepared on its transaction (which closed them). It runs on the writer
// goroutine between transactions, so the writer connection is free. A
// statement that fails to prepare is remembered as such and keeps running
// as text.
func (s *Store) prepareQueued() {
	for query := range s.batchStmts {
		st, err := s.w.Prepare(query)
		if err != nil {
			st = nil
		}
		s.stmts[query] = st
	}
	clear(s.batchStmts)
}

// closeStmts releases the prepared statements; the writer has stopped.
func (s *Store) closeStmts() {
	for _, st := range s.stmts {
		if st != nil {
			_ = st.Close()
		}
	}
	clear(s.stmts)
}
