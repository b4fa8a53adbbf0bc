// The Acme Directory connector in TypeScript: the same settings, endpoints
// and webhooks as the Go tutorial's connector (plugins/tutorial), declared
// with the protocol's own messages.
import { defaultDecodeError } from "./executor.js";
import type { ConnectorError } from "./errors.js";
import type { Client, Connector } from "./service.js";
import { CheckStatus } from "./generated/idbridge/connector/v1/CheckStatus.js";
import { FieldType } from "./generated/idbridge/connector/v1/FieldType.js";
import { MessageType } from "./generated/idbridge/connector/v1/MessageType.js";
import { PagingKind } from "./generated/idbridge/connector/v1/PagingKind.js";
import { SettingType } from "./generated/idbridge/connector/v1/SettingType.js";
import type { Check } from "./generated/idbridge/connector/v1/Check.js";
import type { FieldSpec } from "./generated/idbridge/connector/v1/FieldSpec.js";
import type { Paging } from "./generated/idbridge/connector/v1/Paging.js";

export const VERSION = "0.1.0";
export const DEFAULT_BASE_URL = "https://directory.acme.example";
const PAGE_SIZE = 50; // Acme serves at most 100 a page

// ?offset counts the records already read, ?limit is the page size, and a
// short page is the last.
const paging: Paging = { kind: PagingKind.PAGING_KIND_OFFSET, page_param: "offset", size_param: "limit", page_size: PAGE_SIZE };

const field = (path: string, label: string, type: FieldSpec["type"], description = ""): FieldSpec => ({ path, label, type, description });

/** Acme's error body is {"errors":[{"code","detail"}]}; anything else goes to the generic decoder. */
export function decodeError(body: Buffer): [string, string] {
  try {
    const first = JSON.parse(body.toString("utf8")).errors[0];
    if (first && typeof first === "object") return [String(first.detail ?? ""), String(first.code ?? "")];
  } catch {
    // not Acme's shape
  }
  return defaultDecodeError(body);
}

const remedies: Record<string, string> = {
  missing_key: "Acme refused the API key: create a key under Settings → API keys in Acme and enter it in the integration",
  invalid_key: "Acme refused the API key: create a key under Settings → API keys in Acme and enter it in the integration",
  forbidden: "the API key is read-only: use a key with the admin role for outbound webhooks",
  unknown_tenant: "check the tenant name in the integration's settings",
  email_taken: "the user already exists: look them up with Find user by email instead of adding them",
};

/**
 * Checks the key and whether it may change users: Acme's /me says who a key
 * belongs to and its role, so one call answers both.
 */
async function test(client: Client): Promise<{ checks: Check[]; account: string }> {
  let me: { email?: string; role?: string };
  try {
    me = ((await client.get("/v1/tenants/{tenant}/me")) ?? {}) as typeof me;
  } catch (e) {
    return { account: "", checks: [{ id: "credentials", name: "API key", status: CheckStatus.CHECK_STATUS_FAILED,
      message: (e as Error).message, remedy: "check the tenant, the base URL and the API key" }] };
  }
  const email = me.email ?? "";
  const manage: Check = { id: "manage-users", name: "Manage users (outbound)", status: CheckStatus.CHECK_STATUS_OK, message: "the key has the admin role" };
  if (me.role !== "admin") {
    manage.status = CheckStatus.CHECK_STATUS_WARNING;
    manage.message = `the key has the ${me.role} role: inbound endpoints work, outbound webhooks will be refused`;
    manage.remedy = "use a key with the admin role to add or deactivate users";
  }
  return { account: email, checks: [{ id: "credentials", name: "API key", status: CheckStatus.CHECK_STATUS_OK, message: `the API key belongs to ${email}` }, manage] };
}

/** The Acme Directory connector's declaration. */
export const acme: Connector = {
  info: {
    // The manifest's id: a host refuses an extension whose connector says otherwise.
    id: "acme-directory-ts", name: "Acme Directory (TypeScript)", version: VERSION, publisher: "idbridge",
    description: "Reads Acme Directory users and teams; adds, finds and deactivates users.",
  },
  settings: [
    { key: "tenant", label: "Tenant", type: SettingType.SETTING_TYPE_STRING, required: true, pattern: "^[a-z0-9-]{3,32}$",
      description: "Your tenant's short name, as in https://directory.acme.example/v1/tenants/<tenant>." },
    { key: "baseUrl", label: "Base URL", type: SettingType.SETTING_TYPE_URL, default_value: DEFAULT_BASE_URL,
      description: "Acme's API address; change it only for a test server." },
    { key: "apiKey", label: "API key", type: SettingType.SETTING_TYPE_STRING, required: true, secret: true,
      description: "An Acme API key with the admin role (reader keys can only list); sent as X-Acme-Key." },
    { key: "rateLimit", label: "Requests per second", type: SettingType.SETTING_TYPE_INT, default_value: "20",
      description: "Acme allows 20 requests per second per key." },
  ],
  endpoints: [
    {
      id: "list-users", name: "List users", description: "Every user of the tenant, active or not, with their team.",
      method: "GET", url: "/v1/tenants/{tenant}/users", paging, records_path: "users", primary_key: "id",
      fields: [
        field("id", "ID", FieldType.FIELD_TYPE_STRING),
        field("email", "Email", FieldType.FIELD_TYPE_STRING),
        field("name", "Name", FieldType.FIELD_TYPE_STRING),
        field("team", "Team ID", FieldType.FIELD_TYPE_STRING, "empty when the user has no team"),
        field("active", "Active", FieldType.FIELD_TYPE_BOOL, "false once the user is deactivated"),
        field("createdAt", "Created at", FieldType.FIELD_TYPE_DATETIME),
      ],
    },
    {
      id: "list-teams", name: "List teams", description: "The tenant's teams and how many active members each has.",
      method: "GET", url: "/v1/tenants/{tenant}/teams", paging, records_path: "teams", primary_key: "id",
      fields: [
        field("id", "ID", FieldType.FIELD_TYPE_STRING),
        field("name", "Name", FieldType.FIELD_TYPE_STRING),
        field("memberCount", "Active members", FieldType.FIELD_TYPE_NUMBER),
      ],
    },
  ],
  webhooks: [
    {
      id: "add-user", name: "Add user", category: "users",
      description: "Creates the user %email% named %name% in the team %teamId% (empty for none) and returns the new id.",
      method: "POST", url: "/v1/tenants/{tenant}/users", message_type: MessageType.MESSAGE_TYPE_JSON,
      body: '{"email":"%email%","name":"%name%","team":"%teamId%"}',
      outputs: [{ name: "userId", path: "id", description: "the new user's id" }],
      // A call left in doubt is settled by looking the e-mail up.
      verify: { webhook: "find-user-by-email" },
    },
    {
      id: "find-user-by-email", name: "Find user by email", category: "users",
      description: "Returns the id of the user whose e-mail is %email%; fails as not found when there is none.",
      method: "GET", url: "/v1/tenants/{tenant}/users", query: [{ name: "email", value: "%email%" }],
      outputs: [
        { name: "userId", path: "users[email=%email%].id", description: "the user's id" },
        { name: "active", path: "users[email=%email%].active", description: "whether the user is active" },
      ],
      idempotent: true,
    },
    {
      id: "deactivate-user", name: "Deactivate user", category: "users",
      description: "Deactivates the user %userId%; deactivating twice changes nothing.",
      method: "PATCH", url: "/v1/tenants/{tenant}/users/%userId%", message_type: MessageType.MESSAGE_TYPE_JSON,
      body: '{"active":false}', idempotent: true,
    },
  ],
  baseUrlSetting: "baseUrl",
  authHeader: "X-Acme-Key",
  authSetting: "apiKey",
  ratePerSecond: 20,
  burst: 5,
  rateSetting: "rateLimit",
  limitKeySetting: "tenant",
  test,
  decodeError,
  remedy: (err: ConnectorError) => remedies[err.appCode] ?? "",
};
