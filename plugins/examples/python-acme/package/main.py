#!/usr/bin/python3
"""Entry point of the Acme Directory connector in Python: the idbridge host
runs it as `python3 main.py` (see manifest.json) and speaks the connector
protocol with it."""

import os
import sys

# The connector's folder may be read-only and is pinned file by file: no
# bytecode caches beside the sources.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import idbridge_connector  # noqa: E402,F401  (puts the generated stubs on the path)
from idbridge_connector.plugin import serve  # noqa: E402
from idbridge_connector.service import Servicer  # noqa: E402

import acme  # noqa: E402

if __name__ == "__main__":
    serve(Servicer(acme.connector()), "acme-directory-python")
