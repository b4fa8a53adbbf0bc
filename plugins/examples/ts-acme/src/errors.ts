// Connector errors and how they travel: a gRPC status whose details carry an
// idbridge.connector.v1.AppError, so that the host shows what the app said
// and what to do about it.
import * as grpc from "@grpc/grpc-js";
import * as protobuf from "protobufjs";

import { ErrorKind } from "./generated/idbridge/connector/v1/ErrorKind.js";
import type { AppError } from "./generated/idbridge/connector/v1/AppError.js";
import type { Exchange } from "./generated/idbridge/connector/v1/Exchange.js";

export type Kind = (typeof ErrorKind)[keyof typeof ErrorKind];

const codes: Partial<Record<Kind, grpc.status>> = {
  [ErrorKind.ERROR_KIND_INVALID_SETTINGS]: grpc.status.INVALID_ARGUMENT,
  [ErrorKind.ERROR_KIND_UNAUTHENTICATED]: grpc.status.UNAUTHENTICATED,
  [ErrorKind.ERROR_KIND_PERMISSION_DENIED]: grpc.status.PERMISSION_DENIED,
  [ErrorKind.ERROR_KIND_NOT_FOUND]: grpc.status.NOT_FOUND,
  [ErrorKind.ERROR_KIND_REJECTED]: grpc.status.FAILED_PRECONDITION,
  [ErrorKind.ERROR_KIND_RATE_LIMITED]: grpc.status.RESOURCE_EXHAUSTED,
  [ErrorKind.ERROR_KIND_UNAVAILABLE]: grpc.status.UNAVAILABLE,
};

const remedies: Partial<Record<Kind, string>> = {
  [ErrorKind.ERROR_KIND_INVALID_SETTINGS]: "correct the integration's settings and test again",
  [ErrorKind.ERROR_KIND_UNAUTHENTICATED]: "the app refused the credentials: enter a valid API key in the integration's authorization",
  [ErrorKind.ERROR_KIND_PERMISSION_DENIED]: "the credentials lack a permission for this call: use a key of a user with the needed role",
  [ErrorKind.ERROR_KIND_NOT_FOUND]: "the object or URL does not exist in the app: check ids and the base URL",
  [ErrorKind.ERROR_KIND_REJECTED]: "the app refused the request as invalid: check the values sent (see the exchange)",
  [ErrorKind.ERROR_KIND_RATE_LIMITED]: "the app kept answering 429: lower the integration's rate limit or retry later",
  [ErrorKind.ERROR_KIND_UNAVAILABLE]: "the app or the network kept failing: retry later, and check the base URL and connectivity",
};

/** Maps an HTTP status to the kind the host acts on. */
export function kindForStatus(status: number): Kind {
  if (status === 401) return ErrorKind.ERROR_KIND_UNAUTHENTICATED;
  if (status === 403) return ErrorKind.ERROR_KIND_PERMISSION_DENIED;
  if (status === 404 || status === 410) return ErrorKind.ERROR_KIND_NOT_FOUND;
  if (status === 429) return ErrorKind.ERROR_KIND_RATE_LIMITED;
  if (status >= 500 || status === 0) return ErrorKind.ERROR_KIND_UNAVAILABLE;
  return ErrorKind.ERROR_KIND_REJECTED;
}

/** An error the host should see as an AppError. */
export class ConnectorError extends Error {
  httpStatus = 0;
  appCode = "";
  remedy = "";
  retryable = false;
  retryAfter = 0;
  exchange: Exchange | undefined;

  constructor(public kind: Kind, message: string, init: Partial<ConnectorError> = {}) {
    super(message);
    Object.assign(this, init);
  }

  toProto(): AppError {
    return {
      kind: this.kind,
      message: this.message,
      http_status: this.httpStatus,
      app_code: this.appCode,
      remedy: this.remedy || remedies[this.kind] || "report this to the connector's publisher with the connector's log",
      retryable: this.retryable,
      retry_after_seconds: Math.ceil(this.retryAfter),
      exchange: this.exchange,
    };
  }
}

/** The settings cannot work as given; nothing was sent. */
export function invalidSettings(message: string, remedy = ""): ConnectorError {
  return new ConnectorError(ErrorKind.ERROR_KIND_INVALID_SETTINGS, message, { remedy });
}

let appErrorType: protobuf.Type | undefined;

/** Loads the AppError type for encoding status details. */
export function useProto(root: protobuf.Root): void {
  appErrorType = root.lookupType("idbridge.connector.v1.AppError");
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

function lenField(field: number, payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(varint((field << 3) | 2)), Buffer.from(varint(payload.length)), payload]);
}

/**
 * Encodes a google.rpc.Status (code = 1, message = 2, details = 3) whose one
 * detail is the AppError, packed in a google.protobuf.Any (type_url = 1,
 * value = 2). Written out: three fields do not justify a dependency.
 */
export function statusDetails(code: number, message: string, ae: AppError): Buffer {
  if (!appErrorType) throw new Error("errors: useProto was not called");
  const value = appErrorType.encode(appErrorType.fromObject(ae)).finish();
  const any = Buffer.concat([
    lenField(1, Buffer.from("type.googleapis.com/idbridge.connector.v1.AppError")),
    lenField(2, value),
  ]);
  return Buffer.concat([Buffer.from(varint(1 << 3)), Buffer.from(varint(code)), lenField(2, Buffer.from(message)), lenField(3, any)]);
}

/** The gRPC error that carries err to the host. */
export function toServiceError(err: unknown, log?: (msg: string, fields: object) => void): grpc.ServiceError {
  let ce: ConnectorError;
  if (err instanceof ConnectorError) {
    ce = err;
  } else {
    log?.("connector failed", { error: String(err) });
    ce = new ConnectorError(ErrorKind.ERROR_KIND_INTERNAL, `connector bug: ${String(err)}`);
  }
  const ae = ce.toProto();
  const code = codes[ce.kind] ?? grpc.status.INTERNAL;
  const md = new grpc.Metadata();
  md.set("grpc-status-details-bin", statusDetails(code, ce.message, ae));
  return Object.assign(new Error(ce.message), { code, details: ce.message, metadata: md });
}
