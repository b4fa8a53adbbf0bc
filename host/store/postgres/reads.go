package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/idbridge/idbridge/host/store/storesql"
)

// dialect is how PostgreSQL differs from SQLite in the code the SQL
// backends share. Text sorts by bytes under COLLATE "C", whatever the
// database's locale.
var dialect = storesql.Dialect{
	Numbered:  true,
	NoRows:    pgx.ErrNoRows,
	ByteOrder: ` COLLATE "C"`,
	StartsWith: func(w *storesql.Where, column, prefix string) {
		w.Add(`starts_with(`+column+`, ?)`, prefix)
	},
}

// reads returns the shared reads on the pool.
func (s *Store) reads() storesql.DB {
	return storesql.DB{Dialect: dialect, Reader: reader{s.pool}}
}

// reader runs the shared reads' queries on a pgx pool.
type reader struct{ pool *pgxpool.Pool }

// QueryRows implements storesql.Reader.
func (r reader) QueryRows(ctx context.Context, query string, args ...any) (storesql.Rows, func(), error) {
	rows, err := r.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	return rows, rows.Close, nil
}

// QueryRow implements storesql.Reader.
func (r reader) QueryRow(ctx context.Context, query string, args ...any) storesql.Scanner {
	return r.pool.QueryRow(ctx, query, args...)
}
