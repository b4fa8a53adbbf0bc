package connectortest

import (
	"testing"
	"time"

	"github.com/idbridge/idbridge/sdk"
)

// Config says what to test and against what.
type Config struct {
	// Connector is tested in-process (over an in-memory gRPC connection)
	// when its Info.ID is set.
	Connector sdk.Connector
	// Plugin is the path of the built connector binary, tested through
	// host/pluginhost when set. With both set, the suite runs twice.
	Plugin string
	// Settings are the integration's settings, credentials included,
	// pointing at the test server.
	Settings map[string]string
	// Start, if set, is called once per mode (in-process, plugin) and
	// returns the settings for a fresh test server, so that webhooks which
	// change state run against the same initial state in both modes. It
	// overrides Settings.
	Start func(t *testing.T) map[string]string
	// BaseURLSetting is the setting that holds the base URL; the kit
	// points it at its proxy in front of the URL found there.
	BaseURLSetting string
	// Samples are the macro values for one invocation of each webhook, by
	// webhook id: {"add-user": {"email": "a@example.com"}}. Webhooks run in
	// the order the connector declares them, so samples may rely on the
	// effects of earlier ones.
	Samples map[string]map[string]string
	// Timeout bounds each call; 0 means 60s.
	Timeout time.Duration
	// SteadyStateCalls is how many calls the rate limit check makes; 0
	// means two seconds' worth at the declared rate plus the burst.
	SteadyStateCalls int
}

func (c Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 60 * time.Second
}
