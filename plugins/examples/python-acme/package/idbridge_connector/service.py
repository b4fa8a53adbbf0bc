"""The Connector service driven by a declaration: the connector says what
it has (settings, endpoints, webhooks, auth, rate limit) and this module
answers Describe, Test, Fetch and Invoke the way the protocol asks."""

import json
import re
import urllib.parse

from google.protobuf import struct_pb2

from connector.v1 import connector_pb2 as pb
from connector.v1 import connector_pb2_grpc

from . import paths
from .errors import ConnectorError, KIND, abort, invalid_settings
from .executor import Cancellation, Cancelled, Executor, Masker

PROTOCOL_VERSION = 1

_PLACEHOLDER = re.compile(r"\{([A-Za-z][A-Za-z0-9_.-]*)\}")

_CONTENT_TYPES = {
    pb.MESSAGE_TYPE_FORM: "application/x-www-form-urlencoded",
    pb.MESSAGE_TYPE_XML: "application/xml",
    pb.MESSAGE_TYPE_TEXT: "text/plain; charset=utf-8",
}


class Connector:
    """What a connector declares. Settings, endpoints and webhooks are the
    protocol's own messages, so what the author writes is what Describe
    sends."""

    def __init__(self, info, settings, endpoints, webhooks, base_url_setting, auth_header,
                 auth_setting, rate_per_second, burst, rate_setting="", limit_key_setting="",
                 test=None, decode_error=None, remedy=None):
        self.info = info
        self.settings = settings
        self.endpoints = {e.id: e for e in endpoints}
        self.endpoint_order = list(endpoints)
        self.webhooks = {w.id: w for w in webhooks}
        self.webhook_order = list(webhooks)
        self.base_url_setting = base_url_setting
        self.auth_header = auth_header
        self.auth_setting = auth_setting
        self.rate_per_second = rate_per_second
        self.burst = burst
        self.rate_setting = rate_setting
        self.limit_key_setting = limit_key_setting
        self.test = test
        self.decode_error = decode_error
        self.remedy = remedy


class Client:
    """One call's view of the app: settings checked, base URL parsed, auth,
    limiter and masker ready. Test hooks receive one."""

    def __init__(self, connector, executor, raw_settings, cancelled):
        self.connector = connector
        self.executor = executor
        self.cancelled = cancelled
        self.settings = _checked_settings(connector.settings, raw_settings)
        self.base = urllib.parse.urlsplit(self.settings[connector.base_url_setting])
        rate = connector.rate_per_second
        if connector.rate_setting and self.settings.get(connector.rate_setting):
            rate = float(self.settings[connector.rate_setting])
        key = self.settings.get(connector.limit_key_setting, "") if connector.limit_key_setting else ""
        self.limiter = executor.limiter(key, rate, connector.burst)
        secrets = [self.settings.get(s.key, "") for s in connector.settings if s.secret]
        self.masker = Masker([s for s in secrets if s], [connector.auth_header])

    def url(self, raw, query=()):
        """Resolves raw against the base URL, filling {Key} placeholders, and
        refuses any other host so that an admin's custom definition cannot
        send the credentials elsewhere."""
        path, _, q = raw.partition("?")
        path = _expand(path, self.settings, lambda v: urllib.parse.quote(v, safe=""))
        q = _expand(q, self.settings, lambda v: urllib.parse.quote_plus(v))
        ref = urllib.parse.urlsplit(path)
        if ref.scheme or ref.netloc:
            if ref.netloc.lower() != self.base.netloc.lower() or (ref.scheme and ref.scheme != self.base.scheme):
                raise invalid_settings(
                    "%s://%s is not the integration's base URL %s://%s" % (ref.scheme, ref.netloc, self.base.scheme, self.base.netloc),
                    "custom endpoints and webhooks may only call the app's own base URL")
            full = ref.path
        else:
            full = self.base.path.rstrip("/") + "/" + ref.path.lstrip("/")
        parts = [p for p in (q, urllib.parse.urlencode(list(query))) if p]
        return urllib.parse.urlunsplit((self.base.scheme, self.base.netloc, full, "&".join(parts), ""))

    def send(self, method, raw_url, query=(), headers=(), body=b"", content_type="", idempotent=False, success=()):
        """Sends one call with the connector's auth and limits."""
        h = [(k, _expand(v, self.settings, str)) for k, v in headers]
        h.append((self.connector.auth_header, self.settings.get(self.connector.auth_setting, "")))
        h.append(("Accept", "application/json"))
        if body:
            h.append(("Content-Type", content_type or "application/json"))
        url = self.url(raw_url, query)
        try:
            return self.executor.do(method, url, h, body, self.limiter, self.cancelled, idempotent, success)
        except ConnectorError as e:
            e.message = self.masker.text(e.message)
            if getattr(e, "response", None) is not None:
                e.exchange = self.exchange(e.response)
            raise

    def get(self, raw_url):
        return self.send("GET", raw_url)

    def exchange(self, resp):
        """The call as it crossed the wire, secrets masked."""
        m = self.masker
        return pb.Exchange(
            request=pb.HTTPRequest(
                method=resp.method, url=m.text(resp.url),
                headers=[pb.KeyValue(name=k, value=v) for k, v in m.headers(resp.sent_headers)],
                body=m.body(resp.sent_body or b"")),
            response=pb.HTTPResponse(
                status=resp.status,
                headers=[pb.KeyValue(name=k, value=v) for k, v in m.headers(resp.headers)],
                body=m.body(resp.body)),
            attempts=resp.attempts, duration_ms=int(resp.duration * 1000))


def _checked_settings(decl, given):
    """Fills defaults and refuses missing or malformed values."""
    out = dict(given)
    for s in decl:
        v = out.get(s.key, "") or s.default_value
        out[s.key] = v
        if not v:
            if s.required:
                raise invalid_settings("the setting %s (%s) is required" % (s.key, s.label),
                                       "fill in %s in the integration's settings" % s.label)
            continue
        if s.pattern and not re.search(s.pattern, v):
            raise invalid_settings("the setting %s does not match %s" % (s.key, s.pattern),
                                   "correct %s in the integration's settings" % s.label)
        if s.type == pb.SETTING_TYPE_URL:
            u = urllib.parse.urlsplit(v)
            if u.scheme not in ("http", "https") or not u.netloc:
                raise invalid_settings("the setting %s is not an http(s) URL" % s.key,
                                       "enter a URL such as https://example.com")
        if s.type == pb.SETTING_TYPE_INT:
            try:
                float(v)
            except ValueError:
                raise invalid_settings("the setting %s is not a number" % s.key,
                                       "enter a number for %s" % s.label)
    return out


def _expand(template, settings, escape):
    def fill(m):
        key = m.group(1)
        for k, v in settings.items():
            if k == key or k.lower() == key.lower():
                if not v:
                    raise invalid_settings("placeholder {%s} has no value" % key,
                                           "fill the setting %r" % key)
                return escape(v)
        return m.group(0)
    return _PLACEHOLDER.sub(fill, template)


def _struct(d):
    s = struct_pb2.Struct()
    s.update(d)
    return s


class Servicer(connector_pb2_grpc.ConnectorServicer):
    """Answers the protocol's four RPCs for one declared connector."""

    logger = None

    def __init__(self, connector):
        self.c = connector
        self.executor = Executor(connector.decode_error)

    # --- plumbing ---------------------------------------------------------

    def _client(self, settings, context):
        cancelled = Cancellation()
        context.add_callback(cancelled.cancel)
        return Client(self.c, self.executor, settings, cancelled)

    def _fail(self, context, err):
        if isinstance(err, Cancelled):
            err = ConnectorError(KIND.Value("ERROR_KIND_UNAVAILABLE"), "the call was cancelled or ran out of time",
                                 retryable=True, remedy="the call was cancelled or ran out of time; retry it")
        elif not isinstance(err, ConnectorError):
            if self.logger:
                self.logger.error("connector failed", error=repr(err))
            err = ConnectorError(KIND.Value("ERROR_KIND_INTERNAL"), "connector bug: %r" % err)
        if err.http_status and self.c.remedy and not err.remedy:
            err.remedy = self.c.remedy(err)
        abort(context, err)

    # --- RPCs -------------------------------------------------------------

    def Describe(self, request, context):
        caps = [pb.CAPABILITY_FETCH, pb.CAPABILITY_INVOKE, pb.CAPABILITY_CUSTOM_ENDPOINTS,
                pb.CAPABILITY_CUSTOM_WEBHOOKS]
        if self.c.test:
            caps.append(pb.CAPABILITY_TEST_PERMISSIONS)
        return pb.DescribeResponse(
            info=self.c.info, protocol_version=PROTOCOL_VERSION, capabilities=caps,
            settings=self.c.settings, endpoints=self.c.endpoint_order, webhooks=self.c.webhook_order,
            rate_limit=pb.RateLimit(requests_per_second=self.c.rate_per_second, burst=self.c.burst))

    def Test(self, request, context):
        try:
            client = self._client(request.settings, context)
        except ConnectorError as e:
            return pb.TestResponse(ok=False, checks=[pb.Check(
                id="settings", name="Settings", status=pb.CHECK_STATUS_FAILED,
                message=e.message, remedy=e.remedy)])
        if self.c.test is None:
            return pb.TestResponse(ok=True, checks=[pb.Check(
                id="credentials", name="Connection test", status=pb.CHECK_STATUS_SKIPPED,
                message="the connector declares no connection test; the settings are well formed")])
        try:
            checks, account = self.c.test(client)
        except Exception as e:  # a test hook reports, it never breaks the RPC
            return self._fail(context, e)
        ok = all(ch.status in (pb.CHECK_STATUS_OK, pb.CHECK_STATUS_WARNING, pb.CHECK_STATUS_SKIPPED) for ch in checks)
        return pb.TestResponse(ok=ok, checks=checks, account=account)

    def Fetch(self, request, context):
        try:
            client = self._client(request.settings, context)
            which = request.WhichOneof("endpoint")
            if which == "custom":
                ep = request.custom
            else:
                ep = self.c.endpoints.get(request.endpoint_id)
                if ep is None:
                    raise invalid_settings("no endpoint %r" % request.endpoint_id,
                                           "use an endpoint the connector declares (see Describe)")
            yield from self._pages(client, ep, request)
        except Exception as e:
            self._fail(context, e)

    def _pages(self, client, ep, request):
        keep = {f.split("[")[0].split(".")[0] for f in request.fields}
        pg = ep.paging
        page_size = pg.page_size or 50
        number = pg.first_page or 1
        offset = 0
        cursor = ""
        page = 0
        while True:
            page += 1
            query = [(q.name, q.value) for q in ep.query]
            if pg.kind == pb.PAGING_KIND_PAGE_NUMBER:
                query += [(pg.page_param, str(number)), (pg.size_param, str(page_size))]
            elif pg.kind == pb.PAGING_KIND_OFFSET:
                query += [(pg.page_param, str(offset)), (pg.size_param, str(page_size))]
            elif pg.kind == pb.PAGING_KIND_CURSOR:
                if pg.size_param:
                    query.append((pg.size_param, str(page_size)))
                if cursor:
                    query.append((pg.page_param, cursor))
            resp = client.send(ep.method or "GET", ep.url, query,
                               [(h.name, h.value) for h in ep.headers], idempotent=True)
            doc = resp.json()
            try:
                records = paths.get(doc, ep.records_path) if ep.records_path else doc
            except KeyError:
                records = []
            if not isinstance(records, list):
                raise invalid_settings("records_path %r is not a list in the answer" % ep.records_path,
                                       "correct the endpoint's records path")
            structs = [_struct({k: v for k, v in r.items() if not keep or k in keep})
                       for r in records if isinstance(r, dict)]
            size = request.batch_size or len(structs) or 1
            first = True
            for i in range(0, max(len(structs), 1), size):
                msg = pb.FetchResponse(records=structs[i:i + size], page=page)
                if page == 1 and first and request.include_exchange:
                    msg.exchange.CopyFrom(client.exchange(resp))
                if msg.records or msg.HasField("exchange"):
                    yield msg
                first = False
            if request.max_pages and page >= request.max_pages:
                return
            if pg.kind in (pb.PAGING_KIND_UNSPECIFIED, pb.PAGING_KIND_NONE) or not records:
                return
            if pg.last_page_header and _header(resp.headers, pg.last_page_header).lower() == "true":
                return
            if pg.kind == pb.PAGING_KIND_CURSOR:
                try:
                    cursor = paths.get(doc, pg.cursor_path)
                except KeyError:
                    cursor = ""
                if not cursor:
                    return
                cursor = str(cursor)
                continue
            if len(records) < page_size:
                return
            number += 1
            offset += len(records)

    def Invoke(self, request, context):
        try:
            client = self._client(request.settings, context)
            call = request.call
            wh = None
            if request.webhook_id:
                wh = self.c.webhooks.get(request.webhook_id)
                if wh is None:
                    raise invalid_settings("no webhook %r" % request.webhook_id,
                                           "use a webhook the connector declares (see Describe)")
            method = call.method or (wh.method if wh else "")
            if method not in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"):
                raise invalid_settings("method %r is not an HTTP method" % method, "correct the webhook's method")
            success = set(request.success_statuses) | set(wh.success_statuses if wh else [])
            outputs = list(request.outputs) or list(wh.outputs if wh else [])
            resp = client.send(method, call.url, [(q.name, q.value) for q in call.query],
                               [(h.name, h.value) for h in call.headers], call.body,
                               _CONTENT_TYPES.get(call.message_type, "application/json"),
                               idempotent=bool(wh and wh.idempotent), success=success)
            exchange = client.exchange(resp)
            values = {}
            if outputs:
                try:
                    doc = resp.json()
                except ValueError:
                    doc = None
                for o in outputs:
                    try:
                        values[o.name] = paths.get(doc, o.path)
                    except paths.PathError as e:
                        raise invalid_settings(str(e), "correct the webhook's output paths")
                    except (KeyError, TypeError):
                        raise ConnectorError(
                            KIND.Value("ERROR_KIND_NOT_FOUND"),
                            client.masker.text("output %s (%s) is not in the answer" % (o.name, o.path)),
                            http_status=resp.status, exchange=exchange,
                            remedy="the app answered but without the expected value: check that the object exists (see the exchange)")
            return pb.InvokeResponse(exchange=exchange, outputs=_struct(values))
        except Exception as e:
            self._fail(context, e)


def _header(headers, name):
    for k, v in headers:
        if k.lower() == name.lower():
            return v
    return ""
