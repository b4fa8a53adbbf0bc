#!/usr/bin/env bash
# bench/sync-cli.sh: the product as an admin runs it. `idbridge serve`
# against a slapd of N users and the Clockify sandbox with N members, the
# Clockify extension installed from a signed .ext, and `idbridge sync plan`
# run from the CLI, in rounds paired with the floor (ldapsearch + curl over
# the same data, as bench/sync.sh times it). Then the change watcher: the
# CPU of its first snapshot and its cost at rest.
#
# Usage: bench/sync-cli.sh [N] [ROUNDS]     (defaults 100000, 5)
# Needs what bench/sync.sh needs, and sqlite3. Prints the median of the paired rounds,
# the host's CPU per plan, and its resident memory after ten plans. Wall
# times depend on what else runs on the machine.
# IDBRIDGE_BENCH_IDLE_SECONDS (60) is how long the watcher's rest is measured;
# IDBRIDGE_BENCH_WATCH=0 skips the watcher. IDBRIDGE_BENCH_PROFILE=DIR records
# one more plan with perf (host, connector, slapd and sandbox, call graphs)
# into DIR/perf.data and prints where their CPU went.
set -euo pipefail
N=${1:-100000}
ROUNDS=${2:-5}
# shellcheck source=bench/sync-env.sh
. "$(dirname "$0")/sync-env.sh"
idle_s=${IDBRIDGE_BENCH_IDLE_SECONDS:-60}
host_port=${IDBRIDGE_BENCH_HOST_PORT:-8478}

# --- the product: binary, signed extension, host ------------------------------------
$GO build -o "$work/idbridge" ./host/cmd/idbridge
$GO run ./marketplace/internal/makeext -platforms "$($GO env GOOS)/$($GO env GOARCH)" -out "$work/dist" -key "$work/sign.key" >/dev/null
printf '%s' "$password" >"$work/ldap.pw"
printf '%s' "$key" >"$work/clockify.key"
chmod 600 "$work/ldap.pw" "$work/clockify.key"

# serve MODE: starts the host with the watcher in MODE; sets host_pid.
serve() {
	"$work/idbridge" serve --data "$work/data" --listen "127.0.0.1:$host_port" --log-level warn \
		--directory-url "$ldap_url" --directory-plaintext --directory-bind "cn=admin,$base" \
		--directory-password-file "$work/ldap.pw" --directory-base "$ou" --watch "$1" >>"$work/host.log" 2>&1 &
	host_pid=$!
	pids+=("$host_pid")
	for _ in $(seq 600); do
		curl -fs -o /dev/null "http://127.0.0.1:$host_port/readyz" && return 0
		kill -0 "$host_pid" 2>/dev/null || { tail -n 20 "$work/host.log" >&2; exit 1; }
		sleep 0.1
	done
	echo "sync-cli.sh: the host did not get ready" >&2
	exit 1
}
stop_host() { kill "$host_pid"; wait "$host_pid" 2>/dev/null || true; }
status_kb() { awk -v f="$2" '$1 == f { print $2 }' "/proc/$1/status"; }

serve off
export IDBRIDGE_ADDR="http://127.0.0.1:$host_port" IDBRIDGE_TOKEN
IDBRIDGE_TOKEN=$(cat "$work/data/admin.token")
idb() { "$work/idbridge" "$@"; }
idb ext trust add "$work/sign.key.pub" >/dev/null
idb ext install "$work"/dist/*.ext >/dev/null
idb integration create clockify --id clockify --set "workspaceId=$workspace" --set "baseUrl=$sandbox_url" \
	--set "rateLimit=${IDBRIDGE_BENCH_RATE:-0}" --secret "apiKey=@$work/clockify.key" >/dev/null
idb integration enable clockify >/dev/null
cat >"$work/ds.json" <<JSON
{"id": "bench", "name": "bench", "category": "update users",
 "endpoints": [{"alias": "users", "integrationId": "clockify", "endpointId": "list-users", "primaryKey": "id"}],
 "mappings": [{"field": {"path": "name"}, "attribute": "displayName"}],
 "match": {"field": {"path": "email"}, "attribute": "mail", "caseInsensitive": true},
 "options": {"active": {"field": {"path": "memberships[].membershipStatus"}, "values": ["ACTIVE"]}}}
JSON
idb datasource create --file "$work/ds.json" >/dev/null

# --- the watcher: first snapshot, then rest ---------------------------------------------
# watcher_bench sets snap_ms, snap_cpu, learn_ms and idle_cpu.
watcher_bench() {
	# Without an automation the watcher takes its first snapshot and then rests;
	# an event automation keeps it polling, as a real deployment does.
	serve poll
	local c0 t0
	c0=$(cpu_ms "$host_pid")
	t0=$(now_ms)
	# The cursor is saved when the first snapshot is complete.
	until [ "$(sqlite3 -readonly "$work/data/idbridge.db" "select count(*) from docs where kind = 'watch.directory.cursor'" 2>/dev/null)" = 1 ]; do
		sleep 0.2
		[ $(( $(now_ms) - t0 )) -lt 600000 ] || { echo "sync-cli.sh: no first snapshot after 10 minutes" >&2; exit 1; }
	done
	snap_ms=$(( $(now_ms) - t0 ))
	snap_cpu=$(( $(cpu_ms "$host_pid") - c0 ))
	idb template install --integration clockify >/dev/null
	# Creating an event automation learns who is in its scope: every user.
	t0=$(now_ms)
	idb automation create --file - >/dev/null <<-JSON
	{"id": "bench-events", "name": "bench events", "enabled": true,
	 "trigger": {"type": "event", "events": ["user.changed"]},
	 "scope": {"ou": "$ou"}, "action": {"template": "clockify-move"}}
	JSON
	learn_ms=$(( $(now_ms) - t0 ))
	sleep 5
	c0=$(cpu_ms "$host_pid")
	sleep "$idle_s"
	idle_cpu=$(( $(cpu_ms "$host_pid") - c0 ))
	stop_host
}

# --- paired rounds: floor, then the CLI plan ------------------------------------------
# The connector is the host's child process; the plan's CPU is the host's,
# the connector's and the CLI's own, beside slapd's and the sandbox's.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
idb sync plan bench >/dev/null # the connector starts on first use; rounds time a running host
connector_pid=$(pgrep -P "$host_pid" | head -n 1)
plan_ms=() floors=() ldaps=() curls=() floor_cpus=() host_cpu=() conn_cpu=() cli_cpu=() servers_cpu=()
for r in $(seq "$ROUNDS"); do
	measure_floor
	floors+=("$floor_ms") ldaps+=("$ldap_ms") curls+=("$curl_ms") floor_cpus+=("$floor_cpu")
	c0=$(cpu_ms "$host_pid") k0=$(cpu_ms "$connector_pid") s0=$(( $(cpu_ms "$slapd_pid") + $(cpu_ms "$sandbox_pid") ))
	timed "$work/plan.t" sh -c "'$work/idbridge' sync plan bench >'$work/plan.out'"
	host_cpu+=($(( $(cpu_ms "$host_pid") - c0 )))
	conn_cpu+=($(( $(cpu_ms "$connector_pid") - k0 )))
	servers_cpu+=($(( $(cpu_ms "$slapd_pid") + $(cpu_ms "$sandbox_pid") - s0 )))
	read -r ms cms <"$work/plan.t"
	plan_ms+=("$ms") cli_cpu+=("$cms")
	echo "round $r: floor $floor_ms ms (ldapsearch $ldap_ms + curl $curl_ms), sync plan $ms ms ($(sed -n 's/^Plan for [^(]*(\(.*\))$/\1/p' "$work/plan.out"))" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
if [ -n "${IDBRIDGE_BENCH_PROFILE:-}" ]; then
	mkdir -p "$IDBRIDGE_BENCH_PROFILE"
	perf record -q -F 999 -g -o "$IDBRIDGE_BENCH_PROFILE/perf.data" -p "$host_pid,$connector_pid,$slapd_pid,$sandbox_pid" -- \
		"$work/idbridge" sync plan bench >/dev/null 2>&1
	perf report -i "$IDBRIDGE_BENCH_PROFILE/perf.data" --no-children --sort comm,dso --stdio -g none 2>/dev/null | grep -v '^#' | grep . | head -n 20 || true
fi
for _ in $(seq $(( 9 - ROUNDS ))); do idb sync plan bench >/dev/null; done
rss_after=$(status_kb "$host_pid" VmRSS:)
rss_peak=$(status_kb "$host_pid" VmHWM:)
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratios=()
for i in "${!plan_ms[@]}"; do ratios+=("$(awk -v a="${plan_ms[$i]}" -v b="${floors[$i]}" 'BEGIN { printf "%.3f", a / b }')"); done
stop_host
[ "${IDBRIDGE_BENCH_WATCH:-1}" = 0 ] || watcher_bench

echo
echo "== idbridge sync plan from the CLI, $N directory users x $N app accounts, $ROUNDS paired rounds"
printf '  %-40s %s ms (rounds: %s)\n' "floor: ldapsearch + curl, median" "$(median "${floors[@]}")" "${floors[*]}"
printf '  %-40s %s ms (rounds: %s)\n' "idbridge sync plan, median" "$(median "${plan_ms[@]}")" "${plan_ms[*]}"
printf '  %-40s %s x the floor (paired ratios: %s; target <= 1.2)\n' "median of paired ratios" "$(median "${ratios[@]}")" "${ratios[*]}"
printf '  %-40s ldapsearch %s ms + curl %s ms\n' "  floor's parts, medians" "$(median "${ldaps[@]}")" "$(median "${curls[@]}")"
printf '  %-40s host %s, connector %s, CLI %s, slapd + sandbox %s ms (medians; %s cores)\n' "CPU per plan" \
	"$(median "${host_cpu[@]}")" "$(median "${conn_cpu[@]}")" "$(median "${cli_cpu[@]}")" "$(median "${servers_cpu[@]}")" "$(nproc)"
printf '  %-40s %s ms (ldapsearch, curl, slapd and sandbox; median)\n' "CPU of the floor" "$(median "${floor_cpus[@]}")"
printf '  %-40s %s before the rounds, %s after (1, 5, 15 min)\n' "machine load average" "$load_before" "$load_after"
printf '  %-40s %s MB peak, %s MB after (target <= 250)\n' "host RSS over 10 plans" "$(( rss_peak / 1024 ))" "$(( rss_after / 1024 ))"
[ "${IDBRIDGE_BENCH_WATCH:-1}" = 0 ] && exit 0
echo "== change watcher at $N users (poll mode)"
printf '  %-40s %s ms host CPU, %s ms wall (target <= 5000 ms CPU)\n' "first snapshot" "$snap_cpu" "$snap_ms"
printf '  %-40s %s ms\n' "event automation over all users created" "$learn_ms"
printf '  %-40s %s ms host CPU in %s s = %s%% of a core (target <= 1%%)\n' "at rest, an event automation enabled" "$idle_cpu" "$idle_s" \
	"$(awk -v c="$idle_cpu" -v s="$idle_s" 'BEGIN { printf "%.2f", c / (s * 10) }')"
