//go:build linux

package app_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/orchestration"
)

// TestHostPrunesJournalsWithTheConfiguredRetention starts a whole host and
// waits for the retention loop's first pass in the log, with the period
// the command line gave.
func TestHostPrunesJournalsWithTheConfiguredRetention(t *testing.T) {
	var buf syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	retention, err := app.ParseJournalRetention("2d")
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, app.Options{DataDir: t.TempDir(), DemoDirectory: true, Logger: app.NewLogger(&buf, false, "info"),
		Engine: orchestration.Config{JournalRetention: retention}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		line := ""
		for _, l := range strings.Split(buf.String(), "\n") {
			if strings.Contains(l, "pruned journals of finished runs") {
				line = l
			}
		}
		if line != "" {
			if !strings.Contains(line, "retention=48h0m0s") || !strings.Contains(line, "journals=0") {
				t.Fatalf("the pass ran with other settings: %s", line)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no journal retention pass was logged:\n%s", buf.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestHostRefusesATooShortJournalRetention(t *testing.T) {
	_, err := app.New(context.Background(), app.Options{DataDir: t.TempDir(), DemoDirectory: true,
		Engine: orchestration.Config{JournalRetention: time.Minute}})
	if !errors.Is(err, orchestration.ErrRetentionTooShort) {
		t.Fatalf("err = %v, want ErrRetentionTooShort", err)
	}
}
