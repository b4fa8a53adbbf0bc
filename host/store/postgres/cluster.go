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

// AcquirePermits implements store.RateBudget in one statement: it takes
// up to Want free permits (rows other hosts are granting at the same
// moment are skipped, not waited for) and moves the lane's send slot on by
// one interval per permit granted. Budget statements run on the pool that
// does not wait for the commit to reach disk: a database crash loses at
// most grants and releases of calls in flight. A lost release only makes a
// permit rest longer; a lost grant frees a permit whose call may still be
// under way, so across a crash of the database server (only) one window
// may see up to twice the limit. The admin guide says so.
// See decisions 0234 and 0275.
func (s *Store) AcquirePermits(ctx context.Context, req store.PermitRequest) (store.PermitGrant, error) {
	var g store.PermitGrant
	if err := s.ensurePermits(ctx, req.Lane, req.Permits); err != nil {
		return g, err
	}
	now := s.now().UnixMicro()
	rows, err := s.fast.Query(ctx, `WITH picked AS (
			SELECT slot FROM rate_permits
			WHERE lane = $1 AND slot < $2 AND CASE WHEN held_until_us > 0 THEN held_until_us <= $3 ELSE free_us <= $3 END
			ORDER BY slot LIMIT $4 FOR UPDATE SKIP LOCKED),
		granted AS (
			UPDATE rate_permits p SET gen = p.gen + 1, held_until_us = $3::bigint + $5::bigint
			FROM picked WHERE p.lane = $1 AND p.slot = picked.slot
			RETURNING p.slot, p.gen),
		paced AS (
			INSERT INTO rate_slots (lane, next_us) SELECT $1, $3::bigint + count(*) * $6::bigint FROM granted HAVING count(*) > 0
			ON CONFLICT (lane) DO UPDATE SET next_us = GREATEST(rate_slots.next_us, $3::bigint) + (excluded.next_us - $3::bigint)
			RETURNING next_us)
		SELECT slot, gen, (SELECT next_us FROM paced) - (SELECT count(*) FROM granted) * $6::bigint FROM granted ORDER BY slot`,
		req.Lane, req.Permits, now, req.Want, req.Hold.Microseconds(), req.Interval.Microseconds())
	if err != nil {
		return g, fmt.Errorf("take send permits of lane %s: %w", req.Lane, err)
	}
	var first int64
	for rows.Next() {
		var p store.Permit
		if err := rows.Scan(&p.Slot, &p.Gen, &first); err != nil {
			rows.Close()
			return g, fmt.Errorf("take send permits of lane %s: %w", req.Lane, err)
		}
		p.At = time.UnixMicro(first + int64(len(g.Permits))*req.Interval.Microseconds()).UTC()
		g.Permits = append(g.Permits, p)
	}
	if err := rows.Err(); err != nil {
		return g, fmt.Errorf("take send permits of lane %s: %w", req.Lane, err)
	}
	if len(g.Permits) > 0 {
		return g, nil
	}
	// None free: the wanted permits are back when the Want-th resting one
	// is (or the last, when fewer rest).
	rows, err = s.fast.Query(ctx, `SELECT free_us FROM rate_permits WHERE lane = $1 AND slot < $2 AND held_until_us = 0
		ORDER BY free_us LIMIT $3`, req.Lane, req.Permits, max(req.Want, 1))
	if err != nil {
		return g, fmt.Errorf("read send permits of lane %s: %w", req.Lane, err)
	}
	resting, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return g, fmt.Errorf("read send permits of lane %s: %w", req.Lane, err)
	}
	g.Retry = time.UnixMicro(now).Add(time.Duration(max(req.Want, 1)) * req.Interval).UTC()
	if len(resting) > 0 {
		g.Retry = time.UnixMicro(resting[len(resting)-1]).UTC()
	}
	return g, nil
}

// ensurePermits creates lane's permit rows up to n once per store handle
// and size, so the grant itself never inserts.
func (s *Store) ensurePermits(ctx context.Context, lane string, n int) error {
	if have, ok := s.permitRows.Load(lane); ok && have.(int) >= n {
		return nil
	}
	if _, err := s.fast.Exec(ctx, `INSERT INTO rate_permits (lane, slot) SELECT $1, g FROM generate_series(0, $2::int - 1) AS g
		ON CONFLICT DO NOTHING`, lane, n); err != nil {
		return fmt.Errorf("prepare send permits of lane %s: %w", lane, err)
	}
	s.permitRows.Store(lane, n)
	return nil
}

// ReleasePermits implements store.RateBudget in one statement for any
// number of permits; a permit granted again since (its generation moved)
// is left alone.
func (s *Store) ReleasePermits(ctx context.Context, lane string, permits []store.Permit, rest time.Duration) error {
	if len(permits) == 0 {
		return nil
	}
	slots, gens := make([]int32, len(permits)), make([]int64, len(permits))
	for i, p := range permits {
		slots[i], gens[i] = int32(p.Slot), p.Gen
	}
	if _, err := s.fast.Exec(ctx, `UPDATE rate_permits p SET held_until_us = 0, free_us = $2
		FROM unnest($3::int[], $4::bigint[]) AS r(slot, gen)
		WHERE p.lane = $1 AND p.slot = r.slot AND p.gen = r.gen AND p.held_until_us > 0`,
		lane, s.now().Add(rest).UnixMicro(), slots, gens); err != nil {
		return fmt.Errorf("release send permits of lane %s: %w", lane, err)
	}
	return nil
}
