# lib.sh - helpers for the end-to-end shell tests: real daemons of several
# organizations on loopback, in a temporary directory removed at exit.
# Source it; it sets B (binaries), T (work dir), and TAP helpers.
#
# Environment:
#   BUILD       the build directory, under the top of the tree (default build);
#               B, a full path to the binaries, overrides it
#   PORT_BASE   the loopback ports of this script are PORT_BASE+1 to
#               PORT_BASE+99 (organization i listens on PORT_BASE+i; a client
#               tcp port is PORT_BASE+5x). Default: from the script's name, one
#               of 120 ranges in 20000-31999, so files may run one after another
#               without waiting for sockets to close, and below the ephemeral
#               ports (32768-60999 on Linux), which an outgoing connection may
#               hold at the moment a daemon wants to listen. Two runs of one
#               script at the same time need different values:
#                   BUILD=build PORT_BASE=63000 sh tests/t10-flow.sh
#   KEEP=1      keep the work directory (it is kept anyway when a test fails)
#   TMPDIR      where the work directory is made (default /tmp)
#   SYNC_MS     the daemons' sync interval (default 200)

B=${B:-$(cd "$(dirname "$0")/.." && pwd)/${BUILD:-build}}
T=$(mktemp -d "${TMPDIR:-/tmp}/cahier-test.XXXXXX")
PIDS=""
TAP_N=0
TAP_FAIL=0
PORT_BASE=${PORT_BASE:-$((20000 + ($(printf '%s' "$0" | cksum | cut -d' ' -f1) % 120) * 100))}
# (read whole: a sysctl file read a byte at a time ends after one byte)
_r=$(cat /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
case $_r in
[0-9]*[!0-9][0-9]*)
	_lo=${_r%%[!0-9]*}; _hi=${_r##*[!0-9]}
	[ "$((PORT_BASE + 99))" -lt "$_lo" ] || [ "$PORT_BASE" -gt "$_hi" ] ||
		echo "# PORT_BASE $PORT_BASE overlaps the ephemeral ports $_lo-$_hi: a daemon may find its port taken" >&2
	;;
esac

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	if [ "$TAP_FAIL" != 0 ] || [ -n "$KEEP" ]; then
		echo "# work directory kept: $T"
		for f in "$T"/*.log; do [ -f "$f" ] && { echo "# --- $f"; tail -n 20 "$f" | sed 's/^/# /'; }; done
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
not_ok() { TAP_N=$((TAP_N + 1)); TAP_FAIL=$((TAP_FAIL + 1)); echo "not ok $TAP_N - $*"; }
# check DESCRIPTION COMMAND...: passes when the command exits 0
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# done_testing: stops the daemons, fails if a sanitizer reported anything in
# their logs, prints the plan.
done_testing() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	PIDS=""
	if grep -l "Sanitizer\|runtime error:" "$T"/*.log >/dev/null 2>&1; then
		not_ok "no sanitizer report in the daemons' logs"
		grep -h -A30 "Sanitizer\|runtime error:" "$T"/*.log | head -n 60 | sed 's/^/# /'
	fi
	echo "1..$TAP_N"
	[ "$TAP_FAIL" = 0 ]
}

echo "org passphrase for tests" > "$T/orgpass"
echo "provider passphrase for tests" > "$T/pp"
chmod 600 "$T/orgpass" "$T/pp"

# cahier as provider HOME: c HOME args...
c() { h=$1; shift; "$B/cahier" --home "$T/$h" --passphrase-file "$T/pp" --timeout 20 "$@"; }

# fingerprint ORG
fpr() { "$B/cahierd" card -d "$T/$1" 2>&1 >/dev/null | sed -n 's/.*fingerprint: //p'; }

# mkorg ORG NAME INDEX [OPTIONS]: an organization whose peer port is
# PORT_BASE+INDEX; extra options go to cahierd init
mkorg() {
	o=$1; n=$2; i=$3; shift 3
	"$B/cahierd" init -d "$T/$o" --name "$n" --endpoint "tcp://127.0.0.1:$((PORT_BASE + i))" \
		--passphrase-file "$T/orgpass" --sync-ms "${SYNC_MS:-200}" "$@" >/dev/null
}

# trust A B: A imports B's card, checking its fingerprint
trust() { "$B/cahierd" peer add -d "$T/$1" "$T/$2/org.card" --fingerprint "$(fpr "$2")" >/dev/null; }

# mesh ORG...: every org trusts every other
mesh() { for a in "$@"; do for b in "$@"; do [ "$a" = "$b" ] || trust "$a" "$b" || return 1; done; done; }

# mkprov ORG HOME NAME ROLE: a provider with a key, a certificate, enrolled
mkprov() {
	c "$2" init >/dev/null 2>&1 &&
	"$B/cahierd" provider add -d "$T/$1" --request "$T/$2/provider.request" \
		--name "$3" --role "$4" -o "$T/$2.cert" --passphrase-file "$T/orgpass" 2>/dev/null &&
	c "$2" enroll --cert "$T/$2.cert" --card "$T/$1/org.card" --daemon "ipc://$T/$1/client.sock" >/dev/null
}

# start ORG: run its daemon in the background, wait until it answers
start() {
	"$B/cahierd" run -d "$T/$1" >>"$T/$1.log" 2>&1 &
	eval "PID_$1=$!"
	PIDS="$PIDS $!"
	for _ in $(seq 1 100); do
		grep -q " ready: " "$T/$1.log" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "# $1 did not start" >&2
	return 1
}

# stop ORG [SIGNAL]
stop() {
	eval "p=\$PID_$1"
	[ -n "$p" ] || return 0
	kill "-${2:-TERM}" "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	eval "PID_$1="
	return 0
}

# wait_for SECONDS COMMAND...: retry until the command succeeds (bounded)
wait_for() {
	n=$(($1 * 10)); shift
	for _ in $(seq 1 "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
	return 1
}

# entries_count HOME CASE: the number of entries HOME's daemon holds
entries_count() { c "$1" --json case list | sed -n "s/.*\"case\":\"$2\"[^}]*\"entries\":\([0-9]*\).*/\1/p"; }
has_entries() { [ "$(entries_count "$1" "$2")" = "$3" ]; }

# feed_dump ORG CASE: every feed of the case as stored (keys and values, hex)
feed_dump() { mdb_dump -s entries "$T/$1/cases/$2"; }
