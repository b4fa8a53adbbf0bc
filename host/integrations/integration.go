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
	ID          string `json:"id"`
	ExtensionID string `json:"extension_id"`
	Name        string `json:"name"`
	Enabled     bool   `json:"enabled"`
	// Settings are the plain (non-secret) settings.
	Settings map[string]string `json:"settings,omitempty"`
	// Authorization maps each secret setting to its sealed value.
	Authorization map[string]string `json:"authorization,omitempty"`
	// Described is the connector's last Describe answer (protobuf JSON),
	// cached so the schema is known while the plugin is stopped.
	Described json.RawMessage `json:"described,omitempty"`
	// LastTest is the outcome of the last connection test.
	LastTest *TestResult `json:"last_test,omitempty"`
	Created  time.Time   `json:"created"`
	Updated  time.Time   `json:"updated"`
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
	OK bool `json:"ok"`
	// Account is who the credentials belong to, when the connector says.
	Account string      `json:"account,omitempty"`
	Checks  []TestCheck `json:"checks"`
	At      time.Time   `json:"at"`
}

// TestCheck is one item of a connection test.
type TestCheck struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Status  string `json:"status"`
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
	LastTest  *TestResult    `json:"last_test,omitempty"`
	Created   time.Time      `json:"created"`
	Updated   time.Time      `json:"updated"`
}

// SecretState shows a secret setting without its value.
type SecretState struct {
	Set bool `json:"set"`
	// Value is "****" when set, "" otherwise.
	Value string `json:"value"`
}

// ConnectorInfo is the identity a connector reported.
type ConnectorInfo struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Version  string `json:"version"`
	Protocol uint32 `json:"protocol"`
}
