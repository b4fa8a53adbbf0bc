package automation

import (
	"fmt"
	"strings"
	"time"
)

// ScheduleError is a schedule that does not parse, with what is wrong in
// words: which of the five fields, and what it takes. It wraps
// ErrBadSchedule.
type ScheduleError struct {
	// Schedule is the expression as given.
	Schedule string
	// Problem says what is wrong and how to write it.
	Problem string
}

// Error implements error.
func (e *ScheduleError) Error() string { return e.Problem }

// Unwrap returns ErrBadSchedule.
func (e *ScheduleError) Unwrap() error { return ErrBadSchedule }

// cronFields are the five fields of a cron expression, in order, with the
// values each takes.
var cronFields = []struct{ name, takes string }{
	{"minute", "0-59"},
	{"hour", "0-23"},
	{"day of the month", "1-31"},
	{"month", "1-12 or JAN-DEC"},
	{"day of the week", "0-6 (0 is Sunday) or SUN-SAT"},
}

// cronExample is how a schedule is written, shown with every refusal.
const cronExample = `five fields — minute, hour, day of the month, month, day of the week — such as "0 6 * * 1-5" (06:00 on weekdays), or @hourly, @daily, @weekly, @monthly, @every 1h30m`

// describeScheduleError tells, for an expression the cron parser
// refused, which part is wrong. Each field is tried alone (the others
// "*"), so the first field that does not parse is the one named.
func describeScheduleError(expr string) *ScheduleError {
	e := &ScheduleError{Schedule: expr}
	trimmed := strings.TrimSpace(expr)
	switch {
	case trimmed == "":
		e.Problem = "the schedule is empty: write " + cronExample
		return e
	case strings.HasPrefix(trimmed, "@every"):
		e.Problem = fmt.Sprintf("%q: after @every write a duration such as 30m, 1h or 1h30m", expr)
		return e
	case strings.HasPrefix(trimmed, "@"):
		e.Problem = fmt.Sprintf("%q is not a schedule this host knows: use @hourly, @daily, @weekly, @monthly, @yearly or @every followed by a duration such as 1h", expr)
		return e
	}
	fields := strings.Fields(trimmed)
	if len(fields) != len(cronFields) {
		e.Problem = fmt.Sprintf("%q has %d field(s); write %s", expr, len(fields), cronExample)
		return e
	}
	for i, f := range fields {
		alone := make([]string, len(fields))
		for j := range alone {
			alone[j] = "*"
		}
		alone[i] = f
		if _, err := cronParser.Parse(strings.Join(alone, " ")); err != nil {
			e.Problem = fmt.Sprintf("the %s field %q is not valid: use %s, * for every one, a range such as 1-5, a list such as 1,15 or a step such as */10",
				cronFields[i].name, f, cronFields[i].takes)
			return e
		}
	}
	e.Problem = fmt.Sprintf("%q is not a schedule: write %s", expr, cronExample)
	return e
}

// NextRuns returns the next n times a schedule fires after from, in loc
// (the host's schedule time zone), so an admin sees when it will run
// before saving it.
func NextRuns(expr string, from time.Time, loc *time.Location, n int) ([]time.Time, error) {
	sch, err := ParseSchedule(expr)
	if err != nil {
		return nil, err
	}
	if loc == nil {
		loc = time.UTC
	}
	out := make([]time.Time, 0, n)
	at := from.In(loc)
	for range n {
		at = sch.Next(at)
		if at.IsZero() {
			break
		}
		out = append(out, at)
	}
	return out, nil
}
