#!/usr/bin/env bash
# Measures a first `make demo`: a fresh clone of this repository's HEAD
# with an empty Go build cache, as a new user's machine has. Prints the
# wall-clock and CPU time of the build (`make demo-build`) and of the demo
# itself (`idbridge demo --short`). The target is under 3 minutes in all on
# 2 cores; the figures depend on what else the machine is doing.
#
# Modules come from the usual module cache (downloading them is the
# network's time, not the build's); FRESH_MODULES=1 starts from an empty
# module cache too, downloaded through the Go module proxy.
# Usage: bench/demo-first-run.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d -t idbridge-demo-bench-XXXXXX)"
trap 'chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT

git clone --quiet --no-hardlinks "$root" "$scratch/clone"
export GOCACHE="$scratch/gocache"
if [ "${FRESH_MODULES:-0}" = 1 ]; then
	export GOMODCACHE="$scratch/gomodcache"
fi
cd "$scratch/clone"
echo "== first make demo: fresh clone of $(git rev-parse --short HEAD), empty build cache, $(nproc) cores"
echo "   (figures are noisy when other work shares the machine)"

TIMEFORMAT='%R s wall, %U s user, %S s system'
echo "-- build (make demo-build):"
time make --no-print-directory demo-build >"$scratch/build.log" 2>&1 || { cat "$scratch/build.log"; exit 1; }
echo "-- demo (idbridge demo --short):"
time bin/idbridge demo --dist .data/demo-dist --short --listen 127.0.0.1:0 >"$scratch/demo.log" 2>&1 || { cat "$scratch/demo.log"; exit 1; }
grep -E '^(Integration test|Took|Removed)' "$scratch/demo.log" || true
