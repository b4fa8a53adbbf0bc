package sqlite

import (
	"context"
	"database/sql"

	"github.com/idbridge/idbridge/host/store/storesql"
)

// dialect is how SQLite differs from PostgreSQL in the code the SQL
// backends share.
var dialect = storesql.Dialect{
	NoRows: sql.ErrNoRows,
	StartsWith: func(w *storesql.Where, column, prefix string) {
		w.Add(`substr(`+column+`, 1, ?) = ?`, len([]rune(prefix)), prefix)
	},
}

// reads returns the shared reads on the read-only pool, so they never wait
// for the writer.
func (s *Store) reads() storesql.DB {
	return storesql.DB{Dialect: dialect, Reader: reader{s.r}}
}

// reader runs the shared reads' queries on a database/sql pool.
type reader struct{ db *sql.DB }

// QueryRows implements storesql.Reader.
func (r reader) QueryRows(ctx context.Context, query string, args ...any) (storesql.Rows, func(), error) {
	rows, err := r.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	return rows, func() { rows.Close() }, nil
}

// QueryRow implements storesql.Reader.
func (r reader) QueryRow(ctx context.Context, query string, args ...any) storesql.Scanner {
	return r.db.QueryRowContext(ctx, query, args...)
}
