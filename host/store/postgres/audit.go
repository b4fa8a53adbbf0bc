package postgres

import (
	"context"
	"fmt"

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
	return (*Store)(a).reads().ListAudit(ctx, f)
}
