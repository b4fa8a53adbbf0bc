package automation_test

import (
	"testing"

	"github.com/idbridge/idbridge/sdk/connectortest"
)

// pluginPath is the real Clockify connector binary, built once for the
// end-to-end tests, which launch it through the plugin supervisor.
var pluginPath string

func TestMain(m *testing.M) {
	connectortest.Main(m, "../../plugins/clockify/cmd/idbridge-clockify", &pluginPath)
}
