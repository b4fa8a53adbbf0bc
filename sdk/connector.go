package sdk

import (
	"context"
	"net/http"
	"time"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/httpexec"
)

// Connector is the whole declaration of a connector. Most fields are data;
// the func fields are hooks for apps that need code.
type Connector struct {
	// Info identifies the connector; Info.ID is required.
	Info Info
	// Settings are what an admin fills in when enabling an integration.
	Settings []Setting
	// BaseURL says where the app lives. Relative endpoint URLs are
	// appended to its path, and absolute ones must stay on its host.
	BaseURL BaseURL
	// Auth adds credentials to every request; nil sends none.
	Auth Auth
	// RateLimit is the default request budget, shared per limit key.
	RateLimit RateLimit
	// Retry bounds retries; the zero value uses httpexec.DefaultRetryPolicy.
	Retry httpexec.RetryPolicy
	// Paging is how the app pages its lists, for every endpoint whose
	// Paging has no Kind: most apps page all lists alike. Such an
	// endpoint's own non-zero paging fields still win (e.g. a bigger
	// PageSize); one that is a single page says Paging{Kind: NoPaging}.
	// See decision 0256.
	Paging Paging
	// Endpoints are the preconfigured inbound endpoints.
	Endpoints []Endpoint
	// Webhooks are the preconfigured outbound webhooks.
	Webhooks []Webhook
	// Headers are sent on every request (e.g. Accept), before endpoint
	// and webhook headers, which may override them. The same KV as
	// everywhere else, so order is kept and a name may repeat.
	Headers []KV
	// Test declares the connection test as one call and checks on its
	// answer, with no code; see TestCall.
	Test *TestCall
	// TestHook checks settings and permissions against the app, for tests
	// Test cannot describe; set at most one of the two. Without either,
	// Test checks the settings and fetches one page of the first endpoint.
	TestHook TestHook
	// Errors declares where the app's error bodies keep their message and
	// code, and the advice for each code or status. Most connectors need
	// only this; ErrorDecoder and Remedy are for apps it cannot describe.
	Errors ErrorShape
	// ErrorDecoder reads the app's error bodies; nil uses Errors when it
	// declares paths, else httpexec.DecodeError, which knows the common
	// JSON shapes.
	ErrorDecoder httpexec.ErrorDecoder
	// Remedy adds app-specific advice to an error; "" falls back to the
	// advice Errors declares, then to the SDK's generic advice per kind.
	Remedy func(e *connectorv1.AppError) string
	// DisableCustomEndpoints and DisableCustomWebhooks refuse definitions
	// written by an admin; by default both are accepted.
	DisableCustomEndpoints bool
	DisableCustomWebhooks  bool
	// IdempotencyHeader names the header that carries the host's
	// idempotency key, for apps that drop repeated deliveries; empty sends
	// none, since unknown headers confuse some apps.
	IdempotencyHeader string
	// HTTPClient overrides the HTTP client (e.g. for a proxy); nil uses
	// httpexec.DefaultClient.
	HTTPClient *http.Client
}

// Info identifies a connector in the marketplace and the host's lists.
type Info struct {
	// ID is stable and lower case, e.g. "clockify".
	ID               string
	Name             string
	Version          string
	Publisher        string
	Description      string
	DocumentationURL string
}

// BaseURL declares where the app lives: from a setting when the admin may
// change it (regional hosts, sandboxes), else Default.
type BaseURL struct {
	// Setting is the key of the setting that holds the base URL; empty
	// means the base URL is fixed.
	Setting string
	// Default is used when the setting is empty or absent.
	Default string
	// Label and Description are what admins see for Setting. Unless
	// Settings declares that key the SDK declares it, after the
	// connector's own settings: a URL setting labelled Label ("Base URL"
	// when empty), defaulting to Default and required when there is none.
	Label, Description string
}

// RateLimit is a request budget. Apps count requests per account or
// workspace, so calls are grouped by KeySetting's value.
type RateLimit struct {
	// PerSecond is the default steady rate; 0 means unlimited.
	PerSecond float64
	// Burst is how many requests may go at once; 0 means 1.
	Burst int
	// Setting, if set, is the key of a setting that overrides PerSecond.
	// Every connector with a budget wants admins to tune it, so unless
	// Settings declares that key the SDK declares it: an Int labelled
	// "Requests per second" whose default is PerSecond.
	Setting string
	// Description is shown under the setting the SDK declares for
	// Setting: say what the app allows, so admins know how far to go.
	Description string
	// KeySetting, if set, is the key of the setting whose value partitions
	// the budget (e.g. a workspace id).
	KeySetting string
}

// TestHook checks an integration against the app and reports each check.
// It calls the app through c, which applies the connector's auth, limits and
// retries.
type TestHook func(ctx context.Context, c *Client) (*TestReport, error)

// defaultTimeout bounds a Test when the host set no deadline.
const defaultTimeout = 2 * time.Minute
