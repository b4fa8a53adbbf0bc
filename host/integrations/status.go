package integrations

import (
	"context"
	"errors"
	"fmt"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// Status values of View.Status, worst first. The console and the overview
// show them as they are; only StatusReady is shown as good. See decision
// 0221.
const (
	// StatusExtensionMissing: the extension the integration runs is not
	// installed (uninstalled, or installed for another platform).
	StatusExtensionMissing = "extension_missing"
	// StatusIncomplete: a required setting has no value yet.
	StatusIncomplete = "incomplete"
	// StatusTestFailed: the last connection test failed, or could not run.
	StatusTestFailed = "test_failed"
	// StatusStale: settings or authorization changed after the last test
	// and no test has run since.
	StatusStale = "stale"
	// StatusUntested: no connection test has run yet.
	StatusUntested = "untested"
	// StatusDisabled: everything checks out, but the integration is off.
	StatusDisabled = "disabled"
	// StatusReady: enabled, and the last test, run after the last change,
	// passed.
	StatusReady = "ready"
)

// status works out View.Status and View.StatusMessage. extErr is the
// extension manager's answer for the integration's extension.
func status(in *Integration, missing []string, extErr error) (string, string) {
	switch {
	case extErr != nil:
		return StatusExtensionMissing, fmt.Sprintf("Its extension %s is not installed on this host: install it again (its settings were kept), or delete the integration.", in.ExtensionID)
	case len(missing) > 0:
		return StatusIncomplete, "Required settings have no value yet; fill them in and save."
	case in.LastTest == nil:
		return StatusUntested, "No connection test has run yet; test the connection."
	case !in.LastTest.OK:
		return StatusTestFailed, "The last connection test failed; fix the settings or the API key and save them, which tests again."
	case in.LastTest.At.Before(in.Configured):
		return StatusStale, "The settings changed after the last connection test; test the connection again."
	case !in.Enabled:
		return StatusDisabled, "The connection test passed; enable the integration to use it."
	}
	return StatusReady, "Enabled; the last connection test, run after the last change, passed."
}

// retest runs the connection test after a change of settings or
// authorization, so the answer to the change carries its outcome and a
// stale "passed" is never shown. A test that cannot start or does not
// pass is recorded as a failed test; an enabled integration whose test
// fails is disabled, so what uses it pauses instead of failing object by
// object on settings that do not work (its automations resume when it is
// enabled again). Missing required settings (a revoked API key) are no
// failed test, since the admin may still be filling them in, but an
// enabled integration is disabled for them too. The record is saved by
// the caller. It reports whether the integration was disabled.
func (s *Service) retest(ctx context.Context, in *Integration) (disabled bool) {
	sch, err := s.schemaOf(ctx, in)
	if err == nil && len(sch.missing(in.Settings, in.Authorization)) > 0 {
		return s.disableAfterChange(ctx, in)
	}
	var result *TestResult
	if err == nil {
		err = s.withClient(ctx, in, func(c connectorv1.ConnectorClient) error {
			result, err = s.test(ctx, in, c)
			return err
		})
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		return s.disableAfterChange(ctx, in)
	}
	if err != nil {
		in.LastTest = &TestResult{OK: false, At: s.now(), Checks: []TestCheck{{ID: "start", Name: "Connector",
			Status: "failed", Message: err.Error(), Remedy: "Check that the extension is installed and its connector starts, then test again."}}}
		result = in.LastTest
	}
	if result.OK {
		return false
	}
	return s.disableAfterChange(ctx, in)
}

// disableAfterChange turns off an enabled integration whose changed
// settings do not work; it reports whether it did.
func (s *Service) disableAfterChange(ctx context.Context, in *Integration) bool {
	if !in.Enabled {
		return false
	}
	in.Enabled = false
	s.stop(context.WithoutCancel(ctx), in.ID)
	s.log.Warn("integration disabled: its settings changed and no longer pass the connection test", "integration", in.ID)
	return true
}
