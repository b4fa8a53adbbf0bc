"""The Acme Directory connector in Python: the same settings, endpoints and
webhooks as the Go tutorial's connector (plugins/tutorial), declared with the
protocol's own messages."""

import json

from idbridge_connector import executor
from idbridge_connector.service import Connector
from connector.v1 import connector_pb2 as pb

VERSION = "0.1.0"
DEFAULT_BASE_URL = "https://directory.acme.example"
PAGE_SIZE = 50  # Acme serves at most 100 a page

SETTINGS = [
    pb.SettingSpec(key="tenant", label="Tenant", type=pb.SETTING_TYPE_STRING, required=True,
                   pattern="^[a-z0-9-]{3,32}$",
                   description="Your tenant's short name, as in https://directory.acme.example/v1/tenants/<tenant>."),
    pb.SettingSpec(key="baseUrl", label="Base URL", type=pb.SETTING_TYPE_URL, default_value=DEFAULT_BASE_URL,
                   description="Acme's API address; change it only for a test server."),
    pb.SettingSpec(key="apiKey", label="API key", type=pb.SETTING_TYPE_STRING, required=True, secret=True,
                   description="An Acme API key with the admin role (reader keys can only list); sent as X-Acme-Key."),
    pb.SettingSpec(key="rateLimit", label="Requests per second", type=pb.SETTING_TYPE_INT, default_value="20",
                   description="Acme allows 20 requests per second per key."),
]

# ?offset counts the records already read, ?limit is the page size, and a
# short page is the last.
PAGING = pb.Paging(kind=pb.PAGING_KIND_OFFSET, page_param="offset", size_param="limit", page_size=PAGE_SIZE)


def _field(path, label, kind, description=""):
    return pb.FieldSpec(path=path, label=label, type=kind, description=description)


ENDPOINTS = [
    pb.EndpointSpec(
        id="list-users", name="List users", description="Every user of the tenant, active or not, with their team.",
        method="GET", url="/v1/tenants/{tenant}/users", paging=PAGING, records_path="users", primary_key="id",
        fields=[
            _field("id", "ID", pb.FIELD_TYPE_STRING),
            _field("email", "Email", pb.FIELD_TYPE_STRING),
            _field("name", "Name", pb.FIELD_TYPE_STRING),
            _field("team", "Team ID", pb.FIELD_TYPE_STRING, "empty when the user has no team"),
            _field("active", "Active", pb.FIELD_TYPE_BOOL, "false once the user is deactivated"),
            _field("createdAt", "Created at", pb.FIELD_TYPE_DATETIME),
        ]),
    pb.EndpointSpec(
        id="list-teams", name="List teams", description="The tenant's teams and how many active members each has.",
        method="GET", url="/v1/tenants/{tenant}/teams", paging=PAGING, records_path="teams", primary_key="id",
        fields=[
            _field("id", "ID", pb.FIELD_TYPE_STRING),
            _field("name", "Name", pb.FIELD_TYPE_STRING),
            _field("memberCount", "Active members", pb.FIELD_TYPE_NUMBER),
        ]),
]

WEBHOOKS = [
    pb.WebhookSpec(
        id="add-user", name="Add user", category="users",
        description="Creates the user %email% named %name% in the team %teamId% (empty for none) and returns the new id.",
        method="POST", url="/v1/tenants/{tenant}/users", message_type=pb.MESSAGE_TYPE_JSON,
        body='{"email":"%email%","name":"%name%","team":"%teamId%"}',
        outputs=[pb.OutputSpec(name="userId", path="id", description="the new user's id")],
        # A call left in doubt is settled by looking the e-mail up.
        verify=pb.VerifySpec(webhook="find-user-by-email")),
    pb.WebhookSpec(
        id="find-user-by-email", name="Find user by email", category="users",
        description="Returns the id of the user whose e-mail is %email%; fails as not found when there is none.",
        method="GET", url="/v1/tenants/{tenant}/users", query=[pb.KeyValue(name="email", value="%email%")],
        outputs=[pb.OutputSpec(name="userId", path="users[email=%email%].id", description="the user's id"),
                 pb.OutputSpec(name="active", path="users[email=%email%].active", description="whether the user is active")],
        idempotent=True),
    pb.WebhookSpec(
        id="deactivate-user", name="Deactivate user", category="users",
        description="Deactivates the user %userId%; deactivating twice changes nothing.",
        method="PATCH", url="/v1/tenants/{tenant}/users/%userId%", message_type=pb.MESSAGE_TYPE_JSON,
        body='{"active":false}', idempotent=True),
]


def decode_error(body):
    """Acme's error body is {"errors":[{"code","detail"}]}; anything else (a
    proxy's page, say) goes to the generic decoder."""
    try:
        doc = json.loads(body.decode("utf-8"))
        first = doc["errors"][0]
        return str(first.get("detail", "")), str(first.get("code", ""))
    except (ValueError, UnicodeDecodeError, KeyError, IndexError, TypeError, AttributeError):
        return executor.default_decode_error(body)


_REMEDIES = {
    "missing_key": "Acme refused the API key: create a key under Settings → API keys in Acme and enter it in the integration",
    "invalid_key": "Acme refused the API key: create a key under Settings → API keys in Acme and enter it in the integration",
    "forbidden": "the API key is read-only: use a key with the admin role for outbound webhooks",
    "unknown_tenant": "check the tenant name in the integration's settings",
    "email_taken": "the user already exists: look them up with Find user by email instead of adding them",
}


def remedy(err):
    """Advice for Acme's own error codes; "" keeps the generic advice."""
    return _REMEDIES.get(err.app_code, "")


def test(client):
    """Checks the key and whether it may change users: Acme's /me says who a
    key belongs to and its role, so one call answers both."""
    try:
        me = client.get("/v1/tenants/{tenant}/me").json() or {}
    except Exception as e:  # reported as a failed check, not an RPC error
        return [pb.Check(id="credentials", name="API key", status=pb.CHECK_STATUS_FAILED,
                         message=getattr(e, "message", str(e)),
                         remedy="check the tenant, the base URL and the API key")], ""
    email, role = me.get("email", ""), me.get("role", "")
    checks = [pb.Check(id="credentials", name="API key", status=pb.CHECK_STATUS_OK,
                       message="the API key belongs to %s" % email)]
    manage = pb.Check(id="manage-users", name="Manage users (outbound)", status=pb.CHECK_STATUS_OK,
                      message="the key has the admin role")
    if role != "admin":
        manage.status = pb.CHECK_STATUS_WARNING
        manage.message = "the key has the %s role: inbound endpoints work, outbound webhooks will be refused" % role
        manage.remedy = "use a key with the admin role to add or deactivate users"
    checks.append(manage)
    return checks, email


def connector():
    """The Acme Directory connector's declaration."""
    return Connector(
        info=pb.ConnectorInfo(
            # The manifest's id: a host refuses an extension whose connector says otherwise.
            id="acme-directory-python", name="Acme Directory (Python)", version=VERSION, publisher="idbridge",
            description="Reads Acme Directory users and teams; adds, finds and deactivates users."),
        settings=SETTINGS, endpoints=ENDPOINTS, webhooks=WEBHOOKS,
        base_url_setting="baseUrl", auth_header="X-Acme-Key", auth_setting="apiKey",
        rate_per_second=20, burst=5, rate_setting="rateLimit", limit_key_setting="tenant",
        test=test, decode_error=decode_error, remedy=remedy)
