#!/usr/bin/env bash
# Runs every benchmark of the project once and prints the figures.
# Usage: bench/run.sh [extra go test flags]
# Each package's figures come from go test -bench and b.ReportMetric; this
# script only chooses what runs and how long. Add a line per package below.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
run() { # run PACKAGE BENCH-REGEXP BENCHTIME
	echo "== $1 ($2)"
	"$GO" test -count=1 -run '^$' -bench "$2" -benchtime "$3" "${@:4}" "$1"
}

# Plugin supervisor: each launch benchmark iteration already measures 60
# launches, so one iteration is enough; unary calls need many samples.
run ./host/pluginhost 'LaunchToFirstDescribe' 1x "$@"
run ./host/pluginhost 'UnaryRoundTrip' 2s "$@"
run ./host/pluginhost 'FetchThroughput' 3x "$@"
