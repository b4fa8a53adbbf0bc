#!/bin/sh
# generate.sh [OUT]
#
# Regenerates the protocol's TypeScript types from
# proto/connector/v1/connector.proto into src/generated/ (or OUT) and
# records what they were made from in SOURCES.sha256, which the tests
# check. Needs the dependencies installed (npm ci); `npm run generate`
# runs it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
proto=$(cd "$here/../../../proto" && pwd)
out=${1:-$here/src/generated}
[ $# -gt 0 ] || rm -rf "$out"
mkdir -p "$out"
# The types name the .proto as it is found: a relative include path keeps
# this machine's paths out of them.
cd "$here"
node_modules/.bin/proto-loader-gen-types --keepCase --longs=Number --defaults --oneofs \
	--grpcLib=@grpc/grpc-js --outDir="$out" --includeDirs=../../../proto -- connector/v1/connector.proto
"$here/../stamp-generated.sh" "$out" "$proto"
