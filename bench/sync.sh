#!/usr/bin/env bash
# bench/sync.sh: a full dry-run sync plan over 100,000 directory users and
# 100,000 app accounts, beside the floor of reading the same data with the
# standard tools.
#
# It seeds a private slapd with N users (slapadd of a generated LDIF, with
# slapd stopped), starts the Clockify sandbox with N generated members,
# times `ldapsearch` (paged, 1000 a page) over the users and `curl` over
# every page of the sandbox's user list (the floor), then runs
# BenchmarkFullDryRun (host/sync), which plans a data source over both
# through the real connector process, and prints the figures side by side.
#
# Usage: bench/sync.sh [N]        (default 100000)
# Needs slapd, slapadd, ldapsearch, curl and GNU time; listens on loopback
# only. Wall times depend on what else runs on the machine; the CPU times
# printed beside them do much less.
# Ports: IDBRIDGE_BENCH_LDAP_PORT (3899), IDBRIDGE_BENCH_SANDBOX_PORT (8479).
# The connector is unpaced like curl; IDBRIDGE_BENCH_RATE=50 measures at
# Clockify's real budget of 50 requests a second instead.
# IDBRIDGE_BENCH_PROFILE=DIR writes CPU and memory profiles of the plan.
set -euo pipefail
# shellcheck source=bench/sync-env.sh
. "$(dirname "$0")/sync-env.sh"
measure_floor

# --- the plan ---------------------------------------------------------------------
$GO test -c -o "$work/sync.test" ./host/sync
out=$(cd host/sync && IDBRIDGE_BENCH_LDAP_URL="$ldap_url" IDBRIDGE_BENCH_LDAP_BIND="cn=admin,$base" \
	IDBRIDGE_BENCH_LDAP_PASSWORD="$password" IDBRIDGE_BENCH_LDAP_BASE="$ou" \
	IDBRIDGE_BENCH_PIDS="slapd:$slapd_pid,sandbox:$sandbox_pid" IDBRIDGE_BENCH_CLOCKIFY_URL="$sandbox_url" IDBRIDGE_BENCH_CLOCKIFY_KEY="$key" IDBRIDGE_BENCH_CLOCKIFY_WORKSPACE="$workspace" \
	"$work/sync.test" -test.run '^$' -test.bench 'FullDryRun' -test.benchtime 1x -test.count 1 \
	${IDBRIDGE_BENCH_PROFILE:+-test.cpuprofile "$IDBRIDGE_BENCH_PROFILE/cpu.out" -test.memprofile "$IDBRIDGE_BENCH_PROFILE/mem.out"})
echo "$out"
line=$(grep '^BenchmarkFullDryRun/plan' <<<"$out")
ms() { awk '{ printf "%d", $1 / 1e6 }' <<<"$(metric ns/op "$(grep "^BenchmarkFullDryRun/$1" <<<"$out")")"; }
plan_ms=$(ms plan)

echo
echo "== full dry-run plan, $N directory users x $N app accounts"
printf '  %-38s %8s ms  (%s entries)\n' "ldapsearch -E pr=1000 (floor, part 1)" "$ldap_ms" "$entries"
printf '  %-38s %8s ms  (%s pages, %s accounts)\n' "curl every page (floor, part 2)" "$curl_ms" "$pages" "$accounts"
printf '  %-38s %8s ms\n' "floor (sum)" "$floor_ms"
printf '  %-38s %8s ms  (%s x the floor; target <= 1.5)\n' "idbridge plan" "$plan_ms" "$(awk -v a="$plan_ms" -v b="$floor_ms" 'BEGIN { printf "%.2f", a / b }')"
printf '  %-38s %8s ms reading app and directory at once, %s ms planning\n' "  of which" "$(metric read-ms)" "$(metric plan-ms)"
printf '  %-38s %8s ms\n' "  the app alone (connector Fetch)" "$(ms app-only)"
printf '  %-38s %8s ms\n' "  the directory alone (paged search)" "$(ms directory-only)"
printf '  %-38s %8s MB\n' "host peak Go heap" "$(metric peak-heap-MB)"
printf '  %-38s %8s MB  (target < 400)\n' "host peak RSS" "$(metric host-peak-rss-MB)"
sline=$(grep '^BenchmarkFullDryRun/summary-x10' <<<"$out")
printf '  %-38s %8s ms per plan\n' "summary plan (the CLI's), 10 in a row" "$(awk '{ printf "%d", $1 / 1e7 }' <<<"$(metric ns/op "$sline")")"
printf '  %-38s %8s MB peak RSS, %s MB after, %s MB peak heap  (target <= 250)\n' "  host memory over the 10" \
	"$(metric host-peak-rss-MB "$sline")" "$(metric host-rss-after-MB "$sline")" "$(metric peak-heap-MB "$sline")"
printf '  %-38s %8s MB\n' "connector peak RSS" "$(metric connector-peak-rss-MB)"
printf '  %-38s host %s, connector %s, slapd %s, sandbox %s (ms; %s cores)\n' "CPU during the plan" \
	"$(metric host-cpu-ms)" "$(metric connector-cpu-ms)" "$(metric slapd-cpu-ms)" "$(metric sandbox-cpu-ms)" "$(nproc)"
printf '  %-38s ldapsearch %s + slapd %s + curl %s + sandbox %s = %s ms\n' "CPU of the floor" \
	"$ldap_cpu" "$slapd_floor_cpu" "$curl_cpu" "$sandbox_floor_cpu" "$floor_cpu"
printf '  %-38s %s updates, %s unchanged, %s records, %s users\n' "plan" "$(metric updates)" "$(metric nochange)" "$(metric records)" "$(metric users)"
