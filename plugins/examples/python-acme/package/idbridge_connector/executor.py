"""HTTP calls to the app the way the protocol expects a connector to make
them: within its rate limit, retried when that is safe, with Retry-After
honoured, stopped when the host cancels, and failures turned into errors of
the protocol's kinds."""

import email.utils
import http.client
import json
import random
import socket
import threading
import time
import urllib.parse

from .errors import ConnectorError, kind_for_status, KIND

MAX_ATTEMPTS = 5
INITIAL_BACKOFF = 0.2
MAX_BACKOFF = 10.0
# A longer Retry-After fails the call as retryable later rather than hold
# one of the host's workers for minutes.
MAX_RETRY_AFTER = 120.0
TIMEOUT = 30.0
# Bodies kept in an exchange; more is cut, the admin sees the start.
MAX_EXCHANGE_BODY = 64 << 10

_IDEMPOTENT_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"}


class Cancelled(Exception):
    """The host cancelled the call or its deadline passed."""


class Cancellation:
    """The host's cancellation of one call: an event to wait on, and the
    connections in flight to cut when it comes, so that a read blocked on a
    slow app ends at once instead of at its timeout."""

    def __init__(self):
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._conns = set()

    def is_set(self):
        return self._event.is_set()

    def wait(self, timeout):
        return self._event.wait(timeout)

    def cancel(self):
        self._event.set()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                if conn.sock is not None:
                    conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def track(self, conn):
        with self._lock:
            self._conns.add(conn)
        if self._event.is_set():
            raise Cancelled()

    def untrack(self, conn):
        with self._lock:
            self._conns.discard(conn)


class Limiter:
    """A token bucket: rate tokens a second, at most burst saved up. Callers
    reserve a token and wait for it, so parallel calls queue fairly."""

    def __init__(self, rate, burst):
        self.rate = float(rate)
        self.burst = max(1, int(burst))
        self.tokens = float(self.burst)
        self.at = time.monotonic()
        self.lock = threading.Lock()

    def wait(self, cancelled):
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
            self.at = now
            self.tokens -= 1
            delay = 0.0 if self.tokens >= 0 else -self.tokens / self.rate
        if delay > 0 and cancelled.wait(delay):
            with self.lock:
                self.tokens += 1
            raise Cancelled()


class Response:
    """The final answer of a call, after retries."""

    def __init__(self, status, headers, body, attempts, duration, url, sent_headers, method, sent_body):
        self.status = status
        self.headers = headers
        self.body = body
        self.attempts = attempts
        self.duration = duration
        self.url = url
        self.sent_headers = sent_headers
        self.method = method
        self.sent_body = sent_body

    def json(self):
        return json.loads(self.body.decode("utf-8")) if self.body else None


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header: a number of seconds or an
    HTTP date; 0 when absent, malformed or past."""
    value = (value or "").strip()
    if not value:
        return 0.0
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, when.timestamp() - (now or time.time()))


def default_decode_error(body):
    """Finds the app's message and code in a JSON error body, or the first
    line of a text one."""
    try:
        doc = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        text = body.decode("utf-8", "replace").strip().split("\n", 1)[0]
        return text[:200], ""
    message, code = "", ""
    if isinstance(doc, dict):
        for k in ("message", "error_description", "detail", "error", "title"):
            v = doc.get(k)
            if isinstance(v, str) and not message:
                message = v
            elif isinstance(v, dict):
                message = message or str(v.get("message", ""))
        if isinstance(doc.get("code"), (str, int)) and not isinstance(doc.get("code"), bool):
            code = str(doc["code"])
    return message, code


class Executor:
    """Sends calls for one connector; limiters are shared by every call with
    the same key and rate."""

    def __init__(self, decode_error=None):
        self.decode_error = decode_error or default_decode_error
        self._limiters = {}
        self._lock = threading.Lock()

    def limiter(self, key, rate, burst):
        with self._lock:
            lim = self._limiters.get((key, rate, burst))
            if lim is None:
                lim = self._limiters[(key, rate, burst)] = Limiter(rate, burst)
            return lim

    def do(self, method, url, headers, body, limiter, cancelled, idempotent=False, success=()):
        """Sends one logical call; returns a Response for a success and raises
        ConnectorError for anything else."""
        safe = idempotent or method in _IDEMPOTENT_METHODS
        started = time.monotonic()
        attempt = 0
        backoff = INITIAL_BACKOFF
        while True:
            if cancelled.is_set():
                raise Cancelled()
            attempt += 1
            limiter.wait(cancelled)
            try:
                status, resp_headers, resp_body = self._send(method, url, headers, body, cancelled)
            except (OSError, http.client.HTTPException) as e:
                if cancelled.is_set():
                    raise Cancelled()
                # Refused connections mean nothing was sent: safe for any method.
                retry = safe or isinstance(e, ConnectionRefusedError)
                if retry and attempt < MAX_ATTEMPTS:
                    backoff = self._sleep(backoff, 0, cancelled)
                    continue
                raise ConnectorError(
                    KIND.Value("ERROR_KIND_UNAVAILABLE"),
                    "%s %s: no answer after %d attempt(s): %s" % (method, url, attempt, e),
                    retryable=True)
            resp = Response(status, resp_headers, resp_body, attempt, time.monotonic() - started,
                            url, headers, method, body)
            if 200 <= status < 300 or status in success:
                return resp
            wait = parse_retry_after(_header(resp_headers, "Retry-After"))
            retry = status in (429, 503) or (status >= 500 and safe)
            if retry and attempt < MAX_ATTEMPTS and wait <= MAX_RETRY_AFTER:
                backoff = self._sleep(backoff, wait, cancelled)
                continue
            err = self._failure(resp, wait)
            err.response = resp
            raise err

    def _sleep(self, backoff, retry_after, cancelled):
        delay = retry_after if retry_after > 0 else backoff * random.uniform(0.5, 1.5)
        if cancelled.wait(delay):
            raise Cancelled()
        return min(backoff * 2, MAX_BACKOFF)

    def _failure(self, resp, retry_after):
        message, code = self.decode_error(resp.body)
        text = message or http.client.responses.get(resp.status, "error")
        if code:
            text += " (app code %s)" % code
        kind = kind_for_status(resp.status)
        return ConnectorError(
            kind, "%s %s: HTTP %d after %d attempt(s): %s" % (resp.method, resp.url, resp.status, resp.attempts, text),
            http_status=resp.status, app_code=code,
            retryable=kind in (KIND.Value("ERROR_KIND_RATE_LIMITED"), KIND.Value("ERROR_KIND_UNAVAILABLE")),
            retry_after=int(retry_after + 0.999))

    @staticmethod
    def _send(method, url, headers, body, cancelled):
        u = urllib.parse.urlsplit(url)
        cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
        conn = cls(u.hostname, u.port, timeout=TIMEOUT)
        try:
            conn.connect()
            cancelled.track(conn)
            target = u.path or "/"
            if u.query:
                target += "?" + u.query
            conn.request(method, target, body=body or None, headers=dict(headers))
            r = conn.getresponse()
            return r.status, r.getheaders(), r.read()
        finally:
            cancelled.untrack(conn)
            conn.close()


def _header(headers, name):
    for k, v in headers:
        if k.lower() == name.lower():
            return v
    return ""


class Masker:
    """Replaces every secret value, in clear and URL-encoded, and the whole
    value of auth headers, in what a connector reports."""

    MASK = "****"

    def __init__(self, secrets, auth_headers):
        forms = set()
        for s in secrets:
            for f in (s, urllib.parse.quote_plus(s), urllib.parse.quote(s, safe="")):
                if len(f) >= 4:
                    forms.add(f)
        self.secrets = sorted(forms, key=len, reverse=True)
        self.auth_headers = {h.lower() for h in auth_headers}

    def text(self, s):
        for secret in self.secrets:
            s = s.replace(secret, self.MASK)
        return s

    def body(self, b):
        b = b[:MAX_EXCHANGE_BODY]
        for secret in self.secrets:
            b = b.replace(secret.encode(), self.MASK.encode())
        return b

    def headers(self, headers):
        out = []
        for k, v in sorted(headers, key=lambda kv: kv[0].lower()):
            out.append((k, self.MASK if k.lower() in self.auth_headers else self.text(v)))
        return out
