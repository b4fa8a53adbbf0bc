#!/usr/bin/env bash
# bench/latency.sh: AD change -> matching Clockify call, with N users in the
# directory (default 100,000), at the host's default settings.
#
# It seeds a private slapd with N users (slapadd, as bench/sync.sh does: the
# bulk load gives them all one modifyTimestamp, the case that once made every
# poll re-read half the directory), then runs
# BenchmarkChangeToClockifyCall/slapd-bulk (host/automation): the change
# watcher at its default interval over the whole directory, its state in
# the store, three event automations (onboarding, offboarding, return) over
# the whole directory through the orchestration engine with its default
# settings, the real Clockify connector and the Clockify sandbox. A user is
# disabled and enabled in turn at random moments, at least 50 times, and
# each change is timed from the LDAP modify to the sandbox's receipt of the
# first call for it and of the call that makes the change.
#
# Usage: bench/latency.sh [N]     (default 100000)
# Needs slapd, slapadd and ldapsearch; listens on loopback only. Wall times
# depend on what else runs on the machine: the load average is printed.
# Port: IDBRIDGE_BENCH_LDAP_PORT (3899).
set -euo pipefail
N=${1:-100000}
with_sandbox=0 # the benchmark runs its own sandbox, which records each call's arrival
# shellcheck source=bench/sync-env.sh
. "$(dirname "$0")/sync-env.sh"

$GO test -c -o "$work/automation.test" ./host/automation
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
out=$(cd host/automation && IDBRIDGE_BENCH_LDAP_URL="$ldap_url" IDBRIDGE_BENCH_LDAP_BIND="cn=admin,$base" \
	IDBRIDGE_BENCH_LDAP_PASSWORD="$password" IDBRIDGE_BENCH_LDAP_BASE="$ou" \
	"$work/automation.test" -test.run '^$' -test.bench 'ChangeToClockifyCall/slapd-bulk' -test.benchtime 1x -test.count 1)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo "$out"
line=$(grep '^BenchmarkChangeToClockifyCall/slapd-bulk' <<<"$out")

echo
echo "== AD change -> Clockify call, $(metric users-watched) directory users watched, $(metric changes) changes, default settings"
printf '  %-40s p50 %s ms, p95 %s ms  (targets: p50 <= 2000, p95 <= 5000)\n' "the call that makes the change" "$(metric status-call-p50-ms)" "$(metric status-call-p95-ms)"
printf '  %-40s p50 %s ms, p95 %s ms\n' "the first call for the change" "$(metric first-call-p50-ms)" "$(metric first-call-p95-ms)"
printf '  %-40s %s before, %s after (1, 5, 15 min; %s cores)\n' "machine load average" "$load_before" "$load_after" "$(nproc)"
