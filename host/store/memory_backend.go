package store

import (
	"strconv"
	"time"
)

// Memory is a whole Backend kept in memory, for tests of packages that use
// the queue, run records or audit log and need no crash safety. It passes
// the same conformance suite (package storetest) as the SQLite backend.
type Memory struct {
	*MemoryDocs
	queue *memoryQueue
	runs  *memoryRuns
	audit *memoryAudit
}

var _ Backend = (*Memory)(nil)

// NewMemory returns an empty in-memory backend on the clock now (time.Now
// when nil).
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	// Instants are kept at the precision the database backends keep, so
	// tests see the same values on both.
	clock := func() time.Time { return ms(now()) }
	docs, runs := NewMemoryDocs(), &memoryRuns{now: clock, byID: map[string]*memoryRun{}}
	return &Memory{
		MemoryDocs: docs,
		queue:      &memoryQueue{now: clock, byID: map[int64]*Action{}, byKey: map[string]int64{}, docs: docs, runs: runs},
		runs:       runs,
		audit:      &memoryAudit{now: clock},
	}
}

// Queue implements Backend.
func (m *Memory) Queue() Queue { return m.queue }

// Runs implements Backend.
func (m *Memory) Runs() Runs { return m.runs }

// Audit implements Backend.
func (m *Memory) Audit() Audit { return m.audit }

// Close implements Backend; there is nothing to release.
func (m *Memory) Close() error { return nil }

// ms rounds t to the millisecond, in UTC; the zero time stays zero.
func ms(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.UnixMilli(t.UnixMilli()).UTC()
}

// ParseCursor reads a listing cursor that is a sequence number, as every
// backend's listings produce; "" is the start.
func ParseCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(c, 10, 64)
	if err != nil || n < 0 {
		return 0, errBadCursor(c)
	}
	return n, nil
}

// errBadCursor is a cursor no listing produced.
type errBadCursor string

// Error implements error.
func (e errBadCursor) Error() string {
	return "invalid page cursor " + strconv.Quote(string(e)) + ": pass back the cursor a previous page returned"
}
