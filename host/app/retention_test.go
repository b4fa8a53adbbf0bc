package app_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/orchestration"
)

// parseRetention parses a serve-like command line holding only the flag.
func parseRetention(args ...string) (time.Duration, error) {
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	fs.SetOutput(&strings.Builder{})
	var d time.Duration
	app.AddJournalRetentionFlag(fs, &d)
	err := fs.Parse(args)
	return d, err
}

func TestJournalRetentionFlagParses(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want time.Duration
	}{
		{nil, 0}, // not given: the environment, then the default, apply
		{[]string{"--journal-retention", "7d"}, 7 * 24 * time.Hour},
		{[]string{"--journal-retention=90D"}, 90 * 24 * time.Hour},
		{[]string{"--journal-retention", "36h"}, 36 * time.Hour},
		{[]string{"--journal-retention", "1h"}, time.Hour},
		{[]string{"--journal-retention", "off"}, -1},
	} {
		got, err := parseRetention(tc.args...)
		if err != nil || got != tc.want {
			t.Errorf("%v: got %s, %v; want %s", tc.args, got, err, tc.want)
		}
	}
}

func TestJournalRetentionFlagRejectsBadValues(t *testing.T) {
	for _, tc := range []struct {
		value string
		is    error
		says  string
	}{
		{"soon", app.ErrJournalRetention, `"soon" is not a retention period: use a number of days such as 30d`},
		{"1.5d", app.ErrJournalRetention, "not a retention period"},
		{"2d12h", app.ErrJournalRetention, "not a retention period"},
		{"", app.ErrJournalRetention, "not a retention period"},
		{"0", app.ErrJournalRetention, "must be positive"},
		{"-3d", app.ErrJournalRetention, "must be positive"},
		{"999999999d", app.ErrJournalRetention, "not a retention period"},
		{"30m", orchestration.ErrRetentionTooShort, "shorter than the minimum"},
	} {
		_, err := app.ParseJournalRetention(tc.value)
		if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%q: err = %v; want %v saying %q", tc.value, err, tc.is, tc.says)
		}
		// On the command line the same error names the flag.
		if _, err := parseRetention("--journal-retention=" + tc.value); err == nil ||
			!strings.Contains(err.Error(), "--journal-retention") || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("command line %q: err = %v", tc.value, err)
		}
	}
}

func TestJournalRetentionFlagHelpShowsTheDefault(t *testing.T) {
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	var d time.Duration
	app.AddJournalRetentionFlag(fs, &d)
	help := fs.FlagUsages()
	for _, want := range []string{"--journal-retention period", "(default 30d)", "off to keep journals forever", "IDBRIDGE_JOURNAL_RETENTION"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
}

func TestFormatJournalRetentionReadsBack(t *testing.T) {
	for _, d := range []time.Duration{orchestration.DefaultJournalRetention, 36 * time.Hour, 90 * time.Minute, -1} {
		s := app.FormatJournalRetention(d)
		got, err := app.ParseJournalRetention(s)
		if err != nil || got != d {
			t.Errorf("%s formats as %q, which reads back as %s, %v", d, s, got, err)
		}
	}
}
