package app

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/idbridge/idbridge/host/orchestration"
)

// JournalRetentionFlag is the serve flag that sets how long the journal of
// a finished orchestration run is kept (Options.Engine.JournalRetention).
const JournalRetentionFlag = "journal-retention"

// JournalRetentionEnv is the environment variable that sets the retention
// when neither the flag nor Options.Engine does, so a host started by a
// service manager can be configured without changing its command line.
const JournalRetentionEnv = "IDBRIDGE_JOURNAL_RETENTION"

// journalRetentionUsage is the flag's help text.
const journalRetentionUsage = "how long the exactly-once journal of a finished orchestration run is kept before the hourly " +
	"prune deletes it: days such as 30d, a duration such as 720h, or off to keep journals forever " +
	"(minimum 1h; run history is never pruned; runs still in progress or in doubt keep their journal) " +
	"(env " + JournalRetentionEnv + ")"

// ErrJournalRetention is a --journal-retention value that is not a period.
var ErrJournalRetention = errors.New("use a number of days such as 30d, a duration such as 720h, or off")

// retentionOff is the engine's "keep journals forever".
const retentionOff = time.Duration(-1)

// maxRetentionDays is the most days a time.Duration holds (about 292 years).
const maxRetentionDays = math.MaxInt64 / int64(24*time.Hour)

// ParseJournalRetention reads a --journal-retention value: whole days
// ("30d"), a Go duration ("720h", "90m") or "off". Off returns a negative
// duration, which the engine reads as "keep journals forever". Values below
// orchestration.MinJournalRetention are refused.
func ParseJournalRetention(s string) (time.Duration, error) {
	v := strings.TrimSpace(strings.ToLower(s))
	if v == "off" {
		return retentionOff, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil || n > maxRetentionDays {
			return 0, fmt.Errorf("%q is not a retention period: %w", s, ErrJournalRetention)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, fmt.Errorf("%q is not a retention period: %w", s, ErrJournalRetention)
		}
	}
	switch {
	case d <= 0:
		return 0, fmt.Errorf("%q: the retention period must be positive; %w", s, ErrJournalRetention)
	case d < orchestration.MinJournalRetention:
		return 0, fmt.Errorf("%q: %w", s, orchestration.ErrRetentionTooShort)
	}
	return d, nil
}

// FormatJournalRetention writes a retention the way the flag reads it:
// whole days as "30d", negative as "off".
func FormatJournalRetention(d time.Duration) string {
	switch {
	case d < 0:
		return "off"
	case d > 0 && d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

// retentionValue is --journal-retention as a pflag.Value, so a bad value
// is refused while the command line is parsed, with the fix in the error.
type retentionValue struct{ d *time.Duration }

// String implements pflag.Value. Zero, the flag not given, shows the
// default it stands for.
func (v retentionValue) String() string {
	switch {
	case v.d == nil:
		return ""
	case *v.d == 0:
		return FormatJournalRetention(orchestration.DefaultJournalRetention)
	}
	return FormatJournalRetention(*v.d)
}

// Set implements pflag.Value.
func (v retentionValue) Set(s string) error {
	d, err := ParseJournalRetention(s)
	if err != nil {
		return err
	}
	*v.d = d
	return nil
}

// Type implements pflag.Value; it names the value in the help text.
func (retentionValue) Type() string { return "period" }

// AddJournalRetentionFlag registers --journal-retention on a command's
// flags, bound to d. d stays zero when the flag is not given, so that
// IDBRIDGE_JOURNAL_RETENTION, then the default, apply; the help shows the
// default. The serve command copies d into Options.Engine.JournalRetention.
func AddJournalRetentionFlag(fs *pflag.FlagSet, d *time.Duration) {
	fs.Var(retentionValue{d}, JournalRetentionFlag, journalRetentionUsage)
}

// journalRetention is the engine's retention: the one in Options.Engine
// (from the flag) when set, else IDBRIDGE_JOURNAL_RETENTION, else zero for
// the engine's default.
func (a *App) journalRetention(set time.Duration) (time.Duration, error) {
	if set != 0 {
		return set, nil
	}
	v := a.opts.Getenv(JournalRetentionEnv)
	if v == "" {
		return 0, nil
	}
	d, err := ParseJournalRetention(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", JournalRetentionEnv, err)
	}
	return d, nil
}
