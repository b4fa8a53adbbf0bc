// HTTP calls to the app the way the protocol expects a connector to make
// them: within its rate limit, retried when that is safe, with Retry-After
// honoured, stopped when the host cancels, and failures turned into errors
// of the protocol's kinds.
import { ConnectorError, kindForStatus } from "./errors.js";
import { ErrorKind } from "./generated/idbridge/connector/v1/ErrorKind.js";

const MAX_ATTEMPTS = 5;
const INITIAL_BACKOFF = 200;
const MAX_BACKOFF = 10_000;
// A longer Retry-After fails the call as retryable later rather than hold
// one of the host's workers for minutes.
const MAX_RETRY_AFTER = 120_000;
const TIMEOUT = 30_000;
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/** The host cancelled the call or its deadline passed. */
export class Cancelled extends Error {}

/** Resolves after ms, or rejects with Cancelled when signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Cancelled("cancelled"));
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Cancelled("cancelled"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * A token bucket: rate tokens a second, at most burst saved up. Callers
 * reserve a token and wait for it, so parallel calls queue fairly.
 */
export class Limiter {
  private tokens: number;
  private at = performance.now();

  constructor(private rate: number, private burst: number) {
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
  }

  async wait(signal: AbortSignal): Promise<void> {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    try {
      await sleep((-this.tokens / this.rate) * 1000, signal);
    } catch (e) {
      this.tokens += 1;
      throw e;
    }
  }
}

/** The final answer of a call, after retries. */
export interface Response {
  method: string;
  url: string;
  sentHeaders: [string, string][];
  sentBody: Uint8Array;
  status: number;
  headers: [string, string][];
  body: Buffer;
  attempts: number;
  durationMs: number;
}

/** Seconds to wait from a Retry-After header, in milliseconds; 0 when absent, malformed or past. */
export function parseRetryAfter(value: string | null): number {
  const v = (value ?? "").trim();
  if (!v) return 0;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const when = Date.parse(v);
  return Number.isNaN(when) ? 0 : Math.max(0, when - Date.now());
}

/** Finds the app's message and code in a JSON error body, or the first line of a text one. */
export function defaultDecodeError(body: Buffer): [string, string] {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString("utf8"));
  } catch {
    return [body.toString("utf8").trim().split("\n")[0].slice(0, 200), ""];
  }
  let message = "";
  let code = "";
  if (doc && typeof doc === "object" && !Array.isArray(doc)) {
    const d = doc as Record<string, unknown>;
    for (const k of ["message", "error_description", "detail", "error", "title"]) {
      const v = d[k];
      if (typeof v === "string" && !message) message = v;
      else if (v && typeof v === "object" && !message) message = String((v as Record<string, unknown>).message ?? "");
    }
    if (typeof d.code === "string" || typeof d.code === "number") code = String(d.code);
  }
  return [message, code];
}

export type DecodeError = (body: Buffer) => [string, string];

/** Sends calls for one connector; limiters are shared by calls with the same key and rate. */
export class Executor {
  private limiters = new Map<string, Limiter>();

  constructor(private decodeError: DecodeError = defaultDecodeError) {}

  limiter(key: string, rate: number, burst: number): Limiter {
    const id = JSON.stringify([key, rate, burst]);
    let l = this.limiters.get(id);
    if (!l) {
      l = new Limiter(rate, burst);
      this.limiters.set(id, l);
    }
    return l;
  }

  /** Sends one logical call; resolves for a success and rejects with ConnectorError otherwise. */
  async do(
    method: string, url: string, headers: [string, string][], body: Uint8Array, limiter: Limiter,
    signal: AbortSignal, idempotent = false, success: Set<number> = new Set(),
  ): Promise<Response> {
    const safe = idempotent || IDEMPOTENT.has(method);
    const started = performance.now();
    let backoff = INITIAL_BACKOFF;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw new Cancelled("cancelled");
      await limiter.wait(signal);
      let res: globalThis.Response;
      let resBody: Buffer;
      try {
        res = await fetch(url, {
          method, headers, body: body.length ? new Blob([Buffer.from(body)]) : undefined, redirect: "manual",
          signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT)]),
        });
        resBody = Buffer.from(await res.arrayBuffer());
      } catch (e) {
        if (signal.aborted) throw new Cancelled("cancelled");
        const refused = String((e as { cause?: { code?: string } }).cause?.code) === "ECONNREFUSED";
        if ((safe || refused) && attempt < MAX_ATTEMPTS) {
          backoff = await this.pause(backoff, 0, signal);
          continue;
        }
        throw new ConnectorError(ErrorKind.ERROR_KIND_UNAVAILABLE,
          `${method} ${url}: no answer after ${attempt} attempt(s): ${String((e as Error).cause ?? e)}`, { retryable: true });
      }
      const resp: Response = {
        method, url, sentHeaders: headers, sentBody: body, status: res.status,
        headers: [...res.headers.entries()], body: resBody, attempts: attempt,
        durationMs: Math.round(performance.now() - started),
      };
      if ((res.status >= 200 && res.status < 300) || success.has(res.status)) return resp;
      const wait = parseRetryAfter(res.headers.get("retry-after"));
      const retry = res.status === 429 || res.status === 503 || (res.status >= 500 && safe);
      if (retry && attempt < MAX_ATTEMPTS && wait <= MAX_RETRY_AFTER) {
        backoff = await this.pause(backoff, wait, signal);
        continue;
      }
      throw this.failure(resp, wait);
    }
  }

  private async pause(backoff: number, retryAfter: number, signal: AbortSignal): Promise<number> {
    await sleep(retryAfter > 0 ? retryAfter : backoff * (0.5 + Math.random()), signal);
    return Math.min(backoff * 2, MAX_BACKOFF);
  }

  private failure(resp: Response, retryAfter: number): ConnectorError {
    const [message, code] = this.decodeError(resp.body);
    let text = message || `HTTP ${resp.status}`;
    if (code) text += ` (app code ${code})`;
    const kind = kindForStatus(resp.status);
    const err = new ConnectorError(kind, `${resp.method} ${resp.url}: HTTP ${resp.status} after ${resp.attempts} attempt(s): ${text}`, {
      httpStatus: resp.status, appCode: code, retryAfter: retryAfter / 1000,
      retryable: kind === ErrorKind.ERROR_KIND_RATE_LIMITED || kind === ErrorKind.ERROR_KIND_UNAVAILABLE,
    });
    return Object.assign(err, { response: resp });
  }
}

/** Bodies kept in an exchange; more is cut, the admin sees the start. */
const MAX_EXCHANGE_BODY = 64 << 10;

/**
 * Replaces every secret value, in clear and URL-encoded, and the whole value
 * of auth headers, in what a connector reports.
 */
export class Masker {
  static readonly MASK = "****";
  private secrets: string[];
  private authHeaders: Set<string>;

  constructor(secrets: string[], authHeaders: string[]) {
    const forms = new Set<string>();
    for (const s of secrets) {
      for (const f of [s, encodeURIComponent(s), new URLSearchParams({ x: s }).toString().slice(2)]) {
        if (f.length >= 4) forms.add(f);
      }
    }
    this.secrets = [...forms].sort((a, b) => b.length - a.length);
    this.authHeaders = new Set(authHeaders.map((h) => h.toLowerCase()));
  }

  text(s: string): string {
    for (const secret of this.secrets) s = s.split(secret).join(Masker.MASK);
    return s;
  }

  /** Masks a body byte for byte, so that a body that is not UTF-8 reaches the admin unchanged. */
  body(b: Uint8Array): Buffer {
    let out = Buffer.from(b).subarray(0, MAX_EXCHANGE_BODY);
    const mask = Buffer.from(Masker.MASK);
    for (const secret of this.secrets) {
      const needle = Buffer.from(secret);
      const parts: Buffer[] = [];
      let from = 0;
      for (let at = out.indexOf(needle, from); at >= 0; at = out.indexOf(needle, from)) {
        parts.push(out.subarray(from, at), mask);
        from = at + needle.length;
      }
      if (parts.length) out = Buffer.concat([...parts, out.subarray(from)]);
    }
    return Buffer.from(out);
  }

  headers(h: [string, string][]): { name: string; value: string }[] {
    return [...h]
      .sort((a, b) => a[0].toLowerCase().localeCompare(b[0].toLowerCase()))
      .map(([name, value]) => ({ name, value: this.authHeaders.has(name.toLowerCase()) ? Masker.MASK : this.text(value) }));
  }
}
