#!/bin/sh
# generate.sh [OUT]
#
# Regenerates the protocol's Python stubs from
# proto/connector/v1/connector.proto into package/generated/ (or OUT) and
# records what they were made from in SOURCES.sha256, which the tests
# check. Needs the Debian package python3-grpc-tools; run from anywhere.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
proto=$(cd "$here/../../../proto" && pwd)
out=${1:-$here/package/generated}
mkdir -p "$out"
rm -rf "$out/connector"
/usr/bin/python3 -m grpc_tools.protoc -I "$proto" \
	--python_out="$out" --grpc_python_out="$out" \
	connector/v1/connector.proto
touch "$out/connector/__init__.py" "$out/connector/v1/__init__.py"
"$here/../stamp-generated.sh" "$out" "$proto"
