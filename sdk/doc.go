// Package sdk is what a connector author imports. A connector is a
// declaration — its settings, base URL, authentication, rate limit, paging,
// error shape, connection test (TestCall), preconfigured inbound endpoints
// and outbound webhooks — plus hooks only where an app is too odd for data
// (TestHook, ErrorDecoder). What a declaration leaves out the SDK derives:
// the standard settings from BaseURL, Auth and RateLimit, and names, labels
// and field types from ids, keys and paths. Serve turns the declaration into
// a go-plugin gRPC server, so a connector's main is one line:
//
//	func main() { sdk.Serve(myapp.Connector()) }
//
// The SDK runs every call through one executor (package sdk/httpexec): the
// same authentication, rate limit, retries and error meaning for
// preconfigured endpoints, custom endpoints an admin writes, webhooks and
// the connection test. It fills {Key} placeholders from settings, resolves
// relative URLs against the base URL and refuses absolute URLs to any other
// host, so that an admin's custom endpoint cannot send the connector's
// credentials elsewhere.
//
// Errors reach the host as gRPC statuses carrying a connectorv1.AppError;
// ErrorFromStatus reads them back on the host side.
//
// # For hosts
//
// A host calls any connector (built with this SDK or not) through its
// connectorv1.ConnectorClient:
//
//	stream, err := client.Fetch(ctx, &connectorv1.FetchRequest{
//		Settings: settings, Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"},
//		BatchSize: 1000, MaxPages: 1, IncludeExchange: true, // test and save
//	}, sdk.FetchCallOption()) // faster record decoding; always safe
//	...
//	resp, err := client.Invoke(ctx, &connectorv1.InvokeRequest{
//		Settings: settings, WebhookId: "add-user", Call: renderedCall,
//		Outputs: spec.Outputs, SuccessStatuses: spec.SuccessStatuses,
//	})
//	if ae := sdk.ErrorFromStatus(err); ae != nil {
//		// ae.Kind decides (retry if ae.Retryable, after ae.RetryAfterSeconds);
//		// ae.Message and ae.Remedy are for the admin; ae.Exchange is masked.
//	}
package sdk
