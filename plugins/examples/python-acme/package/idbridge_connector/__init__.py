"""A small implementation of the idbridge connector protocol in Python.

It does for a Python connector what the Go SDK does for a Go one, following
docs/connectors/protocol.md and nothing else:

* ``plugin``: the go-plugin handshake, mutual TLS with the certificates the
  host hands over, the health and controller services, logs on stderr;
* ``executor``: HTTP calls with the connector's auth, rate limit, retries
  that honour Retry-After, and the app's errors mapped to the protocol's
  kinds;
* ``service``: Describe, Test, Fetch and Invoke driven by a declaration of
  settings, inbound endpoints and outbound webhooks.

It needs only the standard library and the Debian packages python3-grpcio and
python3-protobuf.
"""

import os
import sys

# The generated stubs live beside this package, under their proto path.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "generated"))
