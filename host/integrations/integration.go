package integrations

import (
	"encoding/json"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// Kind is the document kind integrations are stored under.
const Kind = "integration"

// Integration is the stored record. Authorization holds sealed values only;
// use View to show a record to anyone.
type Integration struct {
	// ID is the admin's handle, used in URLs and as the supervisor key.
	ID string `json:"id"`
	// ExtensionID names the installed extension whose connector it runs.
	ExtensionID string `json:"extension_id"`
	// Name is shown to people.
	Name string `json:"name"`
	// Enabled is true while the plugin runs and automations may use it.
	Enabled bool `json:"enabled"`
	// Settings are the plain (non-secret) settings.
	Settings map[string]string `json:"settings,omitempty"`
	// Authorization maps each secret setting to its sealed value.
	Authorization map[string]string `json:"authorization,omitempty"`
	// Described is the connector's last Describe answer (protobuf JSON),
	// cached so the schema is known while the plugin is stopped.
	Described json.RawMessage `json:"described,omitempty"`
	// LastTest is the outcome of the last connection test.
	LastTest *TestResult `json:"last_test,omitempty"`
	// Configured is when settings or authorization last changed; a test
	// older than that is stale.
	Configured time.Time `json:"configured,omitzero"`
	// Created and Updated are set by the service.
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// describe decodes the cached Describe answer, or returns nil.
func (in *Integration) describe() (*connectorv1.DescribeResponse, error) {
	if len(in.Described) == 0 {
		return nil, nil
	}
	var d connectorv1.DescribeResponse
	if err := protojson.Unmarshal(in.Described, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// TestResult is the outcome of a connection test, as shown to admins.
type TestResult struct {
	// OK is true when every check passed or only warned.
	OK bool `json:"ok"`
	// Account is who the credentials belong to, when the connector says.
	Account string `json:"account,omitempty"`
	// Checks are the connector's checks, in its order.
	Checks []TestCheck `json:"checks"`
	// At is when the test ran.
	At time.Time `json:"at"`
}

// TestCheck is one item of a connection test.
type TestCheck struct {
	// ID is the connector's stable id, e.g. "credentials".
	ID string `json:"id"`
	// Name is shown to people.
	Name string `json:"name"`
	// Status is ok, failed, warning or skipped.
	Status string `json:"status"`
	// Message says what was found; Remedy what to do about a failure.
	Message string `json:"message,omitempty"`
	Remedy  string `json:"remedy,omitempty"`
}

func testResult(r *connectorv1.TestResponse, at time.Time) *TestResult {
	out := &TestResult{OK: r.GetOk(), Account: r.GetAccount(), At: at, Checks: []TestCheck{}}
	for _, c := range r.GetChecks() {
		status := "unknown"
		switch c.GetStatus() {
		case connectorv1.CheckStatus_CHECK_STATUS_OK:
			status = "ok"
		case connectorv1.CheckStatus_CHECK_STATUS_FAILED:
			status = "failed"
		case connectorv1.CheckStatus_CHECK_STATUS_WARNING:
			status = "warning"
		case connectorv1.CheckStatus_CHECK_STATUS_SKIPPED:
			status = "skipped"
		}
		out.Checks = append(out.Checks, TestCheck{ID: c.GetId(), Name: c.GetName(), Status: status,
			Message: c.GetMessage(), Remedy: c.GetRemedy()})
	}
	return out
}

// View is what the API shows of an integration: secret values never leave
// the host, only whether they are set.
type View struct {
	// ID, ExtensionID, Name and Enabled are as in Integration.
	ID          string `json:"id"`
	ExtensionID string `json:"extension_id"`
	Name        string `json:"name"`
	Enabled     bool   `json:"enabled"`
	// Settings are the plain settings as saved.
	Settings map[string]string `json:"settings"`
	// Authorization shows each secret setting as set or not, value masked.
	Authorization map[string]SecretState `json:"authorization"`
	// Missing lists required settings that have no value yet; Enable
	// refuses until it is empty.
	Missing []string `json:"missing"`
	// Connector is who the plugin said it is, once described.
	Connector *ConnectorInfo `json:"connector,omitempty"`
	// LastTest is the outcome of the last connection test.
	LastTest *TestResult `json:"last_test,omitempty"`
	// Status sums up whether the integration works, one of the Status
	// constants (ready, disabled, untested, stale, test_failed,
	// incomplete, extension_missing); StatusMessage says it in words with
	// what to do.
	Status        string `json:"status"`
	StatusMessage string `json:"status_message"`
	// Created and Updated are as in Integration.
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// SecretState shows a secret setting without its value.
type SecretState struct {
	// Set is true when a value is stored.
	Set bool `json:"set"`
	// Value is "****" when set, "" otherwise.
	Value string `json:"value"`
}

// ConnectorInfo is the identity a connector reported.
type ConnectorInfo struct {
	// ID, Name and Version are the connector's own.
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
	// Protocol is the connector protocol version it speaks.
	Protocol uint32 `json:"protocol"`
}
