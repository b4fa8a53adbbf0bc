package sqlite

import (
	"context"
	"fmt"
	"strconv"

	"github.com/idbridge/idbridge/host/store"
)

// audit implements store.Audit on the Store's tables.
type audit Store

var _ store.Audit = (*audit)(nil)

// Append implements store.Audit.
func (a *audit) Append(ctx context.Context, e store.AuditEntry) (int64, error) {
	if e.At.IsZero() {
		e.At = a.now()
	}
	var seq int64
	err := (*Store)(a).write(ctx, func(ctx context.Context, tx wtx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO audit (at, actor, action, target, before, after, outcome)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
			millis(e.At), e.Actor, e.Action, e.Target, []byte(e.Before), []byte(e.After), e.Outcome).Scan(&seq)
	})
	if err != nil {
		return 0, fmt.Errorf("append audit entry: %w", err)
	}
	return seq, nil
}

// List implements store.Audit.
func (a *audit) List(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, string, error) {
	before, err := store.ParseCursor(f.Page.After)
	if err != nil {
		return nil, "", err
	}
	query := `SELECT seq, at, actor, action, target, before, after, outcome FROM audit WHERE 1 = 1`
	var args []any
	if before > 0 {
		query += ` AND seq < ?`
		args = append(args, before)
	}
	if f.Actor != "" {
		query += ` AND actor = ?`
		args = append(args, f.Actor)
	}
	if f.Action != "" {
		query += ` AND action = ?`
		args = append(args, f.Action)
	}
	if f.Target != "" {
		query += ` AND substr(target, 1, ?) = ?`
		args = append(args, len([]rune(f.Target)), f.Target)
	}
	if !f.Since.IsZero() {
		query += ` AND at >= ?`
		args = append(args, millis(f.Since))
	}
	if !f.Until.IsZero() {
		query += ` AND at < ?`
		args = append(args, millis(f.Until))
	}
	size := f.Page.Size()
	query += ` ORDER BY seq DESC LIMIT ?`
	args = append(args, size+1)
	rows, err := a.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		var at int64
		var before, after []byte
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Target, &before, &after, &e.Outcome); err != nil {
			return nil, "", fmt.Errorf("list audit: %w", err)
		}
		e.At, e.Before, e.After = instant(at), before, after
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list audit: %w", err)
	}
	next := ""
	if len(out) > size {
		out = out[:size]
		next = strconv.FormatInt(out[size-1].Seq, 10)
	}
	return out, next, nil
}
