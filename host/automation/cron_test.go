package automation_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	// The time zone database is built into the test binary, so the test
	// runs wherever it is built instead of skipping without tzdata.
	_ "time/tzdata"

	"github.com/idbridge/idbridge/host/automation"
)

// TestScheduleRefusalsNameTheField checks that a schedule that does not
// parse is refused in words: which field, and what it takes.
func TestScheduleRefusalsNameTheField(t *testing.T) {
	for expr, want := range map[string]string{
		"":               "the schedule is empty",
		"every day":      `"every day" has 2 field(s); write five fields`,
		"0 25 * * *":     `the hour field "25" is not valid: use 0-23`,
		"61 6 * * 1-5":   `the minute field "61" is not valid: use 0-59`,
		"0 6 * * MON-XY": `the day of the week field "MON-XY" is not valid`,
		"0 6 32 * *":     `the day of the month field "32"`,
		"@sometimes":     `"@sometimes" is not a schedule this host knows`,
		"@every soon":    "after @every write a duration",
	} {
		_, err := automation.ParseSchedule(expr)
		var se *automation.ScheduleError
		if !errors.As(err, &se) || !errors.Is(err, automation.ErrBadSchedule) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSchedule(%q) = %v, want a ScheduleError saying %q", expr, err, want)
		}
	}
}

func TestNextRunsAreInTheScheduleTimeZone(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	// Friday 4 December 2026, 07:00 in Paris.
	from := time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC)
	got, err := automation.NextRuns("0 6 * * 1-5", from, paris, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-12-07T06:00:00+01:00", "2026-12-08T06:00:00+01:00", "2026-12-09T06:00:00+01:00"}
	if len(got) != 3 {
		t.Fatalf("%d runs", len(got))
	}
	for i, g := range got {
		if g.Format(time.RFC3339) != want[i] {
			t.Errorf("run %d at %s, want %s", i, g.Format(time.RFC3339), want[i])
		}
	}
	if _, err := automation.NextRuns("0 6 * *", from, paris, 3); !errors.Is(err, automation.ErrBadSchedule) {
		t.Errorf("a bad schedule gave %v", err)
	}
}
