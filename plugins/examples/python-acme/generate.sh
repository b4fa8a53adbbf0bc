#!/bin/sh
# Regenerates the protocol's Python stubs under package/generated/ from
# proto/connector/v1/connector.proto.
# Needs the Debian package python3-grpc-tools; run from anywhere.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
proto=$(cd "$here/../../../proto" && pwd)
out=$here/package/generated
rm -rf "$out/connector"
/usr/bin/python3 -m grpc_tools.protoc -I "$proto" \
	--python_out="$out" --grpc_python_out="$out" \
	connector/v1/connector.proto
touch "$out/connector/__init__.py" "$out/connector/v1/__init__.py"
