package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

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
	err := a.pool.QueryRow(ctx, `INSERT INTO audit (at, actor, action, target, before, after, outcome)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq`,
		millis(e.At), e.Actor, e.Action, e.Target, []byte(e.Before), []byte(e.After), e.Outcome).Scan(&seq)
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
	var w where
	if before > 0 {
		w.add(`seq < ?`, before)
	}
	if f.Actor != "" {
		w.add(`actor = ?`, f.Actor)
	}
	if f.Action != "" {
		w.add(`action = ?`, f.Action)
	}
	if f.Target != "" {
		w.add(`starts_with(target, ?)`, f.Target)
	}
	if !f.Since.IsZero() {
		w.add(`at >= ?`, millis(f.Since))
	}
	if !f.Until.IsZero() {
		w.add(`at < ?`, millis(f.Until))
	}
	size := f.Page.Size()
	rows, err := a.pool.Query(ctx, `SELECT seq, at, actor, action, target, before, after, outcome FROM audit`+
		w.sql()+` ORDER BY seq DESC LIMIT `+strconv.Itoa(size+1), w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list audit: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.AuditEntry, error) {
		var e store.AuditEntry
		var at int64
		err := r.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Target, &e.Before, &e.After, &e.Outcome)
		e.At = instant(at)
		return e, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list audit: %w", err)
	}
	next := ""
	if len(out) > size {
		out = out[:size]
		next = strconv.FormatInt(out[size-1].Seq, 10)
	}
	return out, next, nil
}
