#!/bin/sh
# stamp-generated.sh OUT PROTO_ROOT
#
# Writes OUT/SOURCES.sha256: the SHA-256 of the protocol file the stubs in
# OUT were generated from (connector/v1/connector.proto under PROTO_ROOT)
# and of every stub. The tests of plugins/examples compare it with the
# protocol and the stubs as they are, so stubs left behind by a protocol
# change, or edited by hand, fail the build even where the generators are
# not installed. Each example's generate.sh calls it last.
set -eu
out=$1
proto=$2
sum() { sha256sum <"$1" | cut -d' ' -f1; }
{
	echo "# Written by generate.sh: the protocol these stubs were generated from, and each stub."
	printf 'source %s connector/v1/connector.proto\n' "$(sum "$proto/connector/v1/connector.proto")"
	(cd "$out" && find . -type f ! -name 'SOURCES.sha256*' ! -path '*/__pycache__/*' | LC_ALL=C sort |
		while read -r f; do printf 'stub %s %s\n' "$(sum "$f")" "${f#./}"; done)
} >"$out/SOURCES.sha256.tmp"
mv "$out/SOURCES.sha256.tmp" "$out/SOURCES.sha256"
