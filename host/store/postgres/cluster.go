package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/idbridge/idbridge/host/store"
)

var (
	_ store.Leases     = (*Store)(nil)
	_ store.RateBudget = (*Store)(nil)
)

const leaseColumns = `name, holder, until_ms, since_ms, takeovers`

func scanLease(row pgx.Row) (store.Lease, error) {
	var l store.Lease
	var until, since int64
	err := row.Scan(&l.Name, &l.Holder, &until, &since, &l.Takeovers)
	l.Until, l.Since = instant(until), instant(since)
	return l, err
}

// AcquireLease implements store.Leases in one statement: the row is
// written only when the lease is free, expired or holder's own, so two
// hosts racing for an expired lease cannot both get it. See decision 0233.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (store.Lease, error) {
	now := s.now()
	l, err := scanLease(s.pool.QueryRow(ctx, `INSERT INTO leases (name, holder, until_ms, since_ms) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET
			holder = excluded.holder,
			until_ms = excluded.until_ms,
			since_ms = CASE WHEN leases.holder = excluded.holder THEN leases.since_ms ELSE excluded.since_ms END,
			takeovers = leases.takeovers + CASE WHEN leases.holder = excluded.holder THEN 0 ELSE 1 END
		WHERE leases.holder = excluded.holder OR leases.until_ms <= $4
		RETURNING `+leaseColumns, name, holder, millis(now.Add(ttl)), millis(now)))
	if errors.Is(err, pgx.ErrNoRows) {
		l, err = scanLease(s.pool.QueryRow(ctx, `SELECT `+leaseColumns+` FROM leases WHERE name = $1`, name))
	}
	if err != nil {
		return l, fmt.Errorf("acquire lease %s: %w", name, err)
	}
	return l, nil
}

// ReleaseLease implements store.Leases.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	if _, err := s.pool.Exec(ctx, `UPDATE leases SET until_ms = 0 WHERE name = $1 AND holder = $2`, name, holder); err != nil {
		return fmt.Errorf("release lease %s: %w", name, err)
	}
	return nil
}

// ListLeases implements store.Leases.
func (s *Store) ListLeases(ctx context.Context) ([]store.Lease, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+leaseColumns+` FROM leases ORDER BY name COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("list leases: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Lease, error) { return scanLease(r) })
	if err != nil {
		return nil, fmt.Errorf("list leases: %w", err)
	}
	return out, nil
}

// ReserveSlot implements store.RateBudget with one row per lane, moved
// forward by one interval per call. It runs on the pool that does not wait
// for the commit to reach disk: a reservation lost in a database crash
// only leaves a slot unused. See decision 0234.
func (s *Store) ReserveSlot(ctx context.Context, lane string, interval time.Duration) (time.Time, error) {
	now := s.now().UnixMicro()
	step := interval.Microseconds()
	var slot int64
	err := s.fast.QueryRow(ctx, `INSERT INTO rate_slots (lane, next_us) VALUES ($1, $2::bigint + $3::bigint)
		ON CONFLICT (lane) DO UPDATE SET next_us = GREATEST(rate_slots.next_us, $2::bigint) + $3::bigint
		RETURNING next_us - $3::bigint`, lane, now, step).Scan(&slot)
	if err != nil {
		return time.Time{}, fmt.Errorf("reserve a send slot of lane %s: %w", lane, err)
	}
	return time.UnixMicro(slot).UTC(), nil
}
