package sdk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/httpexec"
)

// Sentinel errors of the SDK; their text says what the admin should fix.
var (
	// ErrInvalidSettings wraps every problem with an integration's settings.
	ErrInvalidSettings = errors.New("integration settings are invalid")
	// ErrForeignHost refuses a URL that would send credentials to a host
	// other than the app's.
	ErrForeignHost = errors.New("URL points outside the app's base URL; only relative URLs or URLs on the base URL's host are allowed")
	// ErrUnknownEndpoint is a Fetch for an id the connector does not declare.
	ErrUnknownEndpoint = errors.New("no such inbound endpoint in this connector; refresh the connector's description")
	// ErrUnknownWebhook is an Invoke for an id the connector does not declare.
	ErrUnknownWebhook = errors.New("no such outbound webhook in this connector; refresh the connector's description")
	// ErrCustomDisabled is a custom definition sent to a connector that
	// accepts only its preconfigured ones.
	ErrCustomDisabled = errors.New("this connector accepts only its preconfigured endpoints and webhooks")
	// ErrBadDefinition is an endpoint or call that cannot be run as written.
	ErrBadDefinition = errors.New("the endpoint or webhook definition is invalid")
)

// KindForHTTPStatus maps an app's HTTP status to the error kind the host
// acts on: 400/405/409/422 rejected, 401 unauthenticated, 403 permission
// denied, 404 not found, 429 rate limited, 5xx unavailable.
func KindForHTTPStatus(code int) connectorv1.ErrorKind {
	switch {
	case code == http.StatusUnauthorized:
		return connectorv1.ErrorKind_ERROR_KIND_UNAUTHENTICATED
	case code == http.StatusForbidden:
		return connectorv1.ErrorKind_ERROR_KIND_PERMISSION_DENIED
	case code == http.StatusNotFound, code == http.StatusGone:
		return connectorv1.ErrorKind_ERROR_KIND_NOT_FOUND
	case code == http.StatusTooManyRequests:
		return connectorv1.ErrorKind_ERROR_KIND_RATE_LIMITED
	case code >= 500 || code == 0:
		return connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE
	default: // 400, 405, 409, 422 and any other 4xx
		return connectorv1.ErrorKind_ERROR_KIND_REJECTED
	}
}

// grpcCode is the status code that carries each kind, so that a host that
// ignores the details still sees a sensible code.
func grpcCode(k connectorv1.ErrorKind) codes.Code {
	switch k {
	case connectorv1.ErrorKind_ERROR_KIND_INVALID_SETTINGS:
		return codes.InvalidArgument
	case connectorv1.ErrorKind_ERROR_KIND_UNAUTHENTICATED:
		return codes.Unauthenticated
	case connectorv1.ErrorKind_ERROR_KIND_PERMISSION_DENIED:
		return codes.PermissionDenied
	case connectorv1.ErrorKind_ERROR_KIND_NOT_FOUND:
		return codes.NotFound
	case connectorv1.ErrorKind_ERROR_KIND_REJECTED:
		return codes.FailedPrecondition
	case connectorv1.ErrorKind_ERROR_KIND_RATE_LIMITED:
		return codes.ResourceExhausted
	case connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE:
		return codes.Unavailable
	}
	return codes.Internal
}

// defaultRemedy is the generic advice per kind; a connector's Remedy hook
// may replace it with app-specific steps.
func defaultRemedy(k connectorv1.ErrorKind) string {
	switch k {
	case connectorv1.ErrorKind_ERROR_KIND_INVALID_SETTINGS:
		return "correct the integration's settings and test again"
	case connectorv1.ErrorKind_ERROR_KIND_UNAUTHENTICATED:
		return "the app refused the credentials: enter a valid API key in the integration's authorization"
	case connectorv1.ErrorKind_ERROR_KIND_PERMISSION_DENIED:
		return "the credentials lack a permission for this call: use a key of a user with the needed role"
	case connectorv1.ErrorKind_ERROR_KIND_NOT_FOUND:
		return "the object or URL does not exist in the app: check ids and the base URL"
	case connectorv1.ErrorKind_ERROR_KIND_REJECTED:
		return "the app refused the request as invalid: check the values sent (see the exchange)"
	case connectorv1.ErrorKind_ERROR_KIND_RATE_LIMITED:
		return "the app kept answering 429: lower the integration's rate limit or retry later"
	case connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE:
		return "the app or the network kept failing: retry later, and check the base URL and connectivity"
	}
	return "report this to the connector's publisher with the connector's log"
}

// appErrorOf classifies any error from running a call.
func appErrorOf(err error) *connectorv1.AppError {
	var herr *httpexec.Error
	switch {
	case errors.As(err, &herr):
		ae := &connectorv1.AppError{
			Kind:       KindForHTTPStatus(herr.Status),
			HttpStatus: int32(herr.Status),
			AppCode:    herr.AppCode,
			Message:    herr.Error(),
		}
		ae.Retryable = ae.Kind == connectorv1.ErrorKind_ERROR_KIND_RATE_LIMITED || ae.Kind == connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE
		if herr.RetryAfter > 0 {
			ae.RetryAfterSeconds = int32((herr.RetryAfter + 999_999_999) / 1_000_000_000)
		}
		return ae
	case errors.Is(err, ErrInvalidSettings), errors.Is(err, ErrForeignHost), errors.Is(err, ErrBadDefinition):
		return &connectorv1.AppError{Kind: connectorv1.ErrorKind_ERROR_KIND_INVALID_SETTINGS, Message: err.Error()}
	case errors.Is(err, ErrUnknownEndpoint), errors.Is(err, ErrUnknownWebhook), errors.Is(err, ErrCustomDisabled):
		return &connectorv1.AppError{Kind: connectorv1.ErrorKind_ERROR_KIND_INVALID_SETTINGS, Message: err.Error(),
			Remedy: "use an endpoint or webhook the connector declares (see Describe)"}
	case errors.Is(err, errTokenUnavailable):
		return &connectorv1.AppError{Kind: connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE, Message: err.Error(), Retryable: true,
			Remedy: "the OAuth 2.0 token endpoint failed or could not be reached: retry later, and check the token URL and the connector's network access"}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &connectorv1.AppError{Kind: connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE, Message: err.Error(), Retryable: true,
			Remedy: "the call was cancelled or ran out of time; retry it"}
	}
	return &connectorv1.AppError{Kind: connectorv1.ErrorKind_ERROR_KIND_INTERNAL, Message: err.Error()}
}

// statusError wraps ae in a gRPC status error.
func statusError(ae *connectorv1.AppError) error {
	st := status.New(grpcCode(ae.GetKind()), ae.GetMessage())
	if d, err := st.WithDetails(ae); err == nil {
		st = d
	}
	return st.Err()
}

// ErrorFromStatus reads the AppError a connector attached to a gRPC error.
// For errors without one (transport failures, older connectors) it builds
// one from the status code, so the host always has a kind to act on. It
// returns nil for a nil error.
func ErrorFromStatus(err error) *connectorv1.AppError {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return &connectorv1.AppError{Kind: connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE, Message: err.Error(), Retryable: true}
		}
		return &connectorv1.AppError{Kind: connectorv1.ErrorKind_ERROR_KIND_INTERNAL, Message: err.Error()}
	}
	for _, d := range st.Details() {
		if ae, ok := d.(*connectorv1.AppError); ok {
			return ae
		}
	}
	ae := &connectorv1.AppError{Message: st.Message()}
	switch st.Code() {
	case codes.InvalidArgument:
		ae.Kind = connectorv1.ErrorKind_ERROR_KIND_INVALID_SETTINGS
	case codes.Unauthenticated:
		ae.Kind = connectorv1.ErrorKind_ERROR_KIND_UNAUTHENTICATED
	case codes.PermissionDenied:
		ae.Kind = connectorv1.ErrorKind_ERROR_KIND_PERMISSION_DENIED
	case codes.NotFound:
		ae.Kind = connectorv1.ErrorKind_ERROR_KIND_NOT_FOUND
	case codes.FailedPrecondition:
		ae.Kind = connectorv1.ErrorKind_ERROR_KIND_REJECTED
	case codes.ResourceExhausted:
		ae.Kind, ae.Retryable = connectorv1.ErrorKind_ERROR_KIND_RATE_LIMITED, true
	case codes.Unavailable, codes.Canceled, codes.DeadlineExceeded:
		ae.Kind, ae.Retryable = connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE, true
	default:
		ae.Kind = connectorv1.ErrorKind_ERROR_KIND_INTERNAL
	}
	return ae
}

// FormatAppError renders an AppError as one line for logs and CLIs: kind,
// status, message and remedy.
func FormatAppError(ae *connectorv1.AppError) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(strings.TrimPrefix(ae.GetKind().String(), "ERROR_KIND_")))
	if ae.GetHttpStatus() != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", ae.GetHttpStatus())
	}
	b.WriteString(": ")
	b.WriteString(ae.GetMessage())
	if ae.GetRemedy() != "" {
		b.WriteString(" — ")
		b.WriteString(ae.GetRemedy())
	}
	return b.String()
}
