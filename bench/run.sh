#!/usr/bin/env bash
# Runs every benchmark of the project once and prints the figures.
# Usage: bench/run.sh [extra go test flags]
# `make bench` runs it under .ci/with-directories, so the benchmarks that
# need a real directory (watch and automation latency, paged reads) find
# Samba AD and OpenLDAP; elsewhere those say why they skip.
# Each package's figures come from go test -bench and b.ReportMetric; this
# script only chooses what runs and how long. Figures depend on what else
# the machine does: compare CPU times where a benchmark prints them.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
run() { # run PACKAGE BENCH-REGEXP BENCHTIME
	echo "== $1 ($2)"
	"$GO" test -count=1 -run '^$' -bench "$2" -benchtime "$3" "${@:4}" "$1"
}

# Plugin protocol and supervisor (launch, unary calls, streaming). Each
# launch benchmark iteration already measures 60 launches.
run ./host/pluginhost 'LaunchToFirstDescribe' 1x "$@"
run ./host/pluginhost 'UnaryRoundTrip' 2s "$@"
run ./host/pluginhost 'FetchThroughput' 3x "$@"
run ./sdk 'FetchSmallRecords' 5x "$@"
# The Acme connector in Go, Python and TypeScript side by side (needs
# .ci/install-examples first; each iteration measures 20 launches).
run ./host/internal/connectorexamples 'LaunchToFirstDescribe' 1x "$@"
run ./sdk 'ScanPage|PageDecoder' 1s "$@"

# Clockify connector and sandbox: 100,000 users through the plugin beside curl.
run ./plugins/clockify 'Fetch100kUsers' 5x "$@"
run ./plugins/clockify/sandbox '.' 3x "$@"

# Marketplace: install of the Clockify .ext beside unzip + sha256sum.
run ./host/extensions 'InstallClockify' 10x "$@"
# Refusing a 1 GiB archive whose zip directory holds two million records:
# peak RSS above idle (target < 64 MB) and time to refuse (target < 1 s).
run ./host/extensions 'RefuseHugeDirectory' 3x "$@"

# Inbound: directory reads, the planner alone, and the full dry-run plan of
# 100,000 x 100,000 beside ldapsearch + curl (needs slapd, root).
run ./host/directory 'PagedUsers' 1x "$@"
run ./host/directory/demodir 'PagedSearch10k' 3x "$@"
run ./host/mapping 'Plan100kx100k' 1x "$@"
# Role drift of 100,000 accounts: the plan with and without the roles
# comparison (decision 0262).
run ./host/mapping 'PlanRoles100k' 3x "$@"
bench/sync.sh
# The same through the CLI against a serving host, and the change watcher
# at 100,000 users (first snapshot, cost at rest).
bench/sync-cli.sh

# Outbound: 10,000 actions at a 500/s limit, AD change to event, and AD
# change to the Clockify call through automations.
run ./host/orchestration 'RateLimitedRun' 1x "$@"
# Outbound cost, one and three integrations: calls/s as a share of a 500/s
# sandbox in its own process per integration,
# host and connector CPU per call, requests sent into 429 windows; then the
# fault test's restart gap (process start to its first request).
run ./host/orchestration 'OutboundCost' 1x "$@"
echo "== ./host/orchestration (restart gap)"
"$GO" test -count=1 -v -run 'TestOnboardingSurvivesEveryFault' ./host/orchestration | grep -E 'restart gap|--- '
run ./host/watch 'ChangeToEvent' 1x "$@"
run ./host/automation 'ChangeToClockifyCall' 1x "$@"
# The same at 100,000 users: a slapd loaded in bulk, watched whole, with
# automations over every user (needs slapd, root).
bench/latency.sh

# Store, secrets and macros; the PostgreSQL store beside SQLite (the
# private cluster of .ci/with-postgres, inside .ci/with-directories).
run ./host/store/sqlite '.' 2s "$@"
run ./host/store/postgres '.' 2000x "$@"

# Several hosts on one PostgreSQL store: calls per second of 1 and 3 hosts
# at a 500/s sandbox limit with the busiest sliding second the sandbox saw
# and the CPU per call of each part, the rate budget alone, and the watcher
# lease's failover over 10 kills.
# The multi-host test with the issue's 1,000 members:
# IDBRIDGE_MULTIHOST_N=1000 go test -run ThreeHosts ./host/cluster/
run ./host/cluster '.' 1x "$@"
run ./host/secrets '.' 1s "$@"
run ./host/macro '.' 1s "$@"
