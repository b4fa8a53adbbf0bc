# bench/sync-env.sh, sourced by bench/sync.sh, bench/sync-cli.sh and
# bench/latency.sh: starts a private slapd seeded with N users and the
# Clockify sandbox with N members, and defines measure_floor, which times
# ldapsearch + curl over the same data, and metric, which reads a figure
# from a benchmark's result line.
# Expects N, GO and the helpers' environment variables (see bench/sync.sh).
cd "$(dirname "$0")/.."
repo=$(pwd)
N=${1:-100000}
GO=${GO:-go}
ldap_port=${IDBRIDGE_BENCH_LDAP_PORT:-3899}
sandbox_port=${IDBRIDGE_BENCH_SANDBOX_PORT:-8479}
base="dc=example,dc=test"
ou="ou=bench,$base"
page_size=200 # the Clockify connector's page size

for tool in slapd slapadd ldapsearch curl; do
	command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "sync.sh: $tool is not installed" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "sync.sh: /usr/bin/time (GNU time) is not installed" >&2; exit 1; }
PATH=$PATH:/usr/sbin

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

# metric UNIT [LINE] prints the figure before UNIT in a benchmark's result
# line (LINE, else $line).
metric() { awk -v unit="$1" '{ for (i = 2; i < NF; i++) if ($(i+1) == unit) print $i }' <<<"${2:-$line}"; }

# --- slapd with N users ------------------------------------------------------
password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
cp "$repo/host/directory/dirtest/testdata/adlike.schema" "$work/adlike.schema"
mkdir -p "$work/db"
cat >"$work/slapd.conf" <<CONF
include   /etc/ldap/schema/core.schema
include   /etc/ldap/schema/cosine.schema
include   /etc/ldap/schema/inetorgperson.schema
include   $work/adlike.schema
pidfile   $work/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
loglevel  none
sizelimit unlimited
database  mdb
suffix    "$base"
rootdn    "cn=admin,$base"
rootpw    $password
directory $work/db
maxsize   4294967296
dbnosync
limits dn.exact="cn=admin,$base" size=unlimited time=unlimited
index mail eq
CONF

echo "generating $N users..." >&2
# Every tenth user's displayName differs from the app's name, so the plan
# has updates as well as unchanged users.
awk -v n="$N" -v base="$base" -v ou="$ou" 'BEGIN {
	printf "dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n", base
	printf "dn: %s\nobjectClass: organizationalUnit\nou: bench\n\n", ou
	for (i = 0; i < n; i++) {
		id = sprintf("%06d", i)
		name = (i % 10 == 3) ? "Renamed User " id : "Generated User " id
		printf "dn: uid=user%s,%s\nobjectClass: inetOrgPerson\nuid: user%s\ncn: Generated User %s\nsn: User\ngivenName: Generated\nmail: user%s@example.com\ndisplayName: %s\n\n", id, ou, id, id, id, name
	}
}' >"$work/users.ldif"
t0=$(now_ms)
slapadd -q -f "$work/slapd.conf" -l "$work/users.ldif"
echo "slapadd of $N users: $(( $(now_ms) - t0 )) ms" >&2
rm -f "$work/users.ldif"

ldap_url="ldap://127.0.0.1:$ldap_port"
slapd -f "$work/slapd.conf" -h "$ldap_url/" -d 0 >"$work/slapd.log" 2>&1 &
pids+=($!)
slapd_pid=$!
for _ in $(seq 100); do
	ldapsearch -x -H "$ldap_url" -D "cn=admin,$base" -w "$password" -b "$base" -s base dn >/dev/null 2>&1 && break
	sleep 0.1
done

# --- Clockify sandbox with N members -------------------------------------------
# A caller that needs no app (bench/latency.sh) sets with_sandbox=0.
if [ "${with_sandbox:-1}" = 1 ]; then
	key="sbx-bench-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	$GO build -o "$work/clockify-sandbox" ./plugins/clockify/cmd/clockify-sandbox
	"$work/clockify-sandbox" --listen "127.0.0.1:$sandbox_port" --generate-users "$N" --rate -1 --api-key "$key" >"$work/sandbox.log" 2>&1 &
	pids+=($!)
	sandbox_pid=$!
	sandbox_url="http://127.0.0.1:$sandbox_port/api"
	workspace=6650a1b2c3d4e5f6a7b8c9d0
	for _ in $(seq 300); do
		curl -fs -o /dev/null -H "X-Api-Key: $key" "$sandbox_url/v1/user" && break
		sleep 0.1
	done
fi

# --- the floor ------------------------------------------------------------------
# cpu_ms PID: user+system CPU of a running process, in ms.
cpu_ms() { awk '{ sub(/.*\) /, ""); print ($12 + $13) * 10 }' "/proc/$1/stat"; }
# timed FILE CMD...: runs CMD, writing "wall-ms cpu-ms" of CMD itself to FILE.
timed() {
	local out=$1
	shift
	/usr/bin/time -f '%e %U %S' -o "$work/time" "$@"
	awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' "$work/time" >"$out"
}
# measure_floor times ldapsearch over the users and curl over every page of
# the sandbox, setting ldap_ms, curl_ms, floor_ms, floor_cpu and the rest.
measure_floor() {
	# The attributes the sync reads: the stable id, the enabled flag, the match
	# attribute and the mapped one.
	attrs="entryUUID userAccountControl mail displayName"
	s0=$(cpu_ms "$slapd_pid")
	timed "$work/ldap.t" sh -c "ldapsearch -x -LLL -H '$ldap_url' -D 'cn=admin,$base' -w '$password' -b '$ou' -E pr=1000/noprompt \
		'(objectClass=inetOrgPerson)' $attrs | grep -c '^dn: ' >'$work/entries'"
	slapd_floor_cpu=$(( $(cpu_ms "$slapd_pid") - s0 ))
	read -r ldap_ms ldap_cpu <"$work/ldap.t"
	entries=$(cat "$work/entries")

	pages=$(( (N + 2 + page_size - 1) / page_size ))
	for p in $(seq "$pages"); do
		echo "url = \"$sandbox_url/v1/workspaces/$workspace/users?memberships=WORKSPACE&status=ALL&include-roles=false&page=$p&page-size=$page_size\""
	done >"$work/urls"
	s0=$(cpu_ms "$sandbox_pid")
	timed "$work/curl.t" sh -c "curl -fsS -H 'X-Api-Key: $key' -K '$work/urls' >'$work/pages.json'"
	sandbox_floor_cpu=$(( $(cpu_ms "$sandbox_pid") - s0 ))
	read -r curl_ms curl_cpu <"$work/curl.t"
	accounts=$(grep -o '"email"' "$work/pages.json" | wc -l)
	rm -f "$work/pages.json"
	floor_ms=$(( ldap_ms + curl_ms ))
	floor_cpu=$(( ldap_cpu + slapd_floor_cpu + curl_cpu + sandbox_floor_cpu ))
}
