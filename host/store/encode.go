package store

import (
	"encoding/json"
	"errors"
	"time"
)

// UnixMillis encodes an instant as the database backends keep it:
// milliseconds since the Unix epoch, 0 for the zero time.
func UnixMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// FromUnixMillis decodes UnixMillis, in UTC.
func FromUnixMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// EncodeCounts encodes a run's counts as the database backends keep them.
func EncodeCounts(c map[string]int) string {
	if c == nil {
		return "{}"
	}
	b, _ := json.Marshal(c) // a map of ints always encodes
	return string(b)
}

// AddCountsJSON returns the encoded counts raw plus delta, for backends
// that keep counts as JSON text and add under a row lock.
func AddCountsJSON(raw string, delta map[string]int) (string, error) {
	counts := map[string]int{}
	if err := json.Unmarshal([]byte(raw), &counts); err != nil {
		return "", err
	}
	for k, d := range delta {
		counts[k] += d
	}
	return EncodeCounts(counts), nil
}

// Defaults returns a with its defaults filled in as every backend applies
// them: the key from ActionKey, DefaultMaxAttempts, and now as NotBefore.
func (a NewAction) Defaults(now time.Time) NewAction {
	if a.Key == "" {
		a.Key = ActionKey(a.RunID, a.ObjectID, a.StepID)
	}
	if a.MaxAttempts <= 0 {
		a.MaxAttempts = DefaultMaxAttempts
	}
	if a.NotBefore.IsZero() {
		a.NotBefore = now
	}
	return a
}

// Defaults returns r as Runs.Create stores it on every backend: Started
// now when zero, Status RunRunning when empty. A run without an id is
// refused, since its id is what every later call names.
func (r Run) Defaults(now time.Time) (Run, error) {
	if r.ID == "" {
		return r, errors.New("create run: an id is required")
	}
	if r.Started.IsZero() {
		r.Started = now
	}
	if r.Status == "" {
		r.Status = RunRunning
	}
	return r, nil
}

// Defaults returns o with its defaults filled in as every backend applies
// them: a limit of one and DefaultLease. A claim without a worker is
// refused, since every report is checked against the worker's lease.
func (o ClaimOptions) Defaults() (ClaimOptions, error) {
	if o.Worker == "" {
		return o, errors.New("claim: a worker id is required so that its reports can be checked against its lease")
	}
	if o.Limit <= 0 {
		o.Limit = 1
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	return o, nil
}
