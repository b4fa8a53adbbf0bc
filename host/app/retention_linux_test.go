//go:build linux

package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/app/apptest"
	"github.com/idbridge/idbridge/host/internal/testlog"
	"github.com/idbridge/idbridge/host/orchestration"
)

// TestHostPrunesJournalsWithTheConfiguredRetention starts a whole host and
// waits for the retention loop's first pass in the log, with the period
// the command line gave.
func TestHostPrunesJournalsWithTheConfiguredRetention(t *testing.T) {
	retention, err := app.ParseJournalRetention("2d")
	if err != nil {
		t.Fatal(err)
	}
	buf := startLogged(t, app.Options{Engine: orchestration.Config{JournalRetention: retention}})
	line := waitLine(t, buf, "pruned journals of finished runs")
	if !strings.Contains(line, "retention=48h0m0s") || !strings.Contains(line, "journals=0") {
		t.Fatalf("the pass ran with other settings: %s", line)
	}
	t.Log(line)
}

func TestHostRefusesATooShortJournalRetention(t *testing.T) {
	_, err := app.New(context.Background(), app.Options{DataDir: t.TempDir(), DemoDirectory: true,
		Engine: orchestration.Config{JournalRetention: time.Minute}})
	if !errors.Is(err, orchestration.ErrRetentionTooShort) {
		t.Fatalf("err = %v, want ErrRetentionTooShort", err)
	}
}

// startLogged serves a host built from opts until the test ends and
// returns its log.
func startLogged(t *testing.T, opts app.Options) *testlog.Buffer {
	t.Helper()
	var buf testlog.Buffer
	opts.DemoDirectory, opts.Logger = true, app.NewLogger(&buf, false, "info")
	apptest.Start(t, opts)
	return &buf
}

// waitLine waits for a log line holding want and returns it.
func waitLine(t *testing.T, buf *testlog.Buffer, want string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, l := range strings.Split(buf.String(), "\n") {
			if strings.Contains(l, want) {
				return l
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line with %q:\n%s", want, buf.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestJournalRetentionFromTheEnvironment(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == app.JournalRetentionEnv {
				return v
			}
			return ""
		}
	}
	buf := startLogged(t, app.Options{Getenv: env("3d")})
	if l := waitLine(t, buf, "pruned journals of finished runs"); !strings.Contains(l, "retention=72h0m0s") {
		t.Errorf("the environment's period was not used: %s", l)
	}
	// The flag, through Options.Engine, wins over the environment.
	buf = startLogged(t, app.Options{Getenv: env("3d"), Engine: orchestration.Config{JournalRetention: 5 * time.Hour}})
	if l := waitLine(t, buf, "pruned journals of finished runs"); !strings.Contains(l, "retention=5h0m0s") {
		t.Errorf("the flag did not win over the environment: %s", l)
	}
	buf = startLogged(t, app.Options{Getenv: env("off")})
	waitLine(t, buf, "journal retention is off")

	_, err := app.New(context.Background(), app.Options{DataDir: t.TempDir(), DemoDirectory: true, Getenv: env("a while")})
	if !errors.Is(err, app.ErrJournalRetention) || !strings.Contains(err.Error(), app.JournalRetentionEnv) {
		t.Fatalf("a bad environment value: err = %v", err)
	}
}
