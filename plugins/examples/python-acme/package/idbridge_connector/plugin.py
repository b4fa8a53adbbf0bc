"""The process side of the protocol: how a connector starts, says where it
listens, secures the link and stops. See docs/connectors/protocol.md."""

import datetime
import json
import os
import secrets
import signal
import sys
import tempfile
import threading
from concurrent import futures

import grpc

from connector.v1 import connector_pb2_grpc

MAGIC_COOKIE_KEY = "IDBRIDGE_CONNECTOR_PLUGIN"
MAGIC_COOKIE_VALUE = "5b9d1c0e-idbridge-connector"
CORE_PROTOCOL_VERSION = 1
PROTOCOL_VERSIONS = (1,)

ENV_SERVER_CERT = "IDBRIDGE_PLUGIN_SERVER_CERT"
ENV_SERVER_KEY = "IDBRIDGE_PLUGIN_SERVER_KEY"
ENV_CLIENT_CERT = "PLUGIN_CLIENT_CERT"

# Fetch frames can be large; the host accepts up to 2 GiB, a connector
# should never need more than this.
_MAX_MESSAGE = 64 << 20


class Logger:
    """Writes one JSON object a line on stderr, the form go-plugin turns
    into structured host log lines under the connector's name."""

    def __init__(self, name):
        self.name = name
        self._lock = threading.Lock()

    def log(self, level, message, **fields):
        entry = {
            "@level": level,
            "@message": message,
            "@module": self.name,
            "@timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }
        entry.update(fields)
        line = json.dumps(entry, default=str)
        with self._lock:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

    def debug(self, message, **fields):
        self.log("debug", message, **fields)

    def info(self, message, **fields):
        self.log("info", message, **fields)

    def warn(self, message, **fields):
        self.log("warn", message, **fields)

    def error(self, message, **fields):
        self.log("error", message, **fields)


def negotiate(offered):
    """Picks the newest protocol version both sides speak from the host's
    PLUGIN_PROTOCOL_VERSIONS list."""
    host = set()
    for part in offered.split(","):
        part = part.strip()
        if part.isdigit():
            host.add(int(part))
    common = host.intersection(PROTOCOL_VERSIONS)
    if not common:
        # Answer with our newest: the host then refuses us with a message
        # that names the side to upgrade.
        return max(PROTOCOL_VERSIONS)
    return max(common)


def _credentials():
    """Serves with the certificate and key the host made for this process,
    accepting only the host's certificate. The key leaves the environment
    at once so that nothing else in the process can read it."""
    cert = os.environ.pop(ENV_SERVER_CERT, "")
    key = os.environ.pop(ENV_SERVER_KEY, "")
    client = os.environ.get(ENV_CLIENT_CERT, "")
    if cert and key and client:
        return grpc.ssl_server_credentials(
            [(key.encode(), cert.encode())],
            root_certificates=client.encode(),
            require_client_auth=True)
    if client:
        raise SystemExit(
            "the host asked for mutual TLS without handing over a server certificate "
            "(%s); this connector needs an idbridge host that sets it" % ENV_SERVER_CERT)
    return None


def _health_handler():
    """grpc.health.v1.Health/Check answering SERVING for every service name,
    "plugin" included. The answer is one enum field, status = 1 (SERVING),
    written out rather than generated."""
    serving = b"\x08\x01"
    return grpc.method_handlers_generic_handler("grpc.health.v1.Health", {
        "Check": grpc.unary_unary_rpc_method_handler(lambda request, context: serving),
    })


def _controller_handler(stop):
    """plugin.GRPCController/Shutdown: the host's polite way to end the
    process. Both messages are empty."""
    def shutdown(request, context):
        stop.set()
        return b""
    return grpc.method_handlers_generic_handler("plugin.GRPCController", {
        "Shutdown": grpc.unary_unary_rpc_method_handler(shutdown),
    })


def _watch_parent(logger, parent, stop):
    """Ends the process when the host is gone: a host killed with SIGKILL
    cannot stop its connectors, and one left running would hold credentials
    for nothing. A re-parented process sees its parent PID change."""
    while not stop.wait(0.5):
        if os.getppid() != parent:
            logger.warn("host process is gone; connector exits", host_pid=parent)
            stop.set()


def serve(servicer, name):
    """Serves the Connector service until the host stops the process."""
    logger = Logger(name)
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        sys.stderr.write(
            "This is an idbridge connector: the idbridge host starts it. Install its extension, "
            "or try it with `idbridge plugin describe PATH` or `idbridge plugin conform PATH`.\n")
        sys.exit(1)
    version = negotiate(os.environ.get("PLUGIN_PROTOCOL_VERSIONS", ""))
    creds = _credentials()

    socket_dir = os.environ.get("PLUGIN_UNIX_SOCKET_DIR") or tempfile.gettempdir()
    path = os.path.join(socket_dir, "plugin" + secrets.token_hex(8))
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=16),
        options=[("grpc.max_receive_message_length", _MAX_MESSAGE),
                 ("grpc.max_send_message_length", _MAX_MESSAGE)])
    stop = threading.Event()
    servicer.logger = logger
    connector_pb2_grpc.add_ConnectorServicer_to_server(servicer, server)
    server.add_generic_rpc_handlers((_health_handler(), _controller_handler(stop)))
    address = "unix:" + path
    if creds is None:
        server.add_insecure_port(address)
    else:
        server.add_secure_port(address, creds)
    server.start()

    # The host stops connectors itself; a Ctrl-C meant for the host's
    # terminal must not end them first.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    parent = os.getppid()
    if parent > 1:
        threading.Thread(target=_watch_parent, args=(logger, parent, stop), daemon=True).start()

    # The handshake line is the only thing ever written to stdout.
    sys.stdout.write("%d|%d|unix|%s|grpc\n" % (CORE_PROTOCOL_VERSION, version, path))
    sys.stdout.flush()
    logger.debug("serving", protocol=version, tls=creds is not None)
    stop.wait()
    server.stop(grace=1).wait()
    try:
        os.unlink(path)
    except OSError:
        pass
