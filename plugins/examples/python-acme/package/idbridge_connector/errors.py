"""Connector errors and how they travel: a gRPC status whose details carry an
idbridge.connector.v1.AppError, so that the host shows what the app said and
what to do about it."""

import grpc
from google.protobuf import any_pb2

from connector.v1 import connector_pb2 as pb

KIND = pb.ErrorKind

# The gRPC code that carries each kind, so that a host reading only the code
# still sees something sensible.
_CODES = {
    KIND.Value("ERROR_KIND_INVALID_SETTINGS"): grpc.StatusCode.INVALID_ARGUMENT,
    KIND.Value("ERROR_KIND_UNAUTHENTICATED"): grpc.StatusCode.UNAUTHENTICATED,
    KIND.Value("ERROR_KIND_PERMISSION_DENIED"): grpc.StatusCode.PERMISSION_DENIED,
    KIND.Value("ERROR_KIND_NOT_FOUND"): grpc.StatusCode.NOT_FOUND,
    KIND.Value("ERROR_KIND_REJECTED"): grpc.StatusCode.FAILED_PRECONDITION,
    KIND.Value("ERROR_KIND_RATE_LIMITED"): grpc.StatusCode.RESOURCE_EXHAUSTED,
    KIND.Value("ERROR_KIND_UNAVAILABLE"): grpc.StatusCode.UNAVAILABLE,
}

_REMEDIES = {
    KIND.Value("ERROR_KIND_INVALID_SETTINGS"): "correct the integration's settings and test again",
    KIND.Value("ERROR_KIND_UNAUTHENTICATED"): "the app refused the credentials: enter a valid API key in the integration's authorization",
    KIND.Value("ERROR_KIND_PERMISSION_DENIED"): "the credentials lack a permission for this call: use a key of a user with the needed role",
    KIND.Value("ERROR_KIND_NOT_FOUND"): "the object or URL does not exist in the app: check ids and the base URL",
    KIND.Value("ERROR_KIND_REJECTED"): "the app refused the request as invalid: check the values sent (see the exchange)",
    KIND.Value("ERROR_KIND_RATE_LIMITED"): "the app kept answering 429: lower the integration's rate limit or retry later",
    KIND.Value("ERROR_KIND_UNAVAILABLE"): "the app or the network kept failing: retry later, and check the base URL and connectivity",
}


def kind_for_status(status):
    """Maps an HTTP status to the kind the host acts on."""
    if status == 401:
        return KIND.Value("ERROR_KIND_UNAUTHENTICATED")
    if status == 403:
        return KIND.Value("ERROR_KIND_PERMISSION_DENIED")
    if status in (404, 410):
        return KIND.Value("ERROR_KIND_NOT_FOUND")
    if status == 429:
        return KIND.Value("ERROR_KIND_RATE_LIMITED")
    if status >= 500 or status == 0:
        return KIND.Value("ERROR_KIND_UNAVAILABLE")
    return KIND.Value("ERROR_KIND_REJECTED")


def default_remedy(kind):
    """Generic advice per kind; a connector's remedy hook may do better."""
    return _REMEDIES.get(kind, "report this to the connector's publisher with the connector's log")


class ConnectorError(Exception):
    """An error the host should see as an AppError."""

    def __init__(self, kind, message, http_status=0, app_code="", remedy="",
                 retryable=False, retry_after=0, exchange=None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.http_status = http_status
        self.app_code = app_code
        self.remedy = remedy
        self.retryable = retryable
        self.retry_after = retry_after
        self.exchange = exchange
        # The app's answer, when there was one; the caller masks it into
        # the exchange.
        self.response = None

    def to_proto(self):
        return pb.AppError(
            kind=self.kind, message=self.message, http_status=self.http_status,
            app_code=self.app_code, remedy=self.remedy or default_remedy(self.kind),
            retryable=self.retryable, retry_after_seconds=int(self.retry_after),
            exchange=self.exchange)


def invalid_settings(message, remedy=""):
    """The settings cannot work as given; nothing was sent."""
    return ConnectorError(KIND.Value("ERROR_KIND_INVALID_SETTINGS"), message, remedy=remedy)


def _varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _len_field(number, payload):
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def status_details(code, message, app_error):
    """Encodes a google.rpc.Status (code = 1, message = 2, details = 3) with
    the AppError as its one detail. Three fields do not justify a dependency
    on googleapis-common-protos."""
    detail = any_pb2.Any()
    detail.Pack(app_error)
    out = _varint(1 << 3 | 0) + _varint(code.value[0])
    out += _len_field(2, message.encode("utf-8"))
    out += _len_field(3, detail.SerializeToString())
    return out


def abort(context, err):
    """Ends the RPC with err, the AppError in the status details."""
    ae = err.to_proto()
    code = _CODES.get(ae.kind, grpc.StatusCode.INTERNAL)
    context.set_trailing_metadata((("grpc-status-details-bin", status_details(code, ae.message, ae)),))
    context.abort(code, ae.message)
