// Package httpexec sends one logical HTTP call to an app the way a careful
// client does: it waits for the app's rate limit, retries what is safe to
// retry with exponential backoff and jitter, honours Retry-After, stops when
// the context ends, and turns a failed answer into an *Error that says what
// the app said.
//
// It knows nothing about connectors, settings or paging; package sdk builds
// those on top. Keeping the transport rules here means every call a
// connector makes (preconfigured, custom, test) follows the same rules.
//
// # Retry rule
//
// A 429 is always retried: the app refused the request before acting on it.
// A 503 is retried for the same reason. Other 5xx answers and network errors
// are retried only when the call is idempotent (GET, HEAD, OPTIONS, PUT,
// DELETE, or a call the connector declares idempotent), because the app may
// already have acted on a POST or PATCH. One exception: a network error that
// happened before a connection was obtained (DNS, refused dial) means nothing
// was sent, so every method is retried then.
package httpexec
