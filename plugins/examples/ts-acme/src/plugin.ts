// The process side of the protocol: how a connector starts, says where it
// listens, secures the link and stops. See docs/connectors/protocol.md.
import { randomBytes } from "node:crypto";
import { unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import * as protobuf from "protobufjs";

import { useProto } from "./errors.js";
import { handlers, type Connector } from "./service.js";
import type { ProtoGrpcType } from "./generated/connector.js";

export const MAGIC_COOKIE_KEY = "IDBRIDGE_CONNECTOR_PLUGIN";
export const MAGIC_COOKIE_VALUE = "5b9d1c0e-idbridge-connector";
const CORE_PROTOCOL_VERSION = 1;
const PROTOCOL_VERSIONS = [1];

const ENV_SERVER_CERT = "IDBRIDGE_PLUGIN_SERVER_CERT";
const ENV_SERVER_KEY = "IDBRIDGE_PLUGIN_SERVER_KEY";
const ENV_CLIENT_CERT = "PLUGIN_CLIENT_CERT";

// The options the types in src/generated were made with.
const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, defaults: true, oneofs: true };

/**
 * Writes one JSON object a line on stderr, the form go-plugin turns into
 * structured host log lines under the connector's name.
 */
export function logger(name: string) {
  return (level: string, message: string, fields: object = {}) => {
    const at = new Date().toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
    process.stderr.write(JSON.stringify({ "@level": level, "@message": message, "@module": name, "@timestamp": at, ...fields }) + "\n");
  };
}

/** Picks the newest protocol version both sides speak from PLUGIN_PROTOCOL_VERSIONS. */
export function negotiate(offered: string): number {
  const host = offered.split(",").map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
  const common = PROTOCOL_VERSIONS.filter((v) => host.includes(v));
  // With nothing in common, answer with our newest: the host then refuses us
  // with a message that names the side to upgrade.
  return Math.max(...(common.length ? common : PROTOCOL_VERSIONS));
}

/**
 * Serves with the certificate and key the host made for this process,
 * accepting only the host's certificate. The key leaves the environment at
 * once so that nothing else in the process can read it.
 */
function credentials(): grpc.ServerCredentials {
  const cert = process.env[ENV_SERVER_CERT] ?? "";
  const key = process.env[ENV_SERVER_KEY] ?? "";
  const client = process.env[ENV_CLIENT_CERT] ?? "";
  delete process.env[ENV_SERVER_CERT];
  delete process.env[ENV_SERVER_KEY];
  if (cert && key && client) {
    return grpc.ServerCredentials.createSsl(Buffer.from(client), [{ private_key: Buffer.from(key), cert_chain: Buffer.from(cert) }], true);
  }
  if (client) {
    throw new Error(`the host asked for mutual TLS without handing over a server certificate (${ENV_SERVER_CERT}); this connector needs an idbridge host that sets it`);
  }
  return grpc.ServerCredentials.createInsecure();
}

const raw = {
  serialize: (b: Buffer) => b,
  deserialize: (b: Buffer) => b,
};

/** Serves the Connector service until the host stops the process. */
export function serve(connector: Connector, protoFile: string): void {
  const log = logger(connector.info.id ?? "connector");
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    process.stderr.write("This is an idbridge connector: the idbridge host starts it. Install its extension, " +
      "or try it with `idbridge plugin describe PATH` or `idbridge plugin conform PATH`.\n");
    process.exit(1);
  }
  const version = negotiate(process.env.PLUGIN_PROTOCOL_VERSIONS ?? "");
  const creds = credentials();

  const definition = protoLoader.loadSync(protoFile, LOADER_OPTIONS);
  const proto = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  useProto(new protobuf.Root().loadSync(protoFile, { keepCase: true }));

  const server = new grpc.Server({ "grpc.max_receive_message_length": 64 << 20, "grpc.max_send_message_length": 64 << 20 });
  server.addService(proto.idbridge.connector.v1.Connector.service, handlers(connector, log));
  // grpc.health.v1.Health/Check answering SERVING (status = 1) for every
  // service name, "plugin" included; the answer is written out.
  server.addService({
    Check: { path: "/grpc.health.v1.Health/Check", requestStream: false, responseStream: false,
      requestSerialize: raw.serialize, requestDeserialize: raw.deserialize, responseSerialize: raw.serialize, responseDeserialize: raw.deserialize },
  }, { Check: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.from([0x08, 0x01])) });
  // plugin.GRPCController/Shutdown: the host's polite way to end the process.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.tryShutdown(() => {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
      process.exit(0);
    });
  };
  server.addService({
    Shutdown: { path: "/plugin.GRPCController/Shutdown", requestStream: false, responseStream: false,
      requestSerialize: raw.serialize, requestDeserialize: raw.deserialize, responseSerialize: raw.serialize, responseDeserialize: raw.deserialize },
  }, { Shutdown: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => { cb(null, Buffer.alloc(0)); setImmediate(stop); } });

  const dir = process.env.PLUGIN_UNIX_SOCKET_DIR || tmpdir();
  const path = join(dir, "plugin" + randomBytes(8).toString("hex"));
  server.bindAsync("unix://" + path, creds, (err) => {
    if (err) {
      log("error", "cannot listen", { error: String(err) });
      process.exit(1);
    }
    // The handshake line is the only thing ever written to stdout.
    process.stdout.write(`${CORE_PROTOCOL_VERSION}|${version}|unix|${path}|grpc\n`);
    log("debug", "serving", { protocol: version });
  });

  // The host stops connectors itself; a Ctrl-C meant for the host's
  // terminal must not end them first.
  process.on("SIGINT", () => undefined);
  process.on("SIGTERM", stop);
  // A host killed with SIGKILL cannot stop its connectors: notice the
  // re-parenting and leave, rather than hold credentials for nothing.
  const parent = process.ppid;
  if (parent > 1) {
    setInterval(() => {
      if (process.ppid !== parent) {
        log("warn", "host process is gone; connector exits", { host_pid: parent });
        process.exit(2);
      }
    }, 500).unref();
  }
}
