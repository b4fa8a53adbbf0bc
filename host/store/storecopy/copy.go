// Package storecopy moves a stopped host's SQLite store into a PostgreSQL
// store, so an existing install can grow to several hosts (decision 0235).
// Rows keep their ids, sequence numbers and instants; sealed secrets are
// copied sealed, never opened. Copying again is idempotent: what is already
// there is replaced by the source's version or kept, never doubled.
package storecopy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store/postgres"
	"github.com/idbridge/idbridge/host/store/sqlite"
)

// ErrTargetInUse means the target store holds another install's state:
// copying into it would mix two installs.
var ErrTargetInUse = errors.New("the target store already holds another install's state (no master key id, but documents): " +
	"copy into an empty database, or into one created by an earlier copy of this install")

// table is how one table is copied.
type table struct {
	name string
	cols []string
	// key is the conflict target; update says whether a row already there
	// takes the source's values (mutable rows) or is kept (append-only).
	key    string
	update bool
	// identity is the column whose sequence must continue after the copy.
	identity string
}

// tables in an order that satisfies the foreign keys.
var tables = []table{
	{name: "docs", cols: []string{"kind", "id", "body", "updated_at"}, key: "kind, id", update: true},
	{name: "runs", cols: []string{"seq", "id", "automation", "kind", "trigger_kind", "status", "started_at", "finished_at", "counts", "error"},
		key: "seq", update: true, identity: "seq"},
	{name: "run_entries", cols: []string{"seq", "run_id", "object_id", "object", "step", "outcome", "request", "response", "error", "at"},
		key: "seq", identity: "seq"},
	{name: "actions", cols: []string{"id", "key", "lane", "run_id", "object_id", "step_id", "payload", "state", "attempts", "max_attempts",
		"not_before", "worker", "lease_until", "in_doubt", "result", "last_error", "dead_reason", "created_at", "updated_at"},
		key: "id", update: true, identity: "id"},
	{name: "audit", cols: []string{"seq", "at", "actor", "action", "target", "before", "after", "outcome"}, key: "seq", identity: "seq"},
}

// Result counts what a copy did, per table.
type Result struct {
	// Rows is how many rows each table of the source had, all now in the
	// target.
	Rows map[string]int `json:"rows"`
	// KeyID names the master key the copied secrets are sealed with; hosts
	// of the target need that key.
	KeyID string `json:"key_id"`
}

// Copy copies every row of src into dst. keyID is the id of the source's
// master key (secrets.KeyID): the target records it, and a target that
// already records another key is refused with secrets.ErrForeignMasterKey,
// as its hosts could not open the copied secrets.
func Copy(ctx context.Context, src *sqlite.Store, dst *postgres.Store, keyID string) (*Result, error) {
	if err := checkTarget(ctx, dst, keyID); err != nil {
		return nil, err
	}
	res := &Result{Rows: map[string]int{}, KeyID: keyID}
	err := pgx.BeginFunc(ctx, dst.Pool(), func(tx pgx.Tx) error {
		for _, t := range tables {
			n, err := copyTable(ctx, src.ReadDB(), tx, t)
			if err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
			res.Rows[t.name] = n
			if t.identity != "" {
				if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t.name+`', '`+t.identity+`'),
					GREATEST((SELECT MAX(`+t.identity+`) FROM `+t.name+`), 1))`); err != nil {
					return fmt.Errorf("continue the numbering of %s: %w", t.name, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, secrets.CheckSharedKey(ctx, dst, keyID)
}

// checkTarget refuses a target that belongs to another install.
func checkTarget(ctx context.Context, dst *postgres.Store, keyID string) error {
	_, recorded, err := secrets.RecordedKeyID(ctx, dst)
	if err != nil {
		return err
	}
	if recorded {
		// Same key: an earlier copy or hosts of this install; another key
		// is refused here before anything is written.
		return secrets.CheckSharedKey(ctx, dst, keyID)
	}
	var any bool
	if err := dst.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM docs)`).Scan(&any); err != nil {
		return err
	}
	if any {
		return ErrTargetInUse
	}
	return nil
}

// copyTable streams t's rows from SQLite into the transaction, in batches.
func copyTable(ctx context.Context, src *sql.DB, tx pgx.Tx, t table) (int, error) {
	rows, err := src.QueryContext(ctx, `SELECT `+strings.Join(t.cols, ", ")+` FROM `+t.name+` ORDER BY `+t.key)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	insert := insertSQL(t)
	batch := &pgx.Batch{}
	n := 0
	flush := func() error {
		if batch.Len() == 0 {
			return nil
		}
		err := tx.SendBatch(ctx, batch).Close()
		batch = &pgx.Batch{}
		return err
	}
	for rows.Next() {
		vals := make([]any, len(t.cols))
		ptrs := make([]any, len(t.cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, c := range t.cols {
			vals[i] = convert(c, vals[i])
		}
		batch.Queue(insert, vals...)
		if n++; batch.Len() == 500 {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// convert turns a SQLite value into what the PostgreSQL column takes:
// in_doubt is an integer there and a boolean here; text read from a BLOB
// column stays bytes.
func convert(col string, v any) any {
	switch x := v.(type) {
	case int64:
		if col == "in_doubt" {
			return x != 0
		}
	case string:
		switch col {
		case "payload", "result", "request", "response", "before", "after":
			return []byte(x)
		}
	}
	return v
}

// insertSQL is t's INSERT with its conflict rule.
func insertSQL(t table) string {
	ph := make([]string, len(t.cols))
	set := make([]string, 0, len(t.cols))
	keys := strings.Split(t.key, ", ")
	for i, c := range t.cols {
		ph[i] = fmt.Sprintf("$%d", i+1)
		if !slices.Contains(keys, c) {
			set = append(set, c+" = excluded."+c)
		}
	}
	q := `INSERT INTO ` + t.name + ` (` + strings.Join(t.cols, ", ") + `) VALUES (` + strings.Join(ph, ", ") + `)
		ON CONFLICT (` + t.key + `) DO `
	if t.update {
		return q + `UPDATE SET ` + strings.Join(set, ", ")
	}
	return q + `NOTHING`
}
