package integrations

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestSavingAWrongKeyTestsAndDisables checks that a change of settings
// runs the connection test: a wrong API key on an enabled integration
// is shown as a failed test and turns the integration off, with its
// observers told; a good key is shown as ready again only after enabling.
func TestSavingAWrongKeyTestsAndDisables(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, testKey)
	if _, err := f.svc.Enable(ctx, "main"); err != nil {
		t.Fatal(err)
	}
	v, err := f.svc.SetAuthorization(ctx, "main", map[string]string{"apiKey": "wrong-key-123"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Enabled || v.Status != StatusTestFailed || v.LastTest == nil || v.LastTest.OK {
		t.Fatalf("after a wrong key: enabled %v, status %q, last test %+v", v.Enabled, v.Status, v.LastTest)
	}
	if f.runner.isRunning("main") {
		t.Error("the connector of the disabled integration still runs")
	}
	if got := f.obs.disabled; len(got) != 1 || got[0] != "main" {
		t.Errorf("observers told of disabling: %v", got)
	}

	v, err = f.svc.SetAuthorization(ctx, "main", map[string]string{"apiKey": testKey})
	if err != nil || v.Status != StatusDisabled || !v.LastTest.OK || v.Enabled {
		t.Fatalf("after the right key: %+v, %v", v, err)
	}
	if v, _ = f.svc.Enable(ctx, "main"); v == nil || v.Status != StatusReady {
		t.Fatalf("enabled again: %+v", v)
	}
	// A plain change that still passes keeps it enabled and ready.
	if v, err = f.svc.UpdateSettings(ctx, "main", map[string]string{"rate": "7"}); err != nil || !v.Enabled || v.Status != StatusReady {
		t.Fatalf("a passing change: %+v, %v", v, err)
	}
}

// TestBlankingARequiredSettingIsRefused checks that a required plain
// setting cannot be emptied, and that revoking the API key of an enabled
// integration turns it off as incomplete.
func TestBlankingARequiredSettingIsRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, testKey)
	if _, err := f.svc.Enable(ctx, "main"); err != nil {
		t.Fatal(err)
	}
	var ve *ValidationError
	_, err := f.svc.UpdateSettings(ctx, "main", map[string]string{"workspaceId": "", "rate": "x"})
	if !errors.As(err, &ve) || len(ve.Problems) != 2 {
		t.Fatalf("blanking the workspace and a bad rate: %v (want both problems)", err)
	}
	v, _ := f.svc.Get(ctx, "main")
	if v.Settings["workspaceId"] != "abc123" || !v.Enabled {
		t.Fatalf("a refused change changed the integration: %+v", v)
	}
	v, err = f.svc.SetAuthorization(ctx, "main", map[string]string{"apiKey": ""})
	if err != nil || v.Enabled || v.Status != StatusIncomplete {
		t.Fatalf("after revoking the key: enabled %v status %q, %v", v.Enabled, v.Status, err)
	}
}

// TestStatusWords checks the order of the status rules: a missing
// extension first, a failed test before a stale one, ready only when
// enabled with a passing test newer than the last change.
func TestStatusWords(t *testing.T) {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	passed := &TestResult{OK: true, At: at}
	cases := []struct {
		name    string
		in      Integration
		missing []string
		extErr  error
		want    string
	}{
		{"gone", Integration{Enabled: true, LastTest: passed}, nil, errors.New("not installed"), StatusExtensionMissing},
		{"incomplete", Integration{LastTest: passed}, []string{"apiKey"}, nil, StatusIncomplete},
		{"untested", Integration{}, nil, nil, StatusUntested},
		{"failed", Integration{Enabled: true, LastTest: &TestResult{At: at}, Configured: at.Add(time.Hour)}, nil, nil, StatusTestFailed},
		{"stale", Integration{Enabled: true, LastTest: passed, Configured: at.Add(time.Second)}, nil, nil, StatusStale},
		{"disabled", Integration{LastTest: passed, Configured: at}, nil, nil, StatusDisabled},
		{"ready", Integration{Enabled: true, LastTest: passed, Configured: at}, nil, nil, StatusReady},
	}
	for _, c := range cases {
		if got, msg := status(&c.in, c.missing, c.extErr); got != c.want || msg == "" {
			t.Errorf("%s: status %q (%q), want %q", c.name, got, msg, c.want)
		}
	}
}
