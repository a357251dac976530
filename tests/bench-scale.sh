#!/bin/sh
# bench-scale.sh - two daemons over many shared cases: their memory, their
# open files, and the bytes of an idle sync round between them. Figures on
# stdout, "BENCH <name> <value> <unit>"; progress on stderr. Run by
# tests/bench.sh; alone: BUILD=build sh tests/bench-scale.sh
#
#   rss_mib_10k_cases      the resident memory (VmRSS) of daemon A, which
#                          holds BENCH_CASES cases of BENCH_CASE_ENTRIES
#                          entries each, all shared with daemon B: the
#                          median of one sample a second over the window
#                          below, after both started, connected to each
#                          other and ran BENCH_SETTLE s of rounds
#   hwm_mib_10k_cases      its peak (VmHWM) at the end of the window
#   fds_10k_cases          its open descriptors (/proc/PID/fd), median
#   rss_mib_1_case         baseline: the same for a pair of daemons sharing
#                          one case of BENCH_CASE_ENTRIES entries
#   idle_round_bytes_10k_cases
#                          the bytes of one idle sync round, each way: the
#                          TCP payload of the connections between the two
#                          daemons' peer ports (ss -tin: bytes_sent and
#                          bytes_received, client side, so each connection
#                          counted once), summed over both directions and
#                          both connections, over BENCH_IDLE_SECS seconds,
#                          divided by 2 (each way) and by the rounds in the
#                          window (its length over the sync interval,
#                          SYNC_MS). Nothing is posted meanwhile, and both
#                          daemons held every entry before they started: the
#                          rounds find nothing to send but their vectors.
#                          CURVE framing is in it, TCP/IP headers are not.
#   idle_round_bytes_1_case
#                          baseline: the same for the pair of one case
#
# (The names say 10k; with another BENCH_CASES they are that count's.)
# The cases are written into both stores by tests/tools/mkcases with the
# daemons stopped: a case opened by A's provider, B added and joined, then
# notes of both feeds. Environment: BUILD, BENCH_CASES (10000),
# BENCH_CASE_ENTRIES (100, at least 2: the genesis and B's addition count),
# BENCH_SETTLE (5 s), BENCH_IDLE_SECS (10 s), SYNC_MS (1000, as cahierd's).
LIB_TAP=0    # figures, not a test: no TAP lines from lib.sh
. "$(dirname "$0")/lib.sh"
trap 'exit 130' INT TERM HUP

CASES=${BENCH_CASES:-10000}
PER=${BENCH_CASE_ENTRIES:-100}
SETTLE=${BENCH_SETTLE:-5}
IDLE=${BENCH_IDLE_SECS:-10}
SYNC_MS=${SYNC_MS:-1000}
TOOLS=$B/tests/tools

say() { echo "bench: $*" >&2; }
fail() { say "FAILED: $*"; TAP_FAIL=1; exit 1; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1;
	if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

[ -x "$TOOLS/mkcases" ] || fail "$TOOLS/mkcases missing: run make BUILD=${BUILD:-build} tests first"
for v in "$CASES" "$PER" "$SETTLE" "$IDLE" "$SYNC_MS"; do
	case $v in '' | *[!0-9]*) fail "BENCH_CASES, BENCH_CASE_ENTRIES, BENCH_SETTLE, BENCH_IDLE_SECS, SYNC_MS take numbers" ;; esac
done
[ "$CASES" -ge 1 ] && [ "$PER" -ge 2 ] && [ "$IDLE" -ge 1 ] && [ "$SYNC_MS" -ge 1 ] ||
	fail "BENCH_CASES >= 1, BENCH_CASE_ENTRIES >= 2, BENCH_IDLE_SECS >= 1, SYNC_MS >= 1"

# kib PID FIELD: a field of /proc/PID/status, in KiB
kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
# fds PID: its open descriptors
fds() { ls "/proc/$1/fd" | wc -l; }
# tcp_bytes PORT...: the payload bytes sent plus received by the connections
# made to these loopback ports, counted at the dialling end
tcp_bytes() {
	f=""
	for p in "$@"; do f="$f${f:+ or }dport = :$p"; done
	ss -Htin state established "( $f )" | awk '
		{ for (i = 1; i <= NF; i++) {
			if ($i ~ /^bytes_sent:/) { sub(/^bytes_sent:/, "", $i); s += $i }
			if ($i ~ /^bytes_received:/) { sub(/^bytes_received:/, "", $i); s += $i } } }
		END { printf "%d\n", s }'
}
# connected HOME: its daemon says it is connected to its one peer
connected() { c "$1" --json status 2>/dev/null | grep -q '"peers_connected":1'; }

# pair A B IA IB N: organizations A and B (peer ports PORT_BASE+IA, +IB),
# their providers, N shared cases of PER entries written by mkcases
pair() {
	mkorg "$1" "Bench coordinator $1" "$3" --sync-ms "$SYNC_MS" || fail "init $1"
	mkorg "$2" "Bench member $2" "$4" --sync-ms "$SYNC_MS" || fail "init $2"
	mesh "$1" "$2" || fail "cards"
	mkprov "$1" "$1-prov" "Bench Coordinator" social-worker || fail "provider at $1"
	mkprov "$2" "$2-prov" "Bench Nurse" home-nurse || fail "provider at $2"
	t0=$(date +%s)
	"$TOOLS/mkcases" "$T/$1" "$T/$1-prov" "$T/$2" "$T/$2-prov" "$T/orgpass" "$T/pp" \
		"$5" "$PER" >"$T/$1.cases" || fail "mkcases"
	say "$5 cases of $PER entries written into both stores in $(($(date +%s) - t0)) s" \
		"($(du -sh "$T/$1/cases" | cut -f1) at $1)"
}

# measure A B IA IB SUFFIX: starts both, waits for them to connect and
# settle, samples A for IDLE s, prints the figures, stops both
measure() {
	start "$1" || fail "daemon $1"
	start "$2" || fail "daemon $2"
	wait_for 60 connected "$1-prov" || fail "$1 connected to $2"
	wait_for 60 connected "$2-prov" || fail "$2 connected to $1"
	sleep "$SETTLE"
	eval "pa=\$PID_$1 pb=\$PID_$2"
	: >"$T/rss" ; : >"$T/fds"
	b0=$(tcp_bytes $((PORT_BASE + $3)) $((PORT_BASE + $4)))
	s0=$(date +%s.%N)
	i=0
	while [ "$i" -lt "$IDLE" ]; do
		i=$((i + 1))
		sleep 1
		kib "$pa" VmRSS >>"$T/rss"
		fds "$pa" >>"$T/fds"
	done
	b1=$(tcp_bytes $((PORT_BASE + $3)) $((PORT_BASE + $4)))
	s1=$(date +%s.%N)
	hwm=$(kib "$pa" VmHWM)
	say "$1: VmRSS $(kib "$pa" VmRSS) KiB, VmHWM $hwm KiB, $(fds "$pa") fds;" \
		"$2: VmRSS $(kib "$pb" VmRSS) KiB, VmHWM $(kib "$pb" VmHWM) KiB, $(fds "$pb") fds"
	say "$((b1 - b0)) bytes between them in $(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.1f", b - a }') s"
	stop "$1"
	stop "$2"
	echo "BENCH rss_mib_$5 $(median <"$T/rss" | awk '{ printf "%.1f", $1 / 1024 }') MiB"
	[ "$5" = 1_case ] || echo "BENCH hwm_mib_$5 $(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }') MiB"
	[ "$5" = 1_case ] || echo "BENCH fds_$5 $(median <"$T/fds") fds"
	echo "BENCH idle_round_bytes_$5 $(awk -v b="$((b1 - b0))" -v a="$s0" -v z="$s1" -v ms="$SYNC_MS" \
		'BEGIN { printf "%.0f", b / 2 / ((z - a) * 1000 / ms) }') bytes"
}

if [ "$CASES" = 10000 ]; then NAME=10k_cases; else NAME=${CASES}_cases; fi
say "baseline: two daemons sharing 1 case of $PER entries (sync every $SYNC_MS ms)"
pair a1 b1 1 2 1
measure a1 b1 1 2 1_case >"$T/base.out"
say "two daemons sharing $CASES cases of $PER entries ($((CASES * PER)) entries)"
pair a b 3 4 "$CASES"
measure a b 3 4 "$NAME" >"$T/big.out"
cat "$T/big.out" "$T/base.out"
RSS=$(awk '$2 ~ /^rss_mib_/ && $2 != "rss_mib_1_case" { print $3 }' "$T/big.out")
BASE=$(awk '$2 == "rss_mib_1_case" { print $3 }' "$T/base.out")
echo "BENCH rss_vs_1_case_ratio $(awk -v a="$RSS" -v b="$BASE" 'BEGIN { printf "%.2f", a / b }') x"
