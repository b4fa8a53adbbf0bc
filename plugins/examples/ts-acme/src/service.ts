// The Connector service driven by a declaration: the connector says what it
// has (settings, endpoints, webhooks, auth, rate limit) and this module
// answers Describe, Test, Fetch and Invoke the way the protocol asks.
import type * as grpc from "@grpc/grpc-js";

import * as paths from "./paths.js";
import { ConnectorError, invalidSettings, toServiceError } from "./errors.js";
import { Cancelled, Executor, Masker, type DecodeError, type Limiter, type Response } from "./executor.js";
import { Capability } from "./generated/idbridge/connector/v1/Capability.js";
import { CheckStatus } from "./generated/idbridge/connector/v1/CheckStatus.js";
import { ErrorKind } from "./generated/idbridge/connector/v1/ErrorKind.js";
import { MessageType } from "./generated/idbridge/connector/v1/MessageType.js";
import { PagingKind } from "./generated/idbridge/connector/v1/PagingKind.js";
import { SettingType } from "./generated/idbridge/connector/v1/SettingType.js";
import type { Check } from "./generated/idbridge/connector/v1/Check.js";
import type { ConnectorHandlers } from "./generated/idbridge/connector/v1/Connector.js";
import type { ConnectorInfo } from "./generated/idbridge/connector/v1/ConnectorInfo.js";
import type { EndpointSpec, EndpointSpec__Output } from "./generated/idbridge/connector/v1/EndpointSpec.js";
import type { Exchange } from "./generated/idbridge/connector/v1/Exchange.js";
import type { FetchRequest__Output } from "./generated/idbridge/connector/v1/FetchRequest.js";
import type { FetchResponse } from "./generated/idbridge/connector/v1/FetchResponse.js";
import type { SettingSpec } from "./generated/idbridge/connector/v1/SettingSpec.js";
import type { WebhookSpec } from "./generated/idbridge/connector/v1/WebhookSpec.js";
import type { Struct } from "./generated/google/protobuf/Struct.js";
import type { Value } from "./generated/google/protobuf/Value.js";

export const PROTOCOL_VERSION = 1;

/** What a connector declares, in the protocol's own messages plus its auth and limits. */
export interface Connector {
  info: ConnectorInfo;
  settings: SettingSpec[];
  endpoints: EndpointSpec[];
  webhooks: WebhookSpec[];
  baseUrlSetting: string;
  authHeader: string;
  authSetting: string;
  ratePerSecond: number;
  burst: number;
  rateSetting?: string;
  limitKeySetting?: string;
  test?: (client: Client) => Promise<{ checks: Check[]; account: string }>;
  decodeError?: DecodeError;
  remedy?: (err: ConnectorError) => string;
}

const CONTENT_TYPES: Record<number, string> = {
  [MessageType.MESSAGE_TYPE_FORM]: "application/x-www-form-urlencoded",
  [MessageType.MESSAGE_TYPE_XML]: "application/xml",
  [MessageType.MESSAGE_TYPE_TEXT]: "text/plain; charset=utf-8",
};

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_.-]*)\}/g;

function expand(template: string, settings: Record<string, string>, escape: (v: string) => string): string {
  return template.replace(PLACEHOLDER, (whole, key: string) => {
    for (const [k, v] of Object.entries(settings)) {
      if (k === key || k.toLowerCase() === key.toLowerCase()) {
        if (!v) throw invalidSettings(`placeholder {${key}} has no value`, `fill the setting "${key}"`);
        return escape(v);
      }
    }
    return whole;
  });
}

/** Fills defaults and refuses missing or malformed values. */
function checkedSettings(decl: SettingSpec[], given: Record<string, string>): Record<string, string> {
  const out = { ...given };
  for (const s of decl) {
    const key = s.key ?? "";
    const v = out[key] || s.default_value || "";
    out[key] = v;
    if (!v) {
      if (s.required) throw invalidSettings(`the setting ${key} (${s.label}) is required`, `fill in ${s.label} in the integration's settings`);
      continue;
    }
    if (s.pattern && !new RegExp(s.pattern).test(v)) {
      throw invalidSettings(`the setting ${key} does not match ${s.pattern}`, `correct ${s.label} in the integration's settings`);
    }
    if (s.type === SettingType.SETTING_TYPE_URL) {
      let ok = false;
      try {
        const u = new URL(v);
        ok = (u.protocol === "http:" || u.protocol === "https:") && u.host !== "";
      } catch {
        ok = false;
      }
      if (!ok) throw invalidSettings(`the setting ${key} is not an http(s) URL`, "enter a URL such as https://example.com");
    }
    if (s.type === SettingType.SETTING_TYPE_INT && Number.isNaN(Number(v))) {
      throw invalidSettings(`the setting ${key} is not a number`, `enter a number for ${s.label}`);
    }
  }
  return out;
}

/** One call's view of the app: settings checked, auth, limiter and masker ready. Test hooks receive one. */
export class Client {
  readonly settings: Record<string, string>;
  readonly base: URL;
  readonly limiter: Limiter;
  readonly masker: Masker;

  constructor(private c: Connector, private executor: Executor, raw: Record<string, string>, readonly signal: AbortSignal) {
    this.settings = checkedSettings(c.settings, raw);
    this.base = new URL(this.settings[c.baseUrlSetting]);
    let rate = c.ratePerSecond;
    if (c.rateSetting && this.settings[c.rateSetting]) rate = Number(this.settings[c.rateSetting]);
    const key = c.limitKeySetting ? this.settings[c.limitKeySetting] ?? "" : "";
    this.limiter = executor.limiter(key, rate, c.burst);
    const secrets = c.settings.filter((s) => s.secret).map((s) => this.settings[s.key ?? ""]).filter(Boolean);
    this.masker = new Masker(secrets, [c.authHeader]);
  }

  /**
   * Resolves raw against the base URL, filling {Key} placeholders, and
   * refuses any other host so that an admin's custom definition cannot send
   * the credentials elsewhere.
   */
  url(raw: string, query: [string, string][] = []): string {
    const at = raw.indexOf("?");
    const pathPart = expand(at < 0 ? raw : raw.slice(0, at), this.settings, encodeURIComponent);
    const queryPart = at < 0 ? "" : expand(raw.slice(at + 1), this.settings, (v) => new URLSearchParams({ x: v }).toString().slice(2));
    let path: string;
    const abs = /^[a-z][a-z0-9+.-]*:\/\//i.exec(pathPart) || pathPart.startsWith("//");
    if (abs) {
      const ref = new URL(pathPart, this.base);
      if (ref.host.toLowerCase() !== this.base.host.toLowerCase() || ref.protocol !== this.base.protocol) {
        throw invalidSettings(`${ref.protocol}//${ref.host} is not the integration's base URL ${this.base.protocol}//${this.base.host}`,
          "custom endpoints and webhooks may only call the app's own base URL");
      }
      path = ref.pathname;
    } else {
      path = this.base.pathname.replace(/\/+$/, "") + "/" + pathPart.replace(/^\/+/, "");
    }
    const parts = [queryPart, new URLSearchParams(query).toString()].filter(Boolean);
    return `${this.base.protocol}//${this.base.host}${path}${parts.length ? "?" + parts.join("&") : ""}`;
  }

  /** Sends one call with the connector's auth and limits. */
  async send(method: string, raw: string, opts: {
    query?: [string, string][]; headers?: [string, string][]; body?: Uint8Array; contentType?: string;
    idempotent?: boolean; success?: Set<number>;
  } = {}): Promise<Response> {
    const headers: [string, string][] = (opts.headers ?? []).map(([k, v]) => [k, expand(v, this.settings, (x) => x)]);
    headers.push([this.c.authHeader, this.settings[this.c.authSetting] ?? ""], ["Accept", "application/json"]);
    const body = opts.body ?? new Uint8Array();
    if (body.length) headers.push(["Content-Type", opts.contentType || "application/json"]);
    const url = this.url(raw, opts.query);
    try {
      return await this.executor.do(method, url, headers, body, this.limiter, this.signal, opts.idempotent, opts.success);
    } catch (e) {
      if (e instanceof ConnectorError) {
        e.message = this.masker.text(e.message);
        const resp = (e as ConnectorError & { response?: Response }).response;
        if (resp) e.exchange = this.exchange(resp);
      }
      throw e;
    }
  }

  async get(raw: string): Promise<unknown> {
    const resp = await this.send("GET", raw);
    return resp.body.length ? JSON.parse(resp.body.toString("utf8")) : null;
  }

  /** The call as it crossed the wire, secrets masked. */
  exchange(resp: Response): Exchange {
    const m = this.masker;
    return {
      request: { method: resp.method, url: m.text(resp.url), headers: m.headers(resp.sentHeaders), body: m.body(resp.sentBody) },
      response: { status: resp.status, headers: m.headers(resp.headers), body: m.body(resp.body) },
      attempts: resp.attempts,
      duration_ms: resp.durationMs,
    };
  }
}

function toValue(v: unknown): Value {
  if (v === null || v === undefined) return { nullValue: "NULL_VALUE" };
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "number") return { numberValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  return { structValue: toStruct(v as Record<string, unknown>) };
}

function toStruct(o: Record<string, unknown>, keep?: Set<string>): Struct {
  const fields: Record<string, Value> = {};
  for (const [k, v] of Object.entries(o)) {
    if (!keep || keep.size === 0 || keep.has(k)) fields[k] = toValue(v);
  }
  return { fields };
}

function header(headers: [string, string][], name: string): string {
  return headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? "";
}

/** Answers the protocol's four RPCs for one declared connector. */
export function handlers(c: Connector, log: (level: string, msg: string, fields?: object) => void): ConnectorHandlers {
  const executor = new Executor(c.decodeError);
  const endpoints = new Map(c.endpoints.map((e) => [e.id ?? "", e]));
  const webhooks = new Map(c.webhooks.map((w) => [w.id ?? "", w]));

  const client = (settings: Record<string, string>, call: { on(event: "cancelled", listener: () => void): unknown }) => {
    const abort = new AbortController();
    call.on("cancelled", () => abort.abort());
    return new Client(c, executor, settings, abort.signal);
  };
  const fail = (e: unknown): grpc.ServiceError => {
    if (e instanceof Cancelled) {
      e = new ConnectorError(ErrorKind.ERROR_KIND_UNAVAILABLE, "the call was cancelled or ran out of time",
        { retryable: true, remedy: "the call was cancelled or ran out of time; retry it" });
    }
    if (e instanceof ConnectorError && e.httpStatus && c.remedy && !e.remedy) e.remedy = c.remedy(e);
    return toServiceError(e, (msg, fields) => log("error", msg, fields));
  };

  async function* pages(cl: Client, ep: EndpointSpec | EndpointSpec__Output, req: FetchRequest__Output): AsyncGenerator<FetchResponse> {
    const keep = new Set(req.fields.map((f) => f.split("[")[0].split(".")[0]));
    const pg = ep.paging ?? {};
    const pageSize = pg.page_size || 50;
    let number = pg.first_page || 1;
    let offset = 0;
    let cursor = "";
    for (let page = 1; ; page++) {
      const query: [string, string][] = (ep.query ?? []).map((q) => [q.name ?? "", q.value ?? ""]);
      if (pg.kind === PagingKind.PAGING_KIND_PAGE_NUMBER) query.push([pg.page_param ?? "", String(number)], [pg.size_param ?? "", String(pageSize)]);
      else if (pg.kind === PagingKind.PAGING_KIND_OFFSET) query.push([pg.page_param ?? "", String(offset)], [pg.size_param ?? "", String(pageSize)]);
      else if (pg.kind === PagingKind.PAGING_KIND_CURSOR) {
        if (pg.size_param) query.push([pg.size_param, String(pageSize)]);
        if (cursor) query.push([pg.page_param ?? "", cursor]);
      }
      const resp = await cl.send(ep.method || "GET", ep.url ?? "", {
        query, headers: (ep.headers ?? []).map((h) => [h.name ?? "", h.value ?? ""]), idempotent: true,
      });
      const doc: unknown = resp.body.length ? JSON.parse(resp.body.toString("utf8")) : null;
      const at = ep.records_path ? paths.get(doc, ep.records_path) : { found: true, value: doc };
      const records = at.found ? at.value : [];
      if (!Array.isArray(records)) {
        throw invalidSettings(`records_path ${JSON.stringify(ep.records_path)} is not a list in the answer`, "correct the endpoint's records path");
      }
      const structs = records.filter((r) => r && typeof r === "object" && !Array.isArray(r)).map((r) => toStruct(r, keep));
      const size = req.batch_size || structs.length || 1;
      for (let i = 0; i < Math.max(structs.length, 1); i += size) {
        const msg: FetchResponse = { records: structs.slice(i, i + size), page };
        if (page === 1 && i === 0 && req.include_exchange) msg.exchange = cl.exchange(resp);
        if (msg.records!.length || msg.exchange) yield msg;
      }
      if (req.max_pages && page >= req.max_pages) return;
      if (pg.kind === PagingKind.PAGING_KIND_UNSPECIFIED || pg.kind === PagingKind.PAGING_KIND_NONE || !pg.kind || records.length === 0) return;
      if (pg.last_page_header && header(resp.headers, pg.last_page_header).toLowerCase() === "true") return;
      if (pg.kind === PagingKind.PAGING_KIND_CURSOR) {
        const next = paths.get(doc, pg.cursor_path ?? "");
        if (!next.found || !next.value) return;
        cursor = String(next.value);
        continue;
      }
      if (records.length < pageSize) return;
      number++;
      offset += records.length;
    }
  }

  return {
    Describe(_call, callback) {
      const caps: number[] = [Capability.CAPABILITY_FETCH, Capability.CAPABILITY_INVOKE,
        Capability.CAPABILITY_CUSTOM_ENDPOINTS, Capability.CAPABILITY_CUSTOM_WEBHOOKS];
      if (c.test) caps.push(Capability.CAPABILITY_TEST_PERMISSIONS);
      callback(null, {
        info: c.info, protocol_version: PROTOCOL_VERSION, capabilities: caps as never,
        settings: c.settings, endpoints: c.endpoints, webhooks: c.webhooks,
        rate_limit: { requests_per_second: c.ratePerSecond, burst: c.burst },
      });
    },

    Test(call, callback) {
      let cl: Client;
      try {
        cl = client(call.request.settings, call);
      } catch (e) {
        const ce = e as ConnectorError;
        callback(null, { ok: false, checks: [{ id: "settings", name: "Settings", status: CheckStatus.CHECK_STATUS_FAILED, message: ce.message, remedy: ce.remedy }] });
        return;
      }
      if (!c.test) {
        callback(null, { ok: true, checks: [{ id: "credentials", name: "Connection test", status: CheckStatus.CHECK_STATUS_SKIPPED,
          message: "the connector declares no connection test; the settings are well formed" }] });
        return;
      }
      c.test(cl).then(({ checks, account }) => {
        const ok = checks.every((ch) => ch.status !== CheckStatus.CHECK_STATUS_FAILED);
        callback(null, { ok, checks, account });
      }, (e) => callback(fail(e)));
    },

    Fetch(call) {
      (async () => {
        const cl = client(call.request.settings, call);
        const req = call.request;
        let ep: EndpointSpec | EndpointSpec__Output | undefined;
        if (req.endpoint === "custom" && req.custom) ep = req.custom;
        else {
          ep = endpoints.get(req.endpoint_id ?? "");
          if (!ep) throw invalidSettings(`no endpoint ${JSON.stringify(req.endpoint_id)}`, "use an endpoint the connector declares (see Describe)");
        }
        for await (const msg of pages(cl, ep, req)) {
          if (!call.write(msg)) await new Promise((resolve) => call.once("drain", resolve));
        }
        call.end();
      })().catch((e) => call.emit("error", fail(e)));
    },

    Invoke(call, callback) {
      (async () => {
        const cl = client(call.request.settings, call);
        const req = call.request;
        const rc = req.call;
        if (!rc) throw invalidSettings("the invoke request carries no rendered call", "report this to the idbridge host's maintainers");
        let wh: WebhookSpec | undefined;
        if (req.webhook_id) {
          wh = webhooks.get(req.webhook_id);
          if (!wh) throw invalidSettings(`no webhook ${JSON.stringify(req.webhook_id)}`, "use a webhook the connector declares (see Describe)");
        }
        const method = rc.method || wh?.method || "";
        if (!["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].includes(method)) {
          throw invalidSettings(`method ${JSON.stringify(method)} is not an HTTP method`, "correct the webhook's method");
        }
        const success = new Set([...req.success_statuses, ...(wh?.success_statuses ?? [])]);
        const outputs = req.outputs.length ? req.outputs : (wh?.outputs ?? []);
        const resp = await cl.send(method, rc.url, {
          query: rc.query.map((q) => [q.name, q.value]), headers: rc.headers.map((h) => [h.name, h.value]),
          body: rc.body, contentType: CONTENT_TYPES[rc.message_type as number] ?? "application/json",
          idempotent: Boolean(wh?.idempotent), success,
        });
        const exchange = cl.exchange(resp);
        const values: Record<string, unknown> = {};
        if (outputs.length) {
          let doc: unknown = null;
          try {
            doc = JSON.parse(resp.body.toString("utf8"));
          } catch {
            doc = null;
          }
          for (const o of outputs) {
            let at;
            try {
              at = paths.get(doc, o.path ?? "");
            } catch (e) {
              throw invalidSettings(String((e as Error).message), "correct the webhook's output paths");
            }
            if (!at.found) {
              throw new ConnectorError(ErrorKind.ERROR_KIND_NOT_FOUND, cl.masker.text(`output ${o.name} (${o.path}) is not in the answer`), {
                httpStatus: resp.status, exchange,
                remedy: "the app answered but without the expected value: check that the object exists (see the exchange)",
              });
            }
            values[o.name ?? ""] = at.value;
          }
        }
        return { exchange, outputs: toStruct(values) };
      })().then((r) => callback(null, r), (e) => callback(fail(e)));
    },
  };
}
